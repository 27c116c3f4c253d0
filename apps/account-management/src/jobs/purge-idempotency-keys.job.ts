import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { QueueName, WorkspaceJobData, isScheduledRun, PERIODIC_JOBS } from '@app/jobs';

/** Daily at 03:30 in the workspace's time zone. */
export const PURGE_IDEMPOTENCY_KEYS_CRON = '30 3 * * *';
/** Idempotency-Key records are kept this long; a retry after that is a new request. */
export const IDEMPOTENCY_RETENTION_DAYS = 7;

/** Forgets the Idempotency-Key records of one workspace older than the retention period. */
@Processor(QueueName.AccountMaintenance)
export class PurgeIdempotencyKeysJob extends WorkerHost {
  private readonly logger = new Logger(PurgeIdempotencyKeysJob.name);

  constructor(
    private readonly ds: DataSource,
    @Inject(PERIODIC_JOBS) private readonly periodic: boolean,
  ) {
    super();
  }

  async process(job: Job<WorkspaceJobData>): Promise<{ deleted: number } | { skipped: string }> {
    // Runs from the job scheduler are paused when KAM_PERIODIC_JOBS=0 (tests); runs enqueued by hand are not.
    if (isScheduledRun(job) && !this.periodic) return { skipped: 'KAM_PERIODIC_JOBS=0' };
    if (job.name !== PurgeIdempotencyKeysJob.name) throw new Error(`unknown job ${job.name}`);
    const res: [unknown[], number] = await this.ds.query(
      `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND created_at < now() - make_interval(days => $2)`,
      [job.data.workspaceId, IDEMPOTENCY_RETENTION_DAYS],
    );
    const deleted = res[1] ?? 0;
    this.logger.log(`workspace ${job.data.workspaceId}: purged ${deleted} idempotency records`);
    return { deleted };
  }
}
