import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Actor, KamError, RevisitSweepResult, RunRevisitSweepDto } from '@app/contracts';
import { JobRunNow, QueueName } from '@app/jobs';
import { CreateDueRevisitsJob, CreateDueRevisitsJobData } from '../jobs/create-due-revisits.job';

/** How long the admin endpoint waits for the sweep it enqueued. */
export const RUN_SWEEP_WAIT_MS = 20_000;

/**
 * Runs the revisit sweep of a workspace now, through the queue (so it shows in the job console like the
 * scheduled runs), and waits for its result. Admin only (capability `jobs:console`).
 */
@Injectable()
export class RevisitSweepRunner implements OnModuleDestroy {
  private readonly runner: JobRunNow;

  constructor(@InjectQueue(QueueName.Revisits) queue: Queue) {
    this.runner = new JobRunNow(queue, { service: 'account-management', waitMs: RUN_SWEEP_WAIT_MS });
  }

  async run(actor: Actor, dto: RunRevisitSweepDto): Promise<RevisitSweepResult> {
    // An admin runs the jobs of their own workspace only.
    if (dto.workspaceId && dto.workspaceId !== actor.workspaceId) throw new KamError('forbidden');
    const data: Omit<CreateDueRevisitsJobData, 'workspaceId'> = { asOf: dto.asOf };
    return this.runner.run<RevisitSweepResult>(actor, CreateDueRevisitsJob.name, data);
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.close();
  }
}
