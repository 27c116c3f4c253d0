import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { EVENTS } from '@app/contracts';
import { QueueName, WorkspaceJobData, isScheduledRun, PERIODIC_JOBS } from '@app/jobs';

/** Every five minutes. */
export const MARK_COMPLAINT_BREACHES_CRON = '*/5 * * * *';

export interface MarkComplaintBreachesData extends WorkspaceJobData {
  /** Mark breaches as of this instant (ISO 8601) instead of now: tests and replays. */
  asOf?: string;
}

/**
 * The complaint SLA sweep of one workspace, in ONE statement: marks the first-response and resolution breaches
 * of unresolved complaints as of now and escalates them like revisits (handler → group leader of the account
 * owner's team → director, see `escalationLevelAt` in domain/complaint.ts), writing for each complaint that
 * changed a history row, an account timeline entry and a `complaint.breached` event in the outbox. A rerun at
 * the same instant changes nothing and emits nothing.
 */
@Processor(QueueName.Complaints)
export class MarkComplaintBreachesJob extends WorkerHost {
  private readonly logger = new Logger(MarkComplaintBreachesJob.name);

  constructor(
    private readonly ds: DataSource,
    @Inject(PERIODIC_JOBS) private readonly periodic: boolean,
  ) {
    super();
  }

  async process(
    job: Job<MarkComplaintBreachesData>,
  ): Promise<{ marked: number; asOf: string } | { skipped: string }> {
    // Runs from the job scheduler are paused when KAM_PERIODIC_JOBS=0 (tests); runs enqueued by hand are not.
    if (isScheduledRun(job) && !this.periodic) return { skipped: 'KAM_PERIODIC_JOBS=0' };
    if (job.name !== MarkComplaintBreachesJob.name) throw new Error(`unknown job ${job.name}`);
    const asOf = job.data.asOf ? new Date(job.data.asOf) : new Date();
    if (Number.isNaN(asOf.getTime())) throw new Error(`asOf is not a time: ${job.data.asOf}`);
    const marked = await this.run(job.data.workspaceId, asOf);
    if (marked)
      this.logger.log(`workspace ${job.data.workspaceId}: ${marked} complaint(s) breached or escalated`);
    return { marked, asOf: asOf.toISOString() };
  }

  /** Marks and escalates; returns how many complaints changed. */
  async run(workspaceId: string, asOf: Date): Promise<number> {
    const rows: unknown[] = await this.ds.query(
      `WITH director AS (
         SELECT m.id FROM members m
         WHERE m.workspace_id = $1 AND m.status = 'active' AND 'director' = ANY (m.roles)
         ORDER BY m.created_at, m.id LIMIT 1
       ),
       cand AS (
         SELECT c.id, c.breached_response AS was_response, c.breached_resolution AS was_resolution,
                c.escalation_level AS was_level, x.br_response, x.br_resolution,
                CASE WHEN x.br_resolution AND $2::timestamptz > c.resolution_due + (c.resolution_due - c.received_at) THEN 3
                     WHEN x.br_resolution THEN 2
                     WHEN x.br_response THEN 1
                     ELSE 0 END AS level,
                coalesce(c.handler_id, a.owner_id) AS handler,
                (SELECT t.leader_id FROM members o JOIN teams t ON t.id = o.team_id WHERE o.id = a.owner_id) AS leader
         FROM complaints c
         JOIN accounts a ON a.id = c.account_id
         CROSS JOIN LATERAL (
           SELECT c.breached_response OR (c.first_responded_at IS NULL AND $2::timestamptz > c.first_response_due)
                    AS br_response,
                  c.breached_resolution OR $2::timestamptz > c.resolution_due AS br_resolution
         ) x
         WHERE c.workspace_id = $1 AND c.status IN ('open', 'acknowledged', 'in_progress') AND c.resolved_at IS NULL
       ),
       changed AS (
         SELECT cand.*,
                CASE cand.level
                  WHEN 1 THEN cand.handler
                  WHEN 2 THEN coalesce(cand.leader, (SELECT id FROM director), cand.handler)
                  WHEN 3 THEN coalesce((SELECT id FROM director), cand.leader, cand.handler)
                END AS target,
                array_remove(ARRAY[
                  CASE WHEN cand.br_response AND NOT cand.was_response THEN 'response' END,
                  CASE WHEN cand.br_resolution AND NOT cand.was_resolution THEN 'resolution' END
                ], NULL) AS breaches
         FROM cand
         WHERE cand.br_response <> cand.was_response OR cand.br_resolution <> cand.was_resolution
            OR cand.level > cand.was_level
       ),
       upd AS (
         UPDATE complaints c SET
           breached_response = ch.br_response,
           breached_resolution = ch.br_resolution,
           escalation_level = greatest(ch.level, c.escalation_level),
           escalated_to = CASE WHEN ch.level > c.escalation_level THEN ch.target ELSE c.escalated_to END,
           version = c.version + 1,
           updated_at = now()
         FROM changed ch
         WHERE c.id = ch.id
         RETURNING c.id, c.workspace_id, c.account_id, c.severity, c.escalation_level, c.escalated_to, ch.breaches
       ),
       history AS (
         INSERT INTO complaint_events (workspace_id, complaint_id, actor_id, kind, details)
         SELECT u.workspace_id, u.id, NULL, 'breached',
                jsonb_build_object('breaches', to_jsonb(u.breaches), 'escalationLevel', u.escalation_level,
                                   'escalatedTo', u.escalated_to, 'asOf', $2::timestamptz)
         FROM upd u
       ),
       timeline AS (
         INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
         SELECT u.workspace_id, u.account_id, NULL, 'complaint_breached',
                jsonb_build_object('complaintId', u.id, 'severity', u.severity, 'breaches', to_jsonb(u.breaches),
                                   'escalationLevel', u.escalation_level, 'escalatedTo', u.escalated_to)
         FROM upd u
       )
       INSERT INTO outbox (id, subject, workspace_id, payload)
       SELECT gen_random_uuid(), $3, u.workspace_id,
              jsonb_build_object('workspaceId', u.workspace_id, 'complaintId', u.id, 'accountId', u.account_id,
                                 'severity', u.severity, 'breaches', to_jsonb(u.breaches),
                                 'escalationLevel', u.escalation_level, 'escalatedTo', u.escalated_to)
       FROM upd u
       RETURNING id`,
      [workspaceId, asOf.toISOString(), EVENTS.complaintBreached],
    );
    return rows.length;
  }
}
