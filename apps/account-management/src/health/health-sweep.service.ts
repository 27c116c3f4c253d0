import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EVENTS, HealthRunResult, HealthScoredEvent } from '@app/contracts';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { dateInTimeZone } from '../domain/revisit';
import { AT_RISK_THRESHOLD, scoreHealth } from '../domain/health';

/** Stages from which a low score moves the account to at_risk. */
const MOVABLE_STAGES = ['active', 'handed_over'];

interface InputRow {
  id: string;
  tier: string;
  days_since_contact: number;
  overdue_revisits: number;
  open_complaints: number;
  breached_complaints: number;
  satisfaction_recent: string | null;
  satisfaction_prior: string | null;
  orders_recent: string;
  orders_prior: string;
}

/**
 * The daily health run of one workspace, set-based: one aggregate query gathers every account's inputs, the pure
 * domain/health.ts scores them in memory, one UPDATE … FROM unnest(…) writes the scores back, and one statement
 * moves the accounts below the threshold (active or handed over) to at_risk with their timeline entries and
 * `account.stage-changed` events; one `health.scored` event sums up the run. A rerun the same day writes the same
 * scores and moves nothing more.
 */
@Injectable()
export class HealthSweepService {
  private readonly logger = new Logger('health');

  constructor(
    private readonly ds: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly relay: OutboxRelay,
  ) {}

  async run(workspaceId: string, asOf: Date = new Date(), requestId?: string): Promise<HealthRunResult> {
    const result = await this.ds.transaction(async (m) => {
      const { settings } = await this.settings.load(m, workspaceId);
      const today = dateInTimeZone(asOf, settings.timeZone);
      const cadence = new Map(settings.tierLadder.map((t) => [t.key, t.revisitDays]));
      const rows = await this.inputs(m, workspaceId, today, settings.timeZone);
      const ids: string[] = [];
      const scores: number[] = [];
      const reasons: string[] = [];
      const low: string[] = [];
      for (const r of rows) {
        const h = scoreHealth({
          cadenceDays: cadence.get(r.tier) ?? null,
          daysSinceContact: Math.max(0, r.days_since_contact),
          overdueRevisits: r.overdue_revisits,
          openComplaints: r.open_complaints,
          breachedComplaints: r.breached_complaints,
          satisfactionRecent: r.satisfaction_recent === null ? null : Number(r.satisfaction_recent),
          satisfactionPrior: r.satisfaction_prior === null ? null : Number(r.satisfaction_prior),
          ordersRecentMinor: Number(r.orders_recent),
          ordersPriorMinor: Number(r.orders_prior),
        });
        ids.push(r.id);
        scores.push(h.score);
        reasons.push(JSON.stringify(h.reasons));
        if (h.atRisk) low.push(r.id);
      }
      if (ids.length)
        await m.query(
          `UPDATE accounts a SET health_score = u.score, health_reasons = u.reasons::jsonb, health_computed_at = $4
           FROM unnest($1::uuid[], $2::smallint[], $3::text[]) AS u(id, score, reasons)
           WHERE a.id = u.id AND a.workspace_id = $5`,
          [ids, scores, reasons, asOf, workspaceId],
        );
      const movedToAtRisk = low.length ? await this.flagAtRisk(m, workspaceId, low, requestId) : 0;
      const total = scores.reduce((a, b) => a + b, 0);
      await addToOutbox<HealthScoredEvent>(m, {
        subject: EVENTS.healthScored,
        workspaceId,
        requestId,
        payload: {
          workspaceId,
          day: today,
          scored: ids.length,
          movedToAtRisk,
          averageScore: ids.length ? Math.round((total / ids.length) * 10) / 10 : null,
          belowThreshold: low.length,
        },
      });
      return { workspaceId, today, scored: ids.length, movedToAtRisk };
    });
    this.relay.kick();
    this.logger.log(
      `workspace ${workspaceId} on ${result.today}: ${result.scored} account(s) scored, ` +
        `${result.movedToAtRisk} moved to at_risk`,
    );
    return result;
  }

  /**
   * Every scored account's inputs as of `today` (workspace time zone), in one statement of grouped aggregates:
   * overdue revisits, open and breached complaints, revisit satisfaction and order sums over the last 90 days
   * and the 90 before. Prospects and lost accounts are not scored.
   */
  private inputs(
    m: EntityManager,
    workspaceId: string,
    today: string,
    timeZone: string,
  ): Promise<InputRow[]> {
    return m.query(
      `WITH acc AS (
         SELECT a.id, a.tier, ($2::date - timezone($3, coalesce(a.last_contact_at, a.created_at))::date) AS days
         FROM accounts a WHERE a.workspace_id = $1 AND a.status NOT IN ('prospect', 'lost')),
       rv AS (
         SELECT r.account_id,
                count(*) FILTER (WHERE r.status IN ('planned', 'overdue') AND r.due_date < $2::date)::int AS overdue,
                avg(r.satisfaction) FILTER (WHERE timezone($3, r.completed_at)::date > $2::date - 90
                  AND timezone($3, r.completed_at)::date <= $2::date) AS sat_recent,
                avg(r.satisfaction) FILTER (WHERE timezone($3, r.completed_at)::date > $2::date - 180
                  AND timezone($3, r.completed_at)::date <= $2::date - 90) AS sat_prior
         FROM revisits r WHERE r.workspace_id = $1 GROUP BY r.account_id),
       cp AS (
         SELECT c.account_id, count(*)::int AS open,
                count(*) FILTER (WHERE c.breached_response OR c.breached_resolution)::int AS breached
         FROM complaints c WHERE c.workspace_id = $1 AND c.status IN ('open', 'acknowledged', 'in_progress')
         GROUP BY c.account_id),
       od AS (
         SELECT o.account_id,
                coalesce(sum(o.amount_minor) FILTER (WHERE o.ordered_on > $2::date - 90), 0) AS recent,
                coalesce(sum(o.amount_minor) FILTER (WHERE o.ordered_on <= $2::date - 90), 0) AS prior
         FROM orders o WHERE o.workspace_id = $1 AND o.ordered_on > $2::date - 180 AND o.ordered_on <= $2::date
         GROUP BY o.account_id)
       SELECT acc.id, acc.tier, acc.days AS days_since_contact,
              coalesce(rv.overdue, 0) AS overdue_revisits, rv.sat_recent AS satisfaction_recent,
              rv.sat_prior AS satisfaction_prior, coalesce(cp.open, 0) AS open_complaints,
              coalesce(cp.breached, 0) AS breached_complaints,
              coalesce(od.recent, 0)::text AS orders_recent, coalesce(od.prior, 0)::text AS orders_prior
       FROM acc LEFT JOIN rv ON rv.account_id = acc.id LEFT JOIN cp ON cp.account_id = acc.id
       LEFT JOIN od ON od.account_id = acc.id
       ORDER BY acc.id`,
      [workspaceId, today, timeZone],
    );
  }

  /** Moves the low-scoring active or handed-over accounts to at_risk, with timeline and outbox, in one statement. */
  private async flagAtRisk(
    m: EntityManager,
    workspaceId: string,
    ids: string[],
    requestId: string | undefined,
  ): Promise<number> {
    const rows: { moved: number }[] = await m.query(
      `WITH cand AS (
         SELECT a.id, a.status AS was, a.service_team_id, a.health_score, a.health_reasons FROM accounts a
         WHERE a.workspace_id = $1 AND a.id = ANY ($2::uuid[]) AND a.status = ANY ($3::text[])
         FOR NO KEY UPDATE OF a),
       moved AS (
         UPDATE accounts a SET status = 'at_risk', stage_changed_at = now(), version = a.version + 1,
                updated_at = now()
         FROM cand c WHERE a.id = c.id
         RETURNING c.id, c.was, c.service_team_id, c.health_score, c.health_reasons),
       tl AS (
         INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
         SELECT $1, mv.id, NULL, 'stage_changed',
                jsonb_build_object('from', mv.was, 'to', 'at_risk', 'reason', 'health', 'score', mv.health_score,
                  'threshold', $4::int, 'reasons', mv.health_reasons)
         FROM moved mv RETURNING 1),
       ev AS (
         INSERT INTO outbox (id, subject, workspace_id, payload, request_id)
         SELECT gen_random_uuid(), $5, $1,
                jsonb_build_object('accountId', mv.id, 'workspaceId', $1::text, 'from', mv.was, 'to', 'at_risk',
                  'serviceTeamId', mv.service_team_id, 'reason', 'health', 'score', mv.health_score),
                $6
         FROM moved mv RETURNING 1)
       SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM tl)::int AS timeline,
              (SELECT count(*) FROM ev)::int AS events`,
      [workspaceId, ids, MOVABLE_STAGES, AT_RISK_THRESHOLD, EVENTS.accountStageChanged, requestId ?? null],
    );
    return rows[0]?.moved ?? 0;
  }
}
