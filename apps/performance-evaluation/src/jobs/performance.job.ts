import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { isScheduledRun, PERIODIC_JOBS, QueueName, WorkspaceJobData } from '@app/jobs';
import { systemActor } from '../access/performance-access.service';
import { CyclesService } from '../cycles/cycles.service';

/** 00:15 on the 1st of every month in the workspace's time zone: open the cycle of the month before. */
export const OPEN_MONTHLY_CYCLE_CRON = '15 0 1 * *';
/** 09:00 every day in the workspace's time zone: remind raters of scorecards still waiting for ratings. */
export const REMIND_UNRATED_SCORECARDS_CRON = '0 9 * * *';

export interface PerformanceJobData extends WorkspaceJobData {
  /** Run as of this instant (ISO 8601) instead of now: tests and catching up drive the clock this way. */
  asOf?: string;
}

/** Job names of the performance queue: the class names of what they do. */
export const OpenMonthlyCycleJob = 'OpenMonthlyCycleJob';
export const RemindUnratedScorecardsJob = 'RemindUnratedScorecardsJob';

/**
 * The periodic work of performance evaluation, per workspace. Both jobs are idempotent: the cycle of a month is
 * opened once (unique per workspace and month), and a reminder only restates what is still unrated.
 */
@Processor(QueueName.Performance)
export class PerformanceJobsProcessor extends WorkerHost {
  private readonly logger = new Logger('performance-jobs');

  constructor(
    private readonly ds: DataSource,
    private readonly cycles: CyclesService,
    @Inject(PERIODIC_JOBS) private readonly periodic: boolean,
  ) {
    super();
  }

  async process(job: Job<PerformanceJobData>): Promise<unknown> {
    if (isScheduledRun(job) && !this.periodic) return { skipped: 'KAM_PERIODIC_JOBS=0' };
    const asOf = job.data.asOf ? new Date(job.data.asOf) : new Date();
    if (Number.isNaN(asOf.getTime())) throw new Error(`asOf is not a time: ${job.data.asOf}`);
    const actor = systemActor(job.data.workspaceId, `job-${job.id}`);
    switch (job.name) {
      case OpenMonthlyCycleJob: {
        const zone: { time_zone: string }[] = await this.ds.query(
          `SELECT time_zone FROM workspaces WHERE workspace_id = $1`,
          [job.data.workspaceId],
        );
        const r = await this.cycles.openDue(
          job.data.workspaceId,
          zone[0]?.time_zone ?? 'Asia/Shanghai',
          asOf,
          actor,
        );
        if (r.opened)
          this.logger.log(`workspace ${job.data.workspaceId}: opened ${r.month} (${r.scorecards} cards)`);
        return { ...r, asOf: asOf.toISOString() };
      }
      case RemindUnratedScorecardsJob:
        return {
          ...(await this.cycles.remindUnrated(job.data.workspaceId, actor)),
          asOf: asOf.toISOString(),
        };
      default:
        throw new Error(`unknown job ${job.name}`);
    }
  }
}
