import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { RevisitSweepResult } from '@app/contracts';
import { QueueName, WorkspaceJobData, isScheduledRun, PERIODIC_JOBS } from '@app/jobs';
import { RevisitSweepService } from '../revisits/revisit-sweep.service';

/** Daily at 06:00 in the workspace's time zone, before the working day starts. */
export const CREATE_DUE_REVISITS_CRON = '0 6 * * *';

export interface CreateDueRevisitsJobData extends WorkspaceJobData {
  /** Run as of this instant (ISO 8601) instead of now: tests and catching up drive the clock this way. */
  asOf?: string;
}

/**
 * Creates the revisits that fall due in one workspace and escalates the overdue ones (RevisitSweepService).
 * Idempotent: a rerun on the same day creates and escalates nothing more.
 */
@Processor(QueueName.Revisits)
export class CreateDueRevisitsJob extends WorkerHost {
  constructor(
    private readonly sweep: RevisitSweepService,
    @Inject(PERIODIC_JOBS) private readonly periodic: boolean,
  ) {
    super();
  }

  async process(job: Job<CreateDueRevisitsJobData>): Promise<RevisitSweepResult | { skipped: string }> {
    // Runs from the job scheduler are paused when KAM_PERIODIC_JOBS=0 (tests); runs enqueued by hand are not.
    if (isScheduledRun(job) && !this.periodic) return { skipped: 'KAM_PERIODIC_JOBS=0' };
    if (job.name !== CreateDueRevisitsJob.name) throw new Error(`unknown job ${job.name}`);
    const asOf = job.data.asOf ? new Date(job.data.asOf) : new Date();
    if (Number.isNaN(asOf.getTime())) throw new Error(`asOf is not a date: ${job.data.asOf}`);
    return this.sweep.sweep(job.data.workspaceId, asOf, job.id);
  }
}
