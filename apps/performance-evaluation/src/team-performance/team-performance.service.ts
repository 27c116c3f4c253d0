import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  KamError,
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
  completion_hundredths: number | null;
  collaboration_hundredths: number | null;
  collaboration_note: string | null;
  rank: number | null;
  version: number;
}

const pct = (v: number | bigint | null) => (v === null ? null : formatScaled(BigInt(v), 2));
/** numeric(20,4) of a sales target as whole fen. */
const fen = (v: string | null) => (v === null ? null : BigInt(v.split('.')[0]));

/**
 * Team performance (团队绩效) of a month: each team's sales (account-management, over NATS) against its
 * monthly sales target, the director's collaboration rating, and the team ranking; kept in team_evaluations.
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
    const view = await this.refresh(actor, month);
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

  /** The director's collaboration rating of a team for a month (If-Match optional), then the ranking again. */
  async rateCollaboration(
    actor: Actor,
    teamId: string,
    dto: RateCollaborationDto,
    expectedVersion?: number,
  ): Promise<TeamPerformanceRow> {
    await this.access.require(actor, 'approve', 'Scorecard');
    const metrics = await this.org.teamsOfMonth(actor.workspaceId, dto.month, actor.requestId);
    const team = metrics.teams.find((t) => t.teamId === teamId);
    if (!team) throw new KamError('team_not_found', { id: teamId });
    const rating = parseScaled(String(dto.rating), 2);
    await this.ds.transaction(async (m) => {
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
    const view = await this.refresh(actor, dto.month, metrics);
    return view.teams.find((t) => t.teamId === teamId)!;
  }

  /** Recomputes the month from fresh figures and stores it; the ranking is over every team of the workspace. */
  private async refresh(
    actor: Actor,
    month: string,
    fetched?: Awaited<ReturnType<OrganisationClient['teamsOfMonth']>>,
  ): Promise<TeamPerformanceView> {
    const metrics = fetched ?? (await this.org.teamsOfMonth(actor.workspaceId, month, actor.requestId));
    const period = periodOfMonth(month);
    return this.ds.transaction(async (m) => {
      await this.lockMonth(m, actor.workspaceId, month);
      const targets: { scope: string; scope_id: string | null; value: string; challenge: string | null }[] =
        await m.query(
          `SELECT scope, scope_id, value::text AS value, challenge::text AS challenge FROM targets
            WHERE workspace_id = $1 AND metric = 'sales_amount' AND period_kind = 'month' AND year = $2
              AND period_index = $3 AND scope IN ('department', 'team')`,
          [actor.workspaceId, period.year, period.index],
        );
      const teamTarget = new Map(targets.filter((t) => t.scope === 'team').map((t) => [t.scope_id!, t]));
      const dept = targets.find((t) => t.scope === 'department');
      const existing: EvaluationRow[] = await m.query(
        `SELECT * FROM team_evaluations WHERE workspace_id = $1 AND month = $2`,
        [actor.workspaceId, month],
      );
      const byTeam = new Map(existing.map((e) => [e.team_id, e]));
      const scores = metrics.teams.map((t) => {
        const target = teamTarget.get(t.teamId);
        const collab = byTeam.get(t.teamId)?.collaboration_hundredths;
        return {
          teamId: t.teamId,
          teamName: t.teamName,
          sales: BigInt(t.salesMinor),
          target: target ? fen(target.value) : null,
          challenge: target ? fen(target.challenge) : null,
          completion: completionHundredths(BigInt(t.salesMinor), target ? fen(target.value) : null),
          collaboration: collab === null || collab === undefined ? null : BigInt(collab),
        };
      });
      const ranks = rankTeams(scores);
      const rows: EvaluationRow[] = scores.length
        ? await m.query(
            `INSERT INTO team_evaluations AS e (workspace_id, month, team_id, team_name, sales_minor, target_minor,
               completion_hundredths, rank)
             SELECT $1, $2, d.team_id, d.team_name, d.sales_minor, d.target_minor, d.completion, d.rank
               FROM jsonb_to_recordset($3::jsonb)
                 AS d(team_id uuid, team_name text, sales_minor bigint, target_minor bigint, completion int, rank int)
             ON CONFLICT (workspace_id, month, team_id) DO UPDATE
               SET team_name = EXCLUDED.team_name, sales_minor = EXCLUDED.sales_minor,
                   target_minor = EXCLUDED.target_minor, completion_hundredths = EXCLUDED.completion_hundredths,
                   rank = EXCLUDED.rank, updated_at = now()
             RETURNING e.*`,
            [
              actor.workspaceId,
              month,
              JSON.stringify(
                scores.map((s) => ({
                  team_id: s.teamId,
                  team_name: s.teamName,
                  sales_minor: s.sales.toString(),
                  target_minor: s.target?.toString() ?? null,
                  completion: s.completion?.toString() ?? null,
                  rank: ranks.get(s.teamId),
                })),
              ),
            ],
          )
        : [];
      const challengeOf = new Map(scores.map((s) => [s.teamId, s.challenge]));
      const teams = rows
        .map((r): TeamPerformanceRow => ({
          teamId: r.team_id,
          teamName: r.team_name,
          salesMinor: String(r.sales_minor),
          targetMinor: r.target_minor === null ? null : String(r.target_minor),
          challengeMinor: challengeOf.get(r.team_id)?.toString() ?? null,
          completionPct: pct(r.completion_hundredths),
          collaboration: pct(r.collaboration_hundredths),
          collaborationNote: r.collaboration_note,
          rank: r.rank ?? 0,
          version: r.version,
        }))
        .sort(
          (a, b) => a.rank - b.rank || a.teamName.localeCompare(b.teamName) || (a.teamId < b.teamId ? -1 : 1),
        );
      const deptSales = BigInt(metrics.department.salesMinor);
      const deptTarget = dept ? fen(dept.value) : null;
      return {
        month,
        department: {
          salesMinor: deptSales.toString(),
          targetMinor: deptTarget?.toString() ?? null,
          challengeMinor: dept ? (fen(dept.challenge)?.toString() ?? null) : null,
          completionPct: pct(completionHundredths(deptSales, deptTarget)),
        },
        teams,
      };
    });
  }

  private lockMonth(m: EntityManager, workspaceId: string, month: string): Promise<unknown> {
    return m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `team_evaluations|${workspaceId}|${month}`,
    ]);
  }
}
