import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { AccessLogVerification } from '@app/contracts';
import { isScheduledRun, PERIODIC_JOBS, QueueName, WorkspaceJobData } from '@app/jobs';
import { AccessLogService } from '../access-log/access-log.service';
import { PoliciesService } from '../policies/policies.service';

/** Nightly at 02:30 in the workspace's time zone. */
export const VERIFY_ACCESS_LOG_CRON = '30 2 * * *';
/** Daily at 00:10. */
export const EXPIRE_GRANTS_CRON = '10 0 * * *';
export const VERIFY_ACCESS_LOG_JOB = 'VerifyAccessLogJob';
export const EXPIRE_GRANTS_JOB = 'ExpireGrantsJob';
/** Daily at 09:00: members who have not acknowledged a published policy are reminded (issue 6, point 6). */
export const REMIND_POLICY_ACKNOWLEDGEMENTS_CRON = '0 9 * * *';
export const REMIND_POLICY_ACKNOWLEDGEMENTS_JOB = 'RemindPolicyAcknowledgementsJob';

export interface ExpireGrantsData extends WorkspaceJobData {
  asOf?: string;
}
export type RemindPoliciesData = ExpireGrantsData;

/**
 * The document service's periodic work per workspace: verifying the access log's hash chain (a broken chain is
 * logged as an error naming the first broken entry, and is the job's result in the console) and expiring grants
 * (they stop working at their expiry in any case; the job records it), and reminding members of the policies they
 * have not acknowledged.
 */
@Processor(QueueName.Documents)
export class DocumentJobs extends WorkerHost {
  private readonly logger = new Logger('document-jobs');

  constructor(
    private readonly ds: DataSource,
    private readonly accessLog: AccessLogService,
    private readonly policies: PoliciesService,
    @Inject(PERIODIC_JOBS) private readonly periodic: boolean,
  ) {
    super();
  }

  async process(job: Job<ExpireGrantsData>): Promise<unknown> {
    if (isScheduledRun(job) && !this.periodic) return { skipped: 'KAM_PERIODIC_JOBS=0' };
    if (job.name === VERIFY_ACCESS_LOG_JOB) return this.verify(job.data.workspaceId);
    if (job.name === EXPIRE_GRANTS_JOB)
      return this.expireGrants(job.data.workspaceId, job.data.asOf ? new Date(job.data.asOf) : new Date());
    if (job.name === REMIND_POLICY_ACKNOWLEDGEMENTS_JOB)
      return this.policies.remind(job.data.workspaceId, job.data.asOf ? new Date(job.data.asOf) : new Date());
    throw new Error(`unknown job ${job.name}`);
  }

  async verify(workspaceId: string): Promise<AccessLogVerification> {
    const r = await this.accessLog.verifyWorkspace(workspaceId);
    if (!r.ok)
      this.logger.error(
        `access log of workspace ${workspaceId} is broken at entry ${r.firstBroken?.id} (seq ${r.firstBroken?.seq}): ${r.firstBroken?.reason}`,
      );
    return r;
  }

  async expireGrants(workspaceId: string, asOf: Date): Promise<{ expired: number }> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [rows]: [unknown[], number] = await this.ds.query(
      `UPDATE document_grants SET revoked_at = expires_at, revoked_by = 'system:expiry'
       WHERE workspace_id = $1 AND revoked_at IS NULL AND expires_at <= $2 RETURNING id`,
      [workspaceId, asOf.toISOString()],
    );
    return { expired: rows.length };
  }
}
