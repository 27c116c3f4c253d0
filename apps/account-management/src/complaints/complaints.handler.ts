import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import {
  Actor,
  ComplaintCallbackRequest,
  ComplaintMetricsRequest,
  ComplaintTransitionRequest,
  CreateComplaintRequest,
  GetComplaintRequest,
  KamError,
  ListComplaintsRequest,
  parseDto,
  RunComplaintSweepRequest,
  SUBJECTS,
} from '@app/contracts';
import { hasCapability } from '@app/authz';
import { DEFAULT_JOB_OPTIONS, QUEUE_PREFIX, QueueName, queueReachable } from '@app/jobs';
import { RpcHandler } from '@app/messaging';
import { ComplaintsService } from './complaints.service';
import { ComplaintMetricsService } from './complaint-metrics.service';
import { MarkComplaintBreachesData, MarkComplaintBreachesJob } from './mark-complaint-breaches.job';

/** How long an operator's "run the SLA sweep now" waits for the job. */
const SWEEP_WAIT_MS = 20_000;

/** NATS face of complaints. Thin: validate again (never trust the edge), then the use case. */
@Injectable()
export class ComplaintsHandler implements OnModuleDestroy {
  private events?: QueueEvents;

  constructor(
    private readonly complaints: ComplaintsService,
    private readonly metricsService: ComplaintMetricsService,
    @InjectQueue(QueueName.Complaints) private readonly queue: Queue,
  ) {}

  @RpcHandler(SUBJECTS.accounts.complaintCreate)
  create(data: unknown, actor: Actor) {
    const r = parseDto(CreateComplaintRequest, data);
    return this.complaints.create(actor, r.accountId, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.accounts.complaintList)
  list(data: unknown, actor: Actor) {
    return this.complaints.list(actor, parseDto(ListComplaintsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.accounts.complaintGet)
  get(data: unknown, actor: Actor) {
    return this.complaints.get(actor, parseDto(GetComplaintRequest, data).id);
  }

  @RpcHandler(SUBJECTS.accounts.complaintTransition)
  transition(data: unknown, actor: Actor) {
    const r = parseDto(ComplaintTransitionRequest, data);
    return this.complaints.transition(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.complaintCallback)
  callback(data: unknown, actor: Actor) {
    const r = parseDto(ComplaintCallbackRequest, data);
    return this.complaints.callback(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.complaintMetrics)
  metrics(data: unknown, actor: Actor) {
    return this.metricsService.metrics(actor, parseDto(ComplaintMetricsRequest, data).query);
  }

  /** The job console's "run now": enqueues the caller's workspace's SLA sweep and waits for its result. */
  @RpcHandler(SUBJECTS.accounts.complaintRunSweep)
  async runSweep(data: unknown, actor: Actor): Promise<{ marked: number; asOf: string }> {
    const r = parseDto(RunComplaintSweepRequest, data);
    if (!hasCapability(actor.roles, 'jobs:console')) throw new KamError('forbidden');
    // Redis away: 503 at once, not a wait in the client's offline queue until it returns.
    if (!(await queueReachable(this.queue))) throw new KamError('service_unavailable', { service: 'redis' });
    // Listening before enqueueing, so a fast job's completion is not missed.
    const events = await this.queueEvents();
    const job = await this.queue.add(
      MarkComplaintBreachesJob.name,
      { workspaceId: actor.workspaceId, asOf: r.data.asOf } satisfies MarkComplaintBreachesData,
      { ...DEFAULT_JOB_OPTIONS, attempts: 1, jobId: `${MarkComplaintBreachesJob.name}-run-${randomUUID()}` },
    );
    return (await job.waitUntilFinished(events, SWEEP_WAIT_MS)) as {
      marked: number;
      asOf: string;
    };
  }

  private async queueEvents(): Promise<QueueEvents> {
    if (!this.events) {
      this.events = new QueueEvents(QueueName.Complaints, {
        connection: this.queue.opts.connection,
        prefix: QUEUE_PREFIX,
      });
      await this.events.waitUntilReady();
    }
    return this.events;
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }
}
