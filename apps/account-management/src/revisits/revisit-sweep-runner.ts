import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import { Actor, KamError, RevisitSweepResult, RunRevisitSweepDto } from '@app/contracts';
import { hasCapability } from '@app/authz';
import { DEFAULT_JOB_OPTIONS, QUEUE_PREFIX, QueueName, queueReachable } from '@app/jobs';
import { CreateDueRevisitsJob, CreateDueRevisitsJobData } from '../jobs/create-due-revisits.job';

/** How long the admin endpoint waits for the sweep it enqueued. */
export const RUN_SWEEP_WAIT_MS = 20_000;

/**
 * Runs the revisit sweep of a workspace now, through the queue (so it shows in the job console like the
 * scheduled runs), and waits for its result. Admin only (capability `jobs:console`).
 */
@Injectable()
export class RevisitSweepRunner implements OnModuleDestroy {
  private events?: QueueEvents;

  constructor(@InjectQueue(QueueName.Revisits) private readonly queue: Queue) {}

  async run(actor: Actor, dto: RunRevisitSweepDto): Promise<RevisitSweepResult> {
    if (!hasCapability(actor.roles, 'jobs:console')) throw new KamError('forbidden');
    // An admin runs the jobs of their own workspace only.
    if (dto.workspaceId && dto.workspaceId !== actor.workspaceId) throw new KamError('forbidden');
    // Redis away: 503 at once, not a wait in the client's offline queue until it returns.
    if (!(await queueReachable(this.queue))) throw new KamError('service_unavailable', { service: 'redis' });
    const events = await this.queueEvents();
    const data: CreateDueRevisitsJobData = { workspaceId: actor.workspaceId, asOf: dto.asOf };
    // The request id names the job: a retried request waits for the same run instead of adding another.
    const jobId = `${CreateDueRevisitsJob.name}-${actor.workspaceId}-${actor.requestId}`.replace(/:/g, '-');
    const job = await this.queue.add(CreateDueRevisitsJob.name, data, { ...DEFAULT_JOB_OPTIONS, jobId });
    try {
      return (await job.waitUntilFinished(events, RUN_SWEEP_WAIT_MS)) as RevisitSweepResult;
    } catch (e) {
      throw new KamError('service_unavailable', {
        service: 'account-management',
        reason: (e as Error).message,
      });
    }
  }

  private async queueEvents(): Promise<QueueEvents> {
    if (!this.events) {
      this.events = new QueueEvents(QueueName.Revisits, {
        connection: this.queue.opts.connection,
        prefix: QUEUE_PREFIX,
      });
    }
    await this.events.waitUntilReady();
    return this.events;
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }
}
