import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  Actor,
  ComplaintCallbackRequest,
  ComplaintMetricsRequest,
  ComplaintTransitionRequest,
  CreateComplaintRequest,
  GetComplaintRequest,
  ListComplaintsRequest,
  parseDto,
  RunComplaintSweepRequest,
  SUBJECTS,
} from '@app/contracts';
import { JobRunNow, QueueName } from '@app/jobs';
import { RpcHandler } from '@app/messaging';
import { ComplaintsService } from './complaints.service';
import { ComplaintMetricsService } from './complaint-metrics.service';
import { MarkComplaintBreachesData, MarkComplaintBreachesJob } from './mark-complaint-breaches.job';

/** How long an operator's "run the SLA sweep now" waits for the job. */
const SWEEP_WAIT_MS = 20_000;

/** NATS face of complaints. Thin: validate again (never trust the edge), then the use case. */
@Injectable()
export class ComplaintsHandler implements OnModuleDestroy {
  private readonly runner: JobRunNow;

  constructor(
    private readonly complaints: ComplaintsService,
    private readonly metricsService: ComplaintMetricsService,
    @InjectQueue(QueueName.Complaints) queue: Queue,
  ) {
    this.runner = new JobRunNow(queue, { service: 'account-management', waitMs: SWEEP_WAIT_MS });
  }

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
  runSweep(data: unknown, actor: Actor): Promise<{ marked: number; asOf: string }> {
    const r = parseDto(RunComplaintSweepRequest, data);
    const job: Omit<MarkComplaintBreachesData, 'workspaceId'> = { asOf: r.data.asOf };
    return this.runner.run(actor, MarkComplaintBreachesJob.name, job);
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.close();
  }
}
