import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  DepartmentResult,
  KamError,
  MetricsTeamsView,
  RateCollaborationDto,
  TeamPerformanceRow,
  TeamPerformanceView,
} from '@app/contracts';
import { PerformanceAccess } from '../access/performance-access.service';
import { audit } from '../access/audit';
import { formatScaled, parseScaled } from '../domain/decimal';
import { periodOfMonth } from '../domain/targets';
import { OrganisationClient } from '../organisation/organisation.client';
import { completionHundredths, rankTeams } from './team-ranking';

const NOBODY = '00000000-0000-0000-0000-000000000000';

interface EvaluationRow {
  team_id: string;
  team_name: string;
  sales_minor: string;
  target_minor: string | null;
  challenge_minor: string | null;
  completion_hundredths: number | null;
  collaboration_hundredths: number | null;
  collaboration_note: string | null;
  rank: number | null;
  version: number;
}

/** One team's figures of a month, computed or as frozen at the lock. */
interface TeamFigures {
  teamId: string;
  teamName: string;
  sales: bigint;
  target: bigint | null;
  challenge: bigint | null;
  completion: bigint | null;
  collaboration: bigint | null;
  collaborationNote: string | null;
  rank: number;
  /** The stored row's version; 0 while the team has no row (never rated). */
  version: number;
}

interface MonthFigures {
  month: string;
  department: { sales: bigint; target: bigint | null; challenge: bigint | null };
  teams: TeamFigures[];
}

const pct = (v: number | bigint | null) => (v === null ? null : formatScaled(BigInt(v), 2));
const big = (v: number | string | null) => (v === null ? null : BigInt(v));
/** numeric(20,4) of a sales target as whole fen. */
const fen = (v: string | null) => (v === null ? null : BigInt(v.split('.')[0]));

/**
 * Team performance (团队绩效) of a month: each team's sales (account-management, over NATS) against its
 * monthly sales target, the director's collaboration rating, and the team ranking.
 *
 * Reading never writes: an open month is computed from fresh figures and the stored ratings; the figures are
 * stored in team_evaluations when the month's cycle is locked (`freeze`, in the lock's transaction), and a
 * locked month answers what was stored then, whatever changes afterwards. Only the rating writes before that.
 */
@Injectable()
export class TeamPerformanceService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: PerformanceAccess,
    private readonly org: OrganisationClient,
  ) {}

  /** The month's teams the caller may see (director, deputy, executive: all; a group leader: the teams they lead). */
  async list(actor: Actor, month: string): Promise<TeamPerformanceView> {
    await this.access.require(actor, 'read', 'Scorecard');
    const view = viewOf(
      (await this.frozen(actor.workspaceId, month)) ??
        (await this.compute(
          this.ds.manager,
          actor.workspaceId,
          month,
          await this.fetch(actor.workspaceId, month, actor.requestId),
        )),
    );
    const visible: TeamPerformanceRow[] = [];
    for (const t of view.teams)
      if (
        await this.access.canOn(actor, 'read', 'Scorecard', {
          memberId: NOBODY,
          teamId: t.teamId,
          published: false,
        })
      )
        visible.push(t);
    return { ...view, teams: visible };
  }

  /**
   * The director's collaboration rating of a team for a month (If-Match optional); answers the team's row with
   * the ranking computed again. A locked month is 409.
   */
  async rateCollaboration(
    actor: Actor,
    teamId: string,
    dto: RateCollaborationDto,
    expectedVersion?: number,
  ): Promise<TeamPerformanceRow> {
    await this.access.require(actor, 'approve', 'Scorecard');
    await this.refuseLocked(this.ds.manager, actor.workspaceId, dto.month);
    const metrics = await this.fetch(actor.workspaceId, dto.month, actor.requestId);
    const team = metrics.teams.find((t) => t.teamId === teamId);
    if (!team) throw new KamError('team_not_found', { id: teamId });
    const rating = parseScaled(String(dto.rating), 2);
    await this.ds.transaction(async (m) => {
      // Again under a share lock of the cycle row: a lock running now waits for this rating, or refuses it.
      await this.refuseLocked(m, actor.workspaceId, dto.month, true);
      await this.lockMonth(m, actor.workspaceId, dto.month);
      const rows: EvaluationRow[] = await m.query(
        `SELECT * FROM team_evaluations WHERE workspace_id = $1 AND month = $2 AND team_id = $3 FOR UPDATE`,
        [actor.workspaceId, dto.month, teamId],
      );
      const before = rows[0];
      if (expectedVersion !== undefined && (before?.version ?? 0) !== expectedVersion)
        throw new KamError('precondition_failed', { current: before?.version ?? 0 });
      await m.query(
        `INSERT INTO team_evaluations AS e (workspace_id, month, team_id, team_name, sales_minor,
           collaboration_hundredths, collaboration_note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (workspace_id, month, team_id) DO UPDATE
           SET collaboration_hundredths = EXCLUDED.collaboration_hundredths,
               collaboration_note = EXCLUDED.collaboration_note, version = e.version + 1, updated_at = now()`,
        [
          actor.workspaceId,
          dto.month,
          teamId,
          team.teamName,
          team.salesMinor,
          rating.toString(),
          dto.note ?? null,
        ],
      );
      await audit(m, actor, {
        entity: 'team_evaluation',
        entityId: `${teamId}:${dto.month}`,
        action: 'rate_collaboration',
        before: before
          ? { collaboration: pct(before.collaboration_hundredths), note: before.collaboration_note }
          : null,
        after: { collaboration: formatScaled(rating, 2), note: dto.note ?? null },
      });
    });
    const view = viewOf(await this.compute(this.ds.manager, actor.workspaceId, dto.month, metrics));
    return view.teams.find((t) => t.teamId === teamId)!;
  }

  /** Every team's figures of the month from account-management (fetch before a transaction, never inside). */
  fetch(workspaceId: string, month: string, requestId?: string): Promise<MetricsTeamsView> {
    return this.org.teamsOfMonth(workspaceId, month, requestId);
  }

  /**
   * Stores the month's team figures (sales, targets, completion, collaboration, rank) as they are now, in the
   * caller's transaction: the cycle's lock, before the cycle row is marked locked. Teams no longer in the
   * workspace lose their row, so the stored month is exactly the ranking frozen with it.
   */
  async freeze(
    m: EntityManager,
    workspaceId: string,
    month: string,
    metrics: MetricsTeamsView,
  ): Promise<number> {
    await this.lockMonth(m, workspaceId, month);
    const figures = await this.compute(m, workspaceId, month, metrics);
    await m.query(
      `DELETE FROM team_evaluations WHERE workspace_id = $1 AND month = $2 AND NOT (team_id = ANY($3::uuid[]))`,
      [workspaceId, month, figures.teams.map((t) => t.teamId)],
    );
    if (!figures.teams.length) return 0;
    // A team never rated gets version 0, as it was shown before the lock; a rated one keeps its version.
    await m.query(
      `INSERT INTO team_evaluations AS e (workspace_id, month, team_id, team_name, sales_minor, target_minor,
         challenge_minor, completion_hundredths, rank, version)
       SELECT $1, $2, d.team_id, d.team_name, d.sales_minor, d.target_minor, d.challenge_minor, d.completion,
              d.rank, 0
         FROM jsonb_to_recordset($3::jsonb) AS d(team_id uuid, team_name text, sales_minor bigint,
              target_minor bigint, challenge_minor bigint, completion int, rank int)
       ON CONFLICT (workspace_id, month, team_id) DO UPDATE
         SET team_name = EXCLUDED.team_name, sales_minor = EXCLUDED.sales_minor,
             target_minor = EXCLUDED.target_minor, challenge_minor = EXCLUDED.challenge_minor,
             completion_hundredths = EXCLUDED.completion_hundredths, rank = EXCLUDED.rank, updated_at = now()`,
      [
        workspaceId,
        month,
        JSON.stringify(
          figures.teams.map((t) => ({
            team_id: t.teamId,
            team_name: t.teamName,
            sales_minor: t.sales.toString(),
            target_minor: t.target?.toString() ?? null,
            challenge_minor: t.challenge?.toString() ?? null,
            completion: t.completion?.toString() ?? null,
            rank: t.rank,
          })),
        ),
      ],
    );
    return figures.teams.length;
  }

  /**
   * A locked month's stored figures, or null when the month is open (or was locked with no team stored). The
   * department is the cycle's, frozen with it (the figures its pay modifier was computed from).
   */
  private async frozen(workspaceId: string, month: string): Promise<MonthFigures | null> {
    const cycles: { status: string; department: DepartmentResult | null }[] = await this.ds.query(
      `SELECT status, department FROM cycles WHERE workspace_id = $1 AND month = $2`,
      [workspaceId, month],
    );
    if (cycles[0]?.status !== 'locked') return null;
    const rows: EvaluationRow[] = await this.ds.query(
      `SELECT * FROM team_evaluations WHERE workspace_id = $1 AND month = $2`,
      [workspaceId, month],
    );
    if (!rows.length) return null;
    const teams = rows.map((r): TeamFigures => ({
      teamId: r.team_id,
      teamName: r.team_name,
      sales: BigInt(r.sales_minor),
      target: big(r.target_minor),
      challenge: big(r.challenge_minor),
      completion: big(r.completion_hundredths),
      collaboration: big(r.collaboration_hundredths),
      collaborationNote: r.collaboration_note,
      rank: r.rank ?? 0,
      version: r.version,
    }));
    const dept = cycles[0].department;
    const department = dept
      ? { sales: BigInt(dept.salesMinor), target: big(dept.targetMinor), challenge: big(dept.challengeMinor) }
      : // A cycle locked without collected metrics: the frozen teams' sales and the month's targets.
        {
          sales: teams.reduce((a, t) => a + t.sales, 0n),
          ...(await this.targets(this.ds.manager, workspaceId, month)).department,
        };
    return { month, department, teams };
  }

  /** The month from fresh figures and the stored ratings; writes nothing. The ranking is over every team. */
  private async compute(
    m: EntityManager,
    workspaceId: string,
    month: string,
    metrics: MetricsTeamsView,
  ): Promise<MonthFigures> {
    const targets = await this.targets(m, workspaceId, month);
    const existing: EvaluationRow[] = await m.query(
      `SELECT * FROM team_evaluations WHERE workspace_id = $1 AND month = $2`,
      [workspaceId, month],
    );
    const byTeam = new Map(existing.map((e) => [e.team_id, e]));
    const scores = metrics.teams.map((t) => {
      const target = targets.teams.get(t.teamId);
      const stored = byTeam.get(t.teamId);
      const sales = BigInt(t.salesMinor);
      return {
        teamId: t.teamId,
        teamName: t.teamName,
        sales,
        target: target?.target ?? null,
        challenge: target?.challenge ?? null,
        completion: completionHundredths(sales, target?.target ?? null),
        collaboration: big(stored?.collaboration_hundredths ?? null),
        collaborationNote: stored?.collaboration_note ?? null,
        version: stored?.version ?? 0,
      };
    });
    const ranks = rankTeams(scores);
    return {
      month,
      department: { sales: BigInt(metrics.department.salesMinor), ...targets.department },
      teams: scores.map((s) => ({ ...s, rank: ranks.get(s.teamId) ?? 0 })),
    };
  }

  /** The month's department and team sales targets (and challenge targets), in whole fen. */
  private async targets(m: EntityManager, workspaceId: string, month: string) {
    const period = periodOfMonth(month);
    const rows: { scope: string; scope_id: string | null; value: string; challenge: string | null }[] =
      await m.query(
        `SELECT scope, scope_id, value::text AS value, challenge::text AS challenge FROM targets
          WHERE workspace_id = $1 AND metric = 'sales_amount' AND period_kind = 'month' AND year = $2
            AND period_index = $3 AND scope IN ('department', 'team')`,
        [workspaceId, period.year, period.index],
      );
    const of = (r: { value: string; challenge: string | null } | undefined) => ({
      target: r ? fen(r.value) : null,
      challenge: r ? fen(r.challenge) : null,
    });
    return {
      department: of(rows.find((t) => t.scope === 'department')),
      teams: new Map(rows.filter((t) => t.scope === 'team').map((t) => [t.scope_id!, of(t)])),
    };
  }

  /** 409 when the month's cycle is locked; `share` also holds the cycle row against a lock until commit. */
  private async refuseLocked(m: EntityManager, workspaceId: string, month: string, share = false) {
    const rows: { status: string }[] = await m.query(
      `SELECT status FROM cycles WHERE workspace_id = $1 AND month = $2 ${share ? 'FOR SHARE' : ''}`,
      [workspaceId, month],
    );
    if (rows[0]?.status === 'locked') throw new KamError('cycle_locked', { month });
  }

  private lockMonth(m: EntityManager, workspaceId: string, month: string): Promise<unknown> {
    return m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `team_evaluations|${workspaceId}|${month}`,
    ]);
  }
}

/** The answer's shape: money and percentages as strings, teams by rank, then name. */
function viewOf(f: MonthFigures): TeamPerformanceView {
  const teams = f.teams
    .map((t): TeamPerformanceRow => ({
      teamId: t.teamId,
      teamName: t.teamName,
      salesMinor: t.sales.toString(),
      targetMinor: t.target?.toString() ?? null,
      challengeMinor: t.challenge?.toString() ?? null,
      completionPct: pct(t.completion),
      collaboration: pct(t.collaboration),
      collaborationNote: t.collaborationNote,
      rank: t.rank,
      version: t.version,
    }))
    .sort(
      (a, b) => a.rank - b.rank || a.teamName.localeCompare(b.teamName) || (a.teamId < b.teamId ? -1 : 1),
    );
  const d = f.department;
  return {
    month: f.month,
    department: {
      salesMinor: d.sales.toString(),
      targetMinor: d.target?.toString() ?? null,
      challengeMinor: d.challenge?.toString() ?? null,
      completionPct: pct(completionHundredths(d.sales, d.target)),
    },
    teams,
  };
}
