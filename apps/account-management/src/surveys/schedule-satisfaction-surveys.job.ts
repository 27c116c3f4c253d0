import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { EVENTS } from '@app/contracts';
import { QueueName, WorkspaceJobData, isScheduledRun, PERIODIC_JOBS } from '@app/jobs';
import { quarterEnd, quarterOf } from '../domain/survey';
import { insertSurveys } from './survey.sql';

/** Daily at 07:00 in the workspace's time zone. */
export const SCHEDULE_SATISFACTION_SURVEYS_CRON = '0 7 * * *';

export interface ScheduleSatisfactionSurveysData extends WorkspaceJobData {
  /** Run as of this instant (ISO 8601) instead of now: tests and catching up drive the clock this way. */
  asOf?: string;
}

export interface ScheduleSatisfactionSurveysResult {
  created: number;
  /** Pending surveys past their due date, now expired. */
  expired: number;
  period: string;
  asOf: string;
}

/**
 * The quarterly satisfaction survey (满意度调查) of one workspace, in ONE statement: a pending survey for the
 * current quarter (in the workspace's time zone), due at the quarter's end, for every account being served
 * (not a prospect, not lost) that has none, with a timeline entry and a `survey.created` event each.
 * Pending surveys past their due date expire (timeline entry and `survey.expired` event each).
 * Idempotent by the unique index on (account, trigger, period): a rerun in the same quarter creates none.
 */
@Processor(QueueName.Surveys)
export class ScheduleSatisfactionSurveysJob extends WorkerHost {
  private readonly logger = new Logger(ScheduleSatisfactionSurveysJob.name);

  constructor(
    private readonly ds: DataSource,
    @Inject(PERIODIC_JOBS) private readonly periodic: boolean,
  ) {
    super();
  }

  async process(
    job: Job<ScheduleSatisfactionSurveysData>,
  ): Promise<ScheduleSatisfactionSurveysResult | { skipped: string }> {
    // Runs from the job scheduler are paused when KAM_PERIODIC_JOBS=0 (tests); runs enqueued by hand are not.
    if (isScheduledRun(job) && !this.periodic) return { skipped: 'KAM_PERIODIC_JOBS=0' };
    if (job.name !== ScheduleSatisfactionSurveysJob.name) throw new Error(`unknown job ${job.name}`);
    const asOf = job.data.asOf ? new Date(job.data.asOf) : new Date();
    if (Number.isNaN(asOf.getTime())) throw new Error(`asOf is not a time: ${job.data.asOf}`);
    const result = await this.run(job.data.workspaceId, asOf);
    if (result.created)
      this.logger.log(`workspace ${job.data.workspaceId}: ${result.created} survey(s) for ${result.period}`);
    return result;
  }

  async run(workspaceId: string, asOf: Date): Promise<ScheduleSatisfactionSurveysResult> {
    return this.ds.transaction(async (m) => {
      const days: { today: string }[] = await m.query(
        `SELECT to_char(timezone(w.time_zone, $2::timestamptz)::date, 'YYYY-MM-DD') AS today
         FROM workspaces w WHERE w.id = $1`,
        [workspaceId, asOf.toISOString()],
      );
      if (!days[0]) throw new Error(`no workspace ${workspaceId}`);
      const period = quarterOf(days[0].today);
      const ids = await insertSurveys(
        m,
        `SELECT a.workspace_id, a.id AS account_id, 'scheduled' AS trigger, NULL::uuid AS complaint_id,
                $2::text AS period, $3::date AS due_date, NULL::uuid AS created_by
         FROM accounts a
         WHERE a.workspace_id = $1 AND a.status NOT IN ('prospect', 'lost')
           AND NOT EXISTS (SELECT 1 FROM surveys o
                           WHERE o.account_id = a.id AND o.trigger = 'scheduled' AND o.period = $2)`,
        [workspaceId, period, quarterEnd(period)],
        null,
        null,
      );
      const expired: { id: string }[] = await m.query(
        `WITH expired AS (
           UPDATE surveys s SET status = 'expired', version = s.version + 1, updated_at = now()
           WHERE s.workspace_id = $1 AND s.status = 'pending' AND s.due_date < $2::date
           RETURNING s.id, s.workspace_id, s.account_id, s.trigger, s.complaint_id, s.period),
         timeline AS (
           INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
           SELECT e.workspace_id, e.account_id, NULL, 'survey_expired',
                  jsonb_build_object('surveyId', e.id, 'trigger', e.trigger, 'period', e.period)
           FROM expired e)
         INSERT INTO outbox (id, subject, workspace_id, payload)
         SELECT gen_random_uuid(), $3, e.workspace_id,
                jsonb_build_object('workspaceId', e.workspace_id, 'surveyId', e.id, 'accountId', e.account_id,
                                   'trigger', e.trigger, 'complaintId', e.complaint_id, 'period', e.period)
         FROM expired e
         RETURNING id`,
        [workspaceId, days[0].today, EVENTS.surveyExpired],
      );
      return { created: ids.length, expired: expired.length, period, asOf: asOf.toISOString() };
    });
  }
}
