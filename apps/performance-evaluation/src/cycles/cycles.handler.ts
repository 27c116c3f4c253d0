import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  Actor,
  MonthRequest,
  parseDto,
  PublishCycleRequest,
  RunPerformanceJobRequest,
  SUBJECTS,
} from '@app/contracts';
import { JobRunNow, QueueName } from '@app/jobs';
import { RpcHandler } from '@app/messaging';
import { OpenMonthlyCycleJob, PerformanceJobData, RemindUnratedScorecardsJob } from '../jobs/performance.job';
import { CyclesService } from './cycles.service';

/** How long an admin "run now" waits for its job. */
const RUN_WAIT_MS = 120_000;

/** NATS face of the monthly cycle; thin: parse, then the service. */
@Injectable()
export class CyclesHandler implements OnApplicationShutdown {
  private readonly runner: JobRunNow;

  constructor(
    private readonly cycles: CyclesService,
    @InjectQueue(QueueName.Performance) queue: Queue,
  ) {
    this.runner = new JobRunNow(queue, { service: 'performance-evaluation', waitMs: RUN_WAIT_MS });
  }

  @RpcHandler(SUBJECTS.performance.cycleList)
  list(_data: unknown, actor: Actor) {
    return this.cycles.list(actor);
  }

  @RpcHandler(SUBJECTS.performance.cycleGet)
  get(data: unknown, actor: Actor) {
    return this.cycles.get(actor, parseDto(MonthRequest, data).month);
  }

  @RpcHandler(SUBJECTS.performance.cycleOpen)
  open(data: unknown, actor: Actor) {
    return this.cycles.open(actor, parseDto(MonthRequest, data).month);
  }

  @RpcHandler(SUBJECTS.performance.cycleCollect)
  collect(data: unknown, actor: Actor) {
    return this.cycles.collect(actor, parseDto(MonthRequest, data).month);
  }

  @RpcHandler(SUBJECTS.performance.cyclePublish)
  publish(data: unknown, actor: Actor) {
    const r = parseDto(PublishCycleRequest, data);
    return this.cycles.publishAll(actor, r.month, r.data.teamId);
  }

  @RpcHandler(SUBJECTS.performance.cycleApprove)
  approve(data: unknown, actor: Actor) {
    return this.cycles.approveAll(actor, parseDto(MonthRequest, data).month);
  }

  @RpcHandler(SUBJECTS.performance.cycleLock)
  lock(data: unknown, actor: Actor) {
    return this.cycles.lock(actor, parseDto(MonthRequest, data).month);
  }

  @RpcHandler(SUBJECTS.performance.cycleRanking)
  ranking(data: unknown, actor: Actor) {
    return this.cycles.ranking(actor, parseDto(MonthRequest, data).month);
  }

  @RpcHandler(SUBJECTS.performance.cyclePayroll)
  payroll(data: unknown, actor: Actor) {
    return this.cycles.payroll(actor, parseDto(MonthRequest, data).month);
  }

  @RpcHandler(SUBJECTS.performance.runOpenCycles)
  runOpenCycles(data: unknown, actor: Actor) {
    return this.runNow(OpenMonthlyCycleJob, data, actor);
  }

  @RpcHandler(SUBJECTS.performance.runRatingReminders)
  runRatingReminders(data: unknown, actor: Actor) {
    return this.runNow(RemindUnratedScorecardsJob, data, actor);
  }

  /** The admin console's "run now": the same job through the queue, waited for, visible in the console. */
  private runNow(name: string, data: unknown, actor: Actor): Promise<unknown> {
    const r = parseDto(RunPerformanceJobRequest, data);
    const job: Omit<PerformanceJobData, 'workspaceId'> = { asOf: r.data.asOf };
    return this.runner.run(actor, name, job);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }
}
