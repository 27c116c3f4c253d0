import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, QueueName, workspaceSchedulerId } from '@app/jobs';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { CrmConnectionService } from './crm-connection.service';
import { TwentyRecord } from './twenty-records';

/** Every 15 minutes: the sync only reads what changed pages ago cheaply, and webhooks carry the rest. */
export const SYNC_TWENTY_CRON = '*/15 * * * *';

export const PROCESS_TWENTY_EVENT_JOB = 'ProcessTwentyEventJob';
export const SYNC_TWENTY_JOB = 'SyncTwentyJob';
export const SCHEDULE_TWENTY_SYNC_JOB = 'ScheduleTwentySyncJob';

export interface TwentyEventJobData {
  workspaceId: string;
  eventName: string;
  record: TwentyRecord;
}

/** One sync of a workspace at a time: its job id is fixed, so enqueueing while one runs adds nothing. */
export function syncJobId(workspaceId: string): string {
  return `${SYNC_TWENTY_JOB}-${workspaceId}`;
}

/** Enqueues the CRM's work on the crm-sync queue and keeps each connected workspace's sync schedule. */
@Injectable()
export class CrmJobsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('crm-jobs');

  constructor(
    @InjectQueue(QueueName.CrmSync) private readonly queue: Queue,
    private readonly connections: CrmConnectionService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.KAM_PERIODIC_JOBS) return;
    const workspaces = await this.connections.workspaces();
    for (const w of workspaces) await this.schedule(w);
    if (workspaces.length) this.logger.log(`CRM sync scheduled for ${workspaces.length} workspace(s)`);
  }

  /** The job scheduler of a workspace's periodic sync (only when periodic jobs run: tests drive it by hand). */
  async schedule(workspaceId: string): Promise<void> {
    if (!this.config.KAM_PERIODIC_JOBS) return;
    await this.queue.upsertJobScheduler(
      workspaceSchedulerId(SCHEDULE_TWENTY_SYNC_JOB, workspaceId),
      { pattern: SYNC_TWENTY_CRON },
      { name: SCHEDULE_TWENTY_SYNC_JOB, data: { workspaceId }, opts: DEFAULT_JOB_OPTIONS },
    );
  }

  /**
   * A verified webhook delivery. Twenty sends a new nonce with every attempt, so the job id is a digest of the
   * event itself (name, record, event date): a redelivered event is the same job and runs once.
   */
  async enqueueEvent(data: TwentyEventJobData, eventDigest: string): Promise<void> {
    await this.queue.add(PROCESS_TWENTY_EVENT_JOB, data, {
      ...DEFAULT_JOB_OPTIONS,
      jobId: `${PROCESS_TWENTY_EVENT_JOB}-${data.workspaceId}-${eventDigest}`,
    });
  }

  /** Starts (or resumes) the workspace's sync unless one is queued or running. */
  async enqueueSync(workspaceId: string): Promise<{ jobId: string }> {
    const jobId = syncJobId(workspaceId);
    await this.queue.add(
      SYNC_TWENTY_JOB,
      { workspaceId },
      { ...DEFAULT_JOB_OPTIONS, jobId, removeOnComplete: true, removeOnFail: true },
    );
    return { jobId };
  }
}
