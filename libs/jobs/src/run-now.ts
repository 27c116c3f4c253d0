import { Queue, QueueEvents } from 'bullmq';
import { actorHasCapability } from '@app/authz';
import { Actor, KamError } from '@app/contracts';
import { QUEUE_PREFIX } from './queues';
import { queueReachable } from './queue-reachable';
import { DEFAULT_JOB_OPTIONS } from './schedule';

export interface RunNowOptions {
  /** The service named in a 503 when the run does not finish in time. */
  service: string;
  /** How long the caller waits for the run (default 20 s). */
  waitMs?: number;
}

/**
 * An admin's "run this job now" for their own workspace (capability `jobs:console`): the job goes through the
 * queue like a scheduled run, so it shows in the job console, and the caller waits for its result. One per queue;
 * its QueueEvents connection is opened on the first run and closed with `close()`.
 *
 * - Redis away: 503 at once, not a wait in the client's offline queue until it returns.
 * - The request id names the job: a retried request (same id) waits for the same run instead of adding another.
 * - One attempt: the operator sees a failure at once; the scheduled runs keep their retries.
 * - Not finished in time, or failed: 503 naming the service and the reason; the job itself is left as it is.
 */
export class JobRunNow {
  private events?: Promise<QueueEvents>;

  constructor(
    private readonly queue: Queue,
    private readonly options: RunNowOptions,
  ) {}

  async run<T>(actor: Actor, jobName: string, data: Record<string, unknown>): Promise<T> {
    if (!actorHasCapability(actor, 'jobs:console')) throw new KamError('forbidden');
    if (!(await queueReachable(this.queue))) throw new KamError('service_unavailable', { service: 'redis' });
    // Listening before enqueueing, so a fast job's completion is not missed.
    const events = await this.queueEvents();
    const jobId = `${jobName}-${actor.workspaceId}-${actor.requestId}`.replace(/:/g, '-');
    const job = await this.queue.add(
      jobName,
      { ...data, workspaceId: actor.workspaceId },
      { ...DEFAULT_JOB_OPTIONS, attempts: 1, jobId },
    );
    try {
      return (await job.waitUntilFinished(events, this.options.waitMs ?? 20_000)) as T;
    } catch (e) {
      throw new KamError('service_unavailable', {
        service: this.options.service,
        reason: (e as Error).message,
      });
    }
  }

  async close(): Promise<void> {
    const events = this.events;
    this.events = undefined;
    await (await events?.catch(() => undefined))?.close();
  }

  private queueEvents(): Promise<QueueEvents> {
    if (!this.events) {
      const events = new QueueEvents(this.queue.name, {
        connection: this.queue.opts.connection,
        prefix: QUEUE_PREFIX,
      });
      this.events = events.waitUntilReady().then(() => events);
      // A failed start is retried by the next run.
      this.events.catch(() => (this.events = undefined));
    }
    return this.events;
  }
}
