import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { SUBJECTS } from '@app/contracts';
import { isScheduledRun, QueueName, WorkspaceJobData } from '@app/jobs';
import { RpcClient } from '@app/messaging';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import {
  CrmJobsService,
  PROCESS_TWENTY_EVENT_JOB,
  SCHEDULE_TWENTY_SYNC_JOB,
  SYNC_TWENTY_JOB,
  TwentyEventJobData,
} from './crm-jobs.service';
import { crmSystemActor, CrmSyncService } from './crm-sync.service';
import { parseEventName } from './twenty-records';
import { isConnectionRefusal } from './twenty-client';

const PHASE = { company: 'companies', person: 'people', opportunity: 'opportunities' } as const;

/**
 * The crm-sync queue's worker: webhook events, sync runs and the scheduler's kicks. A short lock (renewed
 * every 5 s) means a sync whose gateway was killed is picked up again within seconds of a restart, and goes on
 * from its saved cursor.
 */
@Processor(QueueName.CrmSync, {
  concurrency: 4,
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 3,
})
export class CrmSyncProcessor extends WorkerHost {
  private readonly logger = new Logger('crm-sync-worker');

  constructor(
    private readonly sync: CrmSyncService,
    private readonly jobs: CrmJobsService,
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case PROCESS_TWENTY_EVENT_JOB:
        return this.event(job as Job<TwentyEventJobData>);
      case SYNC_TWENTY_JOB: {
        const { workspaceId } = job.data as WorkspaceJobData;
        try {
          return await this.sync.run(workspaceId, `job-${job.id}`, async () => {
            await job.updateProgress({ at: new Date().toISOString() });
          });
        } catch (e) {
          // An address that is not allowed or a redirect: the connection must change first, retrying cannot help.
          if (isConnectionRefusal(e)) throw new UnrecoverableError(e.message);
          throw e;
        }
      }
      case SCHEDULE_TWENTY_SYNC_JOB:
        if (isScheduledRun(job) && !this.config.KAM_PERIODIC_JOBS) return { skipped: 'KAM_PERIODIC_JOBS=0' };
        return this.jobs.enqueueSync((job.data as WorkspaceJobData).workspaceId);
      default:
        throw new Error(`unknown job ${job.name}`);
    }
  }

  /** One webhook event: `company.*`, `person.*` or `opportunity.*`; other objects are acknowledged and ignored. */
  private async event(job: Job<TwentyEventJobData>): Promise<unknown> {
    const { workspaceId, eventName, record } = job.data;
    const parsed = parseEventName(eventName);
    if (!parsed.object) return { ignored: eventName };
    const actor = crmSystemActor(workspaceId, `job-${job.id}`);
    if (parsed.action === 'upsert') {
      const counts: Record<string, number> = {};
      await this.sync.apply(
        actor,
        PHASE[parsed.object],
        [record],
        (k, n) => (counts[k] = (counts[k] ?? 0) + n),
      );
      this.logger.log(`workspace ${workspaceId}: ${eventName} applied ${JSON.stringify(counts)}`);
      return counts;
    }
    const id = typeof record?.id === 'string' ? record.id : undefined;
    if (!id) return { ignored: 'no record id' };
    if (parsed.object === 'company')
      return this.rpc.request(SUBJECTS.accounts.crmCompanyDeleted, actor, { id });
    if (parsed.object === 'person')
      return this.rpc.request(SUBJECTS.accounts.crmPersonDeleted, actor, { id });
    // A recorded order stays: a sale that happened is not undone by deleting the opportunity in the CRM.
    return { ignored: eventName };
  }
}
