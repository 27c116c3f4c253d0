import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Actor, RunDailyJobDto } from '@app/contracts';
import { JobRunNow, QueueName } from '@app/jobs';
import { DailyJobData } from '../jobs/account-health.job';

/** How long the admin endpoint waits for the run it enqueued. */
export const RUN_DAILY_JOB_WAIT_MS = 20_000;

/**
 * Runs a job of the account-health queue for the caller's workspace now, through the queue (so it shows in the
 * job console like the scheduled runs), and waits for its result. Admin only (capability `jobs:console`).
 */
@Injectable()
export class DailyJobRunner implements OnModuleDestroy {
  private readonly runner: JobRunNow;

  constructor(@InjectQueue(QueueName.AccountHealth) queue: Queue) {
    this.runner = new JobRunNow(queue, { service: 'account-management', waitMs: RUN_DAILY_JOB_WAIT_MS });
  }

  run<T>(actor: Actor, jobName: string, dto: RunDailyJobDto): Promise<T> {
    const data: Omit<DailyJobData, 'workspaceId'> = { asOf: dto.asOf };
    return this.runner.run<T>(actor, jobName, data);
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.close();
  }
}
