import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CycleView,
  EVENTS,
  KamError,
  PayrollRow,
  RankingRow,
  RankingView,
  ScorecardState,
} from '@app/contracts';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { updateReturning } from '@app/persistence';
import {
  appealWindowOpen,
  eliminationCandidates,
  formatPoints,
  formatScaled,
  monthBefore,
  monthOf,
  rankWithin,
} from '../domain';
import { audit } from '../access/audit';
import { PerformanceAccess } from '../access/performance-access.service';
import { payBaseFor } from '../pay-bases/pay-bases.service';
import { commissionsOf, payFor } from '../scorecards/pay';
import { APPEAL_DAYS } from '../scorecards/scorecards.service';
import { CycleRow, cycleView, StoredPayout } from '../scorecards/scorecard.sql';
import { ScorecardCollector } from './scorecard-collector.service';
import { TeamPerformanceService } from '../team-performance/team-performance.service';

/** Months of last place running that raise an elimination warning (三个月排名倒数第一). */
export const BOTTOM_MONTHS = 3;

/**
 * The monthly cycle of a workspace: opened (by the job on the 1st, or the director) for the month before,
 * metrics collected, ratings, publication, acknowledgement, approval, then locked — payouts, ranks and
 * elimination warnings are frozen with it and nothing in the month changes after.
 */
@Injectable()
export class CyclesService {
  private readonly logger = new Logger('cycles');

  constructor(
    private readonly ds: DataSource,
    private readonly access: PerformanceAccess,
    private readonly collector: ScorecardCollector,
    private readonly relay: OutboxRelay,
    private readonly teams: TeamPerformanceService,
  ) {}

  async list(actor: Actor): Promise<CycleView[]> {
    await this.access.require(actor, 'read', 'PerformanceCycle');
    const rows: CycleRow[] = await this.ds.query(
      `SELECT * FROM cycles WHERE workspace_id = $1 ORDER BY month DESC LIMIT 120`,
      [actor.workspaceId],
    );
    const counts = await this.counts(rows.map((r) => r.id));
    return rows.map((r) => cycleView(r, counts.get(r.id) ?? []));
  }

  async get(actor: Actor, month: string): Promise<CycleView> {
    await this.access.require(actor, 'read', 'PerformanceCycle');
    const cycle = await this.cycle(this.ds.manager, actor.workspaceId, month);
    return cycleView(cycle, (await this.counts([cycle.id])).get(cycle.id) ?? []);
  }

  /** Opens the cycle of `month` and collects its metrics. A second open of the same month is 409. */
  async open(actor: Actor, month: string): Promise<CycleView> {
    await this.access.require(actor, 'create', 'PerformanceCycle');
    const cycle = await this.insertCycle(actor, month);
    if (!cycle) throw new KamError('cycle_exists', { month });
    await this.collector.collect(cycle, actor.requestId);
    return this.get(actor, month);
  }

  /** Collects the metrics again (e.g. after a late order or a corrected target); same inputs, same result. */
  async collect(actor: Actor, month: string): Promise<CycleView> {
    await this.access.require(actor, 'update', 'PerformanceCycle');
    const cycle = await this.cycle(this.ds.manager, actor.workspaceId, month);
    if (cycle.status === 'locked') throw new KamError('cycle_locked', { month });
    await this.collector.collect(cycle, actor.requestId);
    await this.ds.transaction((m) =>
      audit(m, actor, { entity: 'cycle', entityId: cycle.id, action: 'collected', after: { month } }),
    );
    return this.get(actor, month);
  }

  /** Publishes every rated scorecard of the month the actor may publish (a group leader: their team). */
  async publishAll(actor: Actor, month: string, teamId?: string): Promise<{ published: number }> {
    await this.access.require(actor, 'publish', 'Scorecard');
    const cycle = await this.cycle(this.ds.manager, actor.workspaceId, month);
    if (cycle.status === 'locked') throw new KamError('cycle_locked', { month });
    const params: unknown[] = [cycle.id, teamId ?? null];
    const cond = await this.access.where(actor, 'publish', 'Scorecard', params.length);
    if (!cond) throw new KamError('forbidden');
    params.push(...cond.values);
    const n = await this.ds.transaction(async (m) => {
      const rows = await updateReturning<{ id: string; member_id: string }>(
        m,
        `UPDATE scorecards s SET status = 'published', published_at = now(), version = s.version + 1,
           updated_at = now()
         WHERE s.cycle_id = $1 AND s.status = 'rated' AND ($2::uuid IS NULL OR s.team_id = $2) AND (${cond.sql})
         RETURNING s.id, s.member_id`,
        params,
      );
      await this.bulkAudit(m, actor, rows, 'publish', 'published', month);
      return rows.length;
    });
    this.relay.kick();
    return { published: n };
  }

  /**
   * The director approves every card of the month that can be approved now (acknowledged, or published with the
   * appeal window passed); the others are counted as waiting.
   */
  async approveAll(actor: Actor, month: string): Promise<{ approved: number; waiting: number }> {
    await this.access.require(actor, 'approve', 'Scorecard');
    const cycle = await this.cycle(this.ds.manager, actor.workspaceId, month);
    if (cycle.status === 'locked') throw new KamError('cycle_locked', { month });
    const result = await this.ds.transaction(async (m) => {
      const candidates: { id: string; status: ScorecardState; published_at: Date | null }[] = await m.query(
        `SELECT id, status, published_at FROM scorecards WHERE cycle_id = $1 AND status <> 'approved' FOR UPDATE`,
        [cycle.id],
      );
      const now = new Date();
      const ready = candidates
        .filter(
          (c) =>
            c.status === 'acknowledged' ||
            (c.status === 'published' &&
              c.published_at &&
              !appealWindowOpen(c.published_at, now, APPEAL_DAYS)),
        )
        .map((c) => c.id);
      const rows = await updateReturning<{ id: string; member_id: string }>(
        m,
        `UPDATE scorecards SET status = 'approved', approved_by = $2, approved_at = now(), version = version + 1,
           updated_at = now() WHERE id = ANY($1) RETURNING id, member_id`,
        [ready, actor.memberId],
      );
      await this.bulkAudit(m, actor, rows, 'approve', 'approved', month);
      return { approved: rows.length, waiting: candidates.length - rows.length };
    });
    this.relay.kick();
    return result;
  }

  /**
   * Locks the month: every scorecard approved, payouts computed from the pay base, score band, department
   * modifier and approved commission, ranks within each position stored, 末位 warnings raised for members last
   * three months running, the team performance (团队绩效) of the month stored as it stands. One transaction;
   * afterwards the database refuses any change to the month.
   */
  async lock(actor: Actor, month: string): Promise<CycleView> {
    await this.access.require(actor, 'lock', 'PerformanceCycle');
    const before = await this.cycle(this.ds.manager, actor.workspaceId, month);
    if (before.status === 'locked') throw new KamError('cycle_locked', { month });
    await this.refuseUnapproved(this.ds.manager, before);
    // The teams' sales come over NATS: asked before the transaction, never while it holds the cycle row.
    const teamMetrics = await this.teams.fetch(actor.workspaceId, month, actor.requestId);
    await this.ds.transaction(async (m) => {
      const cycle = await this.cycle(m, actor.workspaceId, month, true);
      if (cycle.status === 'locked') throw new KamError('cycle_locked', { month });
      await this.refuseUnapproved(m, cycle);
      const cards: {
        id: string;
        member_id: string;
        member_name: string;
        position: string;
        total_hundredths: number;
      }[] = await m.query(
        `SELECT id, member_id, member_name, position, total_hundredths FROM scorecards WHERE cycle_id = $1`,
        [cycle.id],
      );
      const ids = cards.map((c) => c.member_id);
      const bases = await payBaseFor(m, actor.workspaceId, ids, month);
      const commissions = await commissionsOf(m, actor.workspaceId, month, ids);
      const ranks = new Map<string, { rank: number; isLast: boolean }>();
      for (const group of groupBy(cards, (c) => c.position).values())
        for (const r of rankWithin(
          group.map((c) => ({ memberId: c.member_id, scoreHundredths: BigInt(c.total_hundredths) })),
        ))
          ranks.set(r.memberId, { rank: r.rank, isLast: r.isLast });
      const frozen = cards.map((c) => {
        const pay: StoredPayout = payFor(
          BigInt(c.total_hundredths),
          bases.get(c.member_id) ?? 0n,
          cycle.department,
          commissions.get(c.member_id),
        );
        return {
          id: c.id,
          pay_base_minor: pay.payBaseMinor,
          payout: pay,
          payout_minor: pay.totalMinor,
          rank: ranks.get(c.member_id)?.rank ?? null,
          is_last: ranks.get(c.member_id)?.isLast ?? false,
        };
      });
      await m.query(
        `UPDATE scorecards s SET pay_base_minor = f.pay_base_minor, payout = f.payout, payout_minor = f.payout_minor,
           rank = f.rank, is_last = f.is_last, locked = true, version = s.version + 1, updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS f(id uuid, pay_base_minor bigint, payout jsonb, payout_minor bigint,
              rank int, is_last boolean)
         WHERE s.id = f.id AND s.cycle_id = $1`,
        [cycle.id, JSON.stringify(frozen)],
      );
      const warnings = await this.raiseWarnings(m, actor, month);
      const teams = await this.teams.freeze(m, actor.workspaceId, month, teamMetrics);
      await m.query(
        `UPDATE cycles SET status = 'locked', locked_by = $2, locked_at = now(), version = version + 1 WHERE id = $1`,
        [cycle.id, actor.kind === 'system' ? null : actor.memberId],
      );
      await audit(m, actor, {
        entity: 'cycle',
        entityId: cycle.id,
        action: 'locked',
        after: { month, scorecards: cards.length, warnings, teams },
      });
      await addToOutbox(m, {
        subject: EVENTS.cycleLocked,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: { workspaceId: actor.workspaceId, month, scorecards: cards.length, warnings },
      });
    });
    this.relay.kick();
    return this.get(actor, month);
  }

  /** 409 cycle_not_ready while a scorecard of the cycle is not approved. */
  private async refuseUnapproved(m: EntityManager, cycle: CycleRow): Promise<void> {
    const pending: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n FROM scorecards WHERE cycle_id = $1 AND status <> 'approved'`,
      [cycle.id],
    );
    if (pending[0].n > 0)
      throw new KamError('cycle_not_ready', { month: cycle.month, pending: pending[0].n });
  }

  /** Members last in their position in each of the last BOTTOM_MONTHS locked months, this one included. */
  private async raiseWarnings(m: EntityManager, actor: Actor, month: string): Promise<number> {
    const months = [month];
    while (months.length < BOTTOM_MONTHS) months.unshift(monthBefore(months[0]));
    const rows: {
      month: string;
      position: string;
      member_id: string;
      member_name: string;
      is_last: boolean;
    }[] = await m.query(
      `SELECT s.month, s.position, s.member_id, s.member_name, s.is_last FROM scorecards s
         JOIN cycles c ON c.id = s.cycle_id
         WHERE s.workspace_id = $1 AND s.month = ANY($2) AND s.locked AND s.is_last`,
      [actor.workspaceId, months],
    );
    const names = new Map(rows.map((r) => [r.member_id, r.member_name]));
    let raised = 0;
    for (const [position, list] of groupBy(rows, (r) => r.position)) {
      const lastByMonth = months.map((mo) => list.filter((r) => r.month === mo).map((r) => r.member_id));
      const candidates = eliminationCandidates(lastByMonth, BOTTOM_MONTHS);
      for (const memberId of candidates) {
        const inserted = await updateReturning<{ id: string }>(
          m,
          `INSERT INTO elimination_warnings (id, workspace_id, member_id, member_name, position, months)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
          [randomUUID(), actor.workspaceId, memberId, names.get(memberId) ?? '', position, months],
        );
        if (!inserted.length) continue;
        raised++;
        await audit(m, actor, {
          entity: 'elimination_warning',
          entityId: inserted[0].id,
          action: 'raised',
          after: { memberId, position, months },
        });
        await addToOutbox(m, {
          subject: EVENTS.eliminationWarningRaised,
          workspaceId: actor.workspaceId,
          requestId: actor.requestId,
          payload: { workspaceId: actor.workspaceId, memberId, position, months, warningId: inserted[0].id },
        });
      }
    }
    return raised;
  }

  /** Ranking within each position: frozen after the lock, computed from the current totals before it. */
  async ranking(actor: Actor, month: string): Promise<RankingView> {
    await this.access.require(actor, 'read', 'Scorecard');
    const cycle = await this.cycle(this.ds.manager, actor.workspaceId, month);
    const rows: {
      id: string;
      member_id: string;
      member_name: string;
      team_id: string | null;
      position: string;
      total_hundredths: number | null;
      rank: number | null;
      is_last: boolean;
      status: ScorecardState;
    }[] = await this.ds.query(
      `SELECT id, member_id, member_name, team_id, position, total_hundredths, rank, is_last, status
       FROM scorecards WHERE cycle_id = $1`,
      [cycle.id],
    );
    const visible = new Set<string>();
    const params: unknown[] = [cycle.id];
    const cond = await this.access.where(actor, 'read', 'Scorecard', params.length);
    if (cond) {
      const ids: { id: string }[] = await this.ds.query(
        `SELECT s.id FROM scorecards s WHERE s.cycle_id = $1 AND (${cond.sql})`,
        [...params, ...cond.values],
      );
      for (const r of ids) visible.add(r.id);
    }
    const positions: RankingView['positions'] = [];
    for (const [position, list] of groupBy(rows, (r) => r.position)) {
      let ranked: Map<string, { rank: number; isLast: boolean }>;
      if (cycle.status === 'locked')
        ranked = new Map(list.map((r) => [r.member_id, { rank: r.rank ?? 0, isLast: r.is_last }]));
      else
        ranked = new Map(
          rankWithin(
            list
              .filter((r) => r.total_hundredths !== null)
              .map((r) => ({ memberId: r.member_id, scoreHundredths: BigInt(r.total_hundredths!) })),
          ).map((r) => [r.memberId, { rank: r.rank, isLast: r.isLast }]),
        );
      const out: RankingRow[] = list
        .filter((r) => visible.has(r.id))
        .map((r) => ({
          memberId: r.member_id,
          memberName: r.member_name,
          teamId: r.team_id,
          total: r.total_hundredths === null ? null : formatPoints(BigInt(r.total_hundredths)),
          rank: ranked.get(r.member_id)?.rank ?? null,
          isLast: ranked.get(r.member_id)?.isLast ?? false,
        }))
        .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.memberName.localeCompare(b.memberName));
      if (out.length) positions.push({ position, rows: out });
    }
    return { month, positions };
  }

  /** Payroll rows of a locked month (CSV/XLSX are formatted by the gateway). */
  async payroll(actor: Actor, month: string): Promise<PayrollRow[]> {
    await this.access.require(actor, 'export', 'Scorecard');
    const cycle = await this.cycle(this.ds.manager, actor.workspaceId, month);
    if (cycle.status !== 'locked') throw new KamError('cycle_not_locked', { month });
    const rows: {
      member_id: string;
      member_name: string;
      position: string;
      team_id: string | null;
      total_hundredths: number;
      payout: StoredPayout;
      rank: number | null;
    }[] = await this.ds.query(
      `SELECT member_id, member_name, position, team_id, total_hundredths, payout, rank FROM scorecards
       WHERE cycle_id = $1 ORDER BY position, rank NULLS LAST, member_name`,
      [cycle.id],
    );
    await this.ds.transaction((m) =>
      audit(m, actor, { entity: 'cycle', entityId: cycle.id, action: 'payroll_exported', after: { month } }),
    );
    return rows.map((r) => ({
      month,
      memberId: r.member_id,
      memberName: r.member_name,
      position: r.position,
      teamId: r.team_id,
      score: formatPoints(BigInt(r.total_hundredths)),
      band: r.payout.band,
      ratePct: formatScaled(BigInt(r.payout.ratePctHundredths), 2),
      payBaseMinor: r.payout.payBaseMinor,
      bandedMinor: r.payout.bandedMinor,
      modifierPct: r.payout.modifierPct,
      modifierMinor: r.payout.modifierMinor,
      performancePayMinor: r.payout.performancePayMinor,
      commissionMinor: r.payout.commissionMinor,
      totalMinor: r.payout.totalMinor,
      rank: r.rank,
    }));
  }

  /**
   * The job of the 1st: opens (and collects) the cycle of the month before `asOf` in the workspace's time zone.
   * Idempotent: when the cycle exists it is left alone.
   */
  async openDue(workspaceId: string, timeZone: string, asOf: Date, actor: Actor) {
    const month = monthBefore(monthOf(asOf, timeZone));
    const cycle = await this.insertCycle(actor, month, timeZone);
    if (!cycle) return { month, opened: false, scorecards: 0 };
    const r = await this.collector.collect(cycle, actor.requestId);
    return { month, opened: true, scorecards: r.members };
  }

  /**
   * Daily reminder of unrated scorecards in open cycles: one event per rater (group leader, or the director
   * for cards without a team leader) with the members still waiting. Set-based: one query per workspace.
   */
  async remindUnrated(workspaceId: string, actor: Actor): Promise<{ raters: number; scorecards: number }> {
    const rows: { month: string; rater_id: string | null; member_ids: string[] }[] = await this.ds.query(
      `SELECT s.month, s.rater_id, array_agg(s.member_id ORDER BY s.member_id) AS member_ids
       FROM scorecards s JOIN cycles c ON c.id = s.cycle_id
       WHERE s.workspace_id = $1 AND c.status = 'open' AND s.status = 'draft'
       GROUP BY s.month, s.rater_id`,
      [workspaceId],
    );
    if (!rows.length) return { raters: 0, scorecards: 0 };
    await this.ds.transaction(async (m) => {
      for (const r of rows)
        await addToOutbox(m, {
          subject: EVENTS.scorecardRatingDue,
          workspaceId,
          requestId: actor.requestId,
          payload: { workspaceId, month: r.month, raterId: r.rater_id, memberIds: r.member_ids },
        });
    });
    this.relay.kick();
    return { raters: rows.length, scorecards: rows.reduce((a, r) => a + r.member_ids.length, 0) };
  }

  private async insertCycle(actor: Actor, month: string, timeZone?: string): Promise<CycleRow | null> {
    return this.ds.transaction(async (m) => {
      const zone =
        timeZone ??
        ((await m.query(`SELECT time_zone FROM workspaces WHERE workspace_id = $1`, [actor.workspaceId]))[0]
          ?.time_zone as string | undefined) ??
        'Asia/Shanghai';
      const rows = await updateReturning<CycleRow>(
        m,
        `INSERT INTO cycles (id, workspace_id, month, time_zone, opened_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace_id, month) DO NOTHING RETURNING *`,
        [randomUUID(), actor.workspaceId, month, zone, actor.kind === 'system' ? null : actor.memberId],
      );
      if (!rows[0]) return null;
      await audit(m, actor, { entity: 'cycle', entityId: rows[0].id, action: 'opened', after: { month } });
      await addToOutbox(m, {
        subject: EVENTS.cycleOpened,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: { workspaceId: actor.workspaceId, month, cycleId: rows[0].id },
      });
      return rows[0];
    });
  }

  private async cycle(m: EntityManager, ws: string, month: string, forUpdate = false): Promise<CycleRow> {
    const rows: CycleRow[] = await m.query(
      `SELECT * FROM cycles WHERE workspace_id = $1 AND month = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [ws, month],
    );
    if (!rows[0]) throw new KamError('cycle_not_found', { month });
    return rows[0];
  }

  private async counts(ids: string[]): Promise<Map<string, { status: ScorecardState; n: number }[]>> {
    const rows: { cycle_id: string; status: ScorecardState; n: number }[] = ids.length
      ? await this.ds.query(
          `SELECT cycle_id, status, count(*)::int AS n FROM scorecards WHERE cycle_id = ANY($1)
           GROUP BY cycle_id, status`,
          [ids],
        )
      : [];
    const out = new Map<string, { status: ScorecardState; n: number }[]>();
    for (const r of rows) out.set(r.cycle_id, [...(out.get(r.cycle_id) ?? []), { status: r.status, n: r.n }]);
    return out;
  }

  private async bulkAudit(
    m: EntityManager,
    actor: Actor,
    rows: { id: string; member_id: string }[],
    action: string,
    status: ScorecardState,
    month: string,
  ): Promise<void> {
    await audit(
      m,
      actor,
      rows.map((r) => ({ entity: 'scorecard', entityId: r.id, action, after: { status } })),
    );
    for (const r of rows)
      await addToOutbox(m, {
        subject: EVENTS.scorecardChanged,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: { workspaceId: actor.workspaceId, scorecardId: r.id, memberId: r.member_id, month, status },
      });
  }
}

function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of list) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
