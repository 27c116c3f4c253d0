import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EVENTS, RevisitSweepResult } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import {
  dateInTimeZone,
  ESCALATE_TO_DIRECTOR_AFTER_DAYS,
  ESCALATE_TO_GROUP_LEADER_AFTER_DAYS,
} from '../domain/revisit';

/**
 * The daily revisit sweep of one workspace, set-based (one statement per step, whatever the number of accounts):
 * creates the revisits that fall due from each account's tier cadence, then marks the open ones past their
 * date overdue and escalates them owner → group leader → director (domain/revisit.ts has the thresholds).
 * Running it again the same day changes nothing.
 */
@Injectable()
export class RevisitSweepService {
  private readonly logger = new Logger('revisits');

  constructor(
    private readonly ds: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly relay: OutboxRelay,
  ) {}

  async sweep(workspaceId: string, asOf: Date = new Date(), requestId?: string): Promise<RevisitSweepResult> {
    const result = await this.ds.transaction(async (m) => {
      const { settings } = await this.settings.load(m, workspaceId);
      const today = dateInTimeZone(asOf, settings.timeZone);
      const created = await this.createDue(m, workspaceId, today, settings);
      const { markedOverdue, escalations } = await this.escalate(m, workspaceId, today, requestId);
      return { workspaceId, today, created, markedOverdue, escalations };
    });
    if (result.escalations) this.relay.kick();
    this.logger.log(
      `workspace ${workspaceId} on ${result.today}: ${result.created} revisit(s) created, ` +
        `${result.markedOverdue} overdue, ${result.escalations} escalation(s)`,
    );
    return result;
  }

  /**
   * One planned revisit for every account whose last contact (or creation) plus its tier's cadence falls on or
   * before today, and that has no open revisit; assigned to the owner, or to the service team's leader (else its
   * first active member) when the settings say so.
   *
   * The accounts falling due are read per tier of the ladder as one range of `accounts_revisit_clock`: "the
   * clock's local date + the cadence <= today" is "the clock is before the first instant of (today - cadence + 1)
   * in the workspace's zone" (OFFSET 0 keeps that scan per tier; flattened, the planner read every account of the
   * workspace). "No open revisit" is the unique index `revisits_one_open`, checked by ON CONFLICT DO NOTHING like
   * the one revisit per account and day, so no plan choice is involved: a probe written as NOT EXISTS was once
   * planned as a scan of every open revisit of every workspace per account (stale statistics in the
   * 1,000,000-account benchmark). A rerun the same day creates none.
   */
  private async createDue(
    m: EntityManager,
    workspaceId: string,
    today: string,
    settings: {
      timeZone: string;
      tierLadder: { key: string; revisitDays: number }[];
      revisitAssignee: 'owner' | 'service_team';
    },
  ): Promise<number> {
    const ladder = settings.tierLadder.map((t) => ({ tier: t.key, days: t.revisitDays }));
    const rows: { created: number }[] = await m.query(
      `WITH ladder AS (
         SELECT l.tier, l.days, (($4::date - l.days + 1)::timestamp AT TIME ZONE $3) AS clock_before
         FROM jsonb_to_recordset($2::jsonb) AS l(tier text, days int)),
       due AS (
         SELECT a.*, timezone($3, a.clock)::date + l.days AS due
         FROM ladder l
         CROSS JOIN LATERAL (
           SELECT a.id, a.workspace_id, a.owner_id, a.service_team_id, a.status,
                  coalesce(a.last_contact_at, a.created_at) AS clock
           FROM accounts a
           WHERE a.workspace_id = $1 AND a.tier = l.tier AND coalesce(a.last_contact_at, a.created_at) < l.clock_before
           OFFSET 0) a
         WHERE a.status NOT IN ('prospect', 'lost')),
       created AS (
         INSERT INTO revisits (id, workspace_id, account_id, due_date, assignee_id)
         SELECT gen_random_uuid(), a.workspace_id, a.id, a.due,
                CASE WHEN $5 = 'service_team' AND a.service_team_id IS NOT NULL THEN coalesce(
                  (SELECT t.leader_id FROM teams t JOIN members lm ON lm.id = t.leader_id AND lm.status = 'active'
                   WHERE t.id = a.service_team_id),
                  (SELECT sm.id FROM members sm WHERE sm.team_id = a.service_team_id AND sm.status = 'active'
                   ORDER BY sm.created_at, sm.id LIMIT 1),
                  a.owner_id)
                ELSE a.owner_id END
         FROM due a
         WHERE a.due <= $4::date
         ON CONFLICT DO NOTHING
         RETURNING account_id, due_date),
       next_due AS (
         UPDATE accounts a SET next_revisit_due = c.due_date FROM created c WHERE a.id = c.account_id RETURNING 1)
       SELECT (SELECT count(*) FROM created)::int AS created`,
      [workspaceId, JSON.stringify(ladder), settings.timeZone, today, settings.revisitAssignee],
    );
    return rows[0]?.created ?? 0;
  }

  /**
   * Open revisits past their date become overdue; each escalation step not yet taken is recorded in
   * revisit_escalations, notified in-app to the group leader of the owner's team (level 1) or the director
   * (level 2), and told as `revisit.escalated` through the outbox. All in one statement.
   */
  private async escalate(
    m: EntityManager,
    workspaceId: string,
    today: string,
    requestId: string | undefined,
  ): Promise<{ markedOverdue: number; escalations: number }> {
    const rows: { marked_overdue: number; escalations: number }[] = await m.query(
      `WITH due AS (
         SELECT r.id, r.account_id, r.due_date, r.status AS was, r.escalation_level AS from_level, a.name, a.owner_id,
                ($2::date - r.due_date) AS days_overdue,
                CASE WHEN $2::date - r.due_date >= $4 THEN 2 WHEN $2::date - r.due_date >= $3 THEN 1 ELSE 0 END
                  AS to_level
         FROM revisits r JOIN accounts a ON a.id = r.account_id
         WHERE r.workspace_id = $1 AND r.status IN ('planned', 'overdue') AND r.due_date < $2::date
         FOR UPDATE OF r),
       steps AS (
         SELECT d.*, s.level,
                CASE s.level
                  WHEN 1 THEN (SELECT t.leader_id FROM members o JOIN teams t ON t.id = o.team_id
                               JOIN members gl ON gl.id = t.leader_id AND gl.status = 'active'
                               WHERE o.id = d.owner_id)
                  ELSE (SELECT dm.id FROM members dm WHERE dm.workspace_id = $1 AND dm.status = 'active'
                        AND 'director' = ANY (dm.roles) ORDER BY dm.created_at, dm.id LIMIT 1)
                END AS to_member_id
         FROM due d CROSS JOIN LATERAL generate_series(d.from_level + 1, d.to_level) AS s(level)),
       esc AS (
         INSERT INTO revisit_escalations (revisit_id, level, to_member_id)
         SELECT id, level, to_member_id FROM steps
         ON CONFLICT DO NOTHING
         RETURNING revisit_id, level),
       taken AS (
         SELECT s.* FROM steps s JOIN esc e ON e.revisit_id = s.id AND e.level = s.level),
       upd AS (
         UPDATE revisits r SET status = 'overdue', escalation_level = greatest(r.escalation_level, d.to_level),
                version = r.version + 1, updated_at = now()
         FROM due d WHERE r.id = d.id AND (d.was <> 'overdue' OR r.escalation_level < d.to_level)
         RETURNING d.was),
       notes AS (
         INSERT INTO notifications (id, workspace_id, member_id, kind, title, body, link)
         SELECT gen_random_uuid(), $1, t.to_member_id, 'revisit_escalated',
                '回访逾期升级:' || t.name,
                '应于 ' || to_char(t.due_date, 'YYYY-MM-DD') || ' 完成的回访已逾期 ' || t.days_overdue
                  || ' 天,已升级至您处理 / The revisit due on ' || to_char(t.due_date, 'YYYY-MM-DD') || ' is '
                  || t.days_overdue || ' day(s) overdue and has been escalated to you',
                jsonb_build_object('revisitId', t.id, 'accountId', t.account_id, 'level', t.level)
         FROM taken t WHERE t.to_member_id IS NOT NULL
         RETURNING 1),
       events AS (
         INSERT INTO outbox (id, subject, workspace_id, payload, request_id)
         SELECT gen_random_uuid(), $5, $1,
                jsonb_build_object('workspaceId', $1::text, 'revisitId', t.id, 'accountId', t.account_id,
                  'level', t.level, 'toMemberId', t.to_member_id, 'dueDate', to_char(t.due_date, 'YYYY-MM-DD')),
                $6
         FROM taken t
         RETURNING 1)
       SELECT (SELECT count(*) FROM upd WHERE was = 'planned')::int AS marked_overdue,
              (SELECT count(*) FROM taken)::int AS escalations,
              (SELECT count(*) FROM notes)::int AS notified,
              (SELECT count(*) FROM events)::int AS published`,
      [
        workspaceId,
        today,
        ESCALATE_TO_GROUP_LEADER_AFTER_DAYS,
        ESCALATE_TO_DIRECTOR_AFTER_DAYS,
        EVENTS.revisitEscalated,
        requestId ?? null,
      ],
    );
    return { markedOverdue: rows[0]?.marked_overdue ?? 0, escalations: rows[0]?.escalations ?? 0 };
  }
}
