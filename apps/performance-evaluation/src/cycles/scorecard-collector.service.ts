import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { DepartmentResult, MemberMonthMetrics, RosterMember } from '@app/contracts';
import { updateReturning } from '@app/persistence';
import {
  CriterionDef,
  departmentOutcome,
  MetricKey,
  MetricValue,
  modifierPct,
  monthRange,
  formatScaled,
  parseScaled,
  periodOfMonth,
  positionOf,
  scoreAutomatic,
} from '../domain';
import { ensureDefaultTemplates } from '../templates/templates.service';
import { trainingScores } from '../trainings/trainings.service';
import { CycleRow } from '../scorecards/scorecard.sql';
import { OrganisationClient } from '../organisation/organisation.client';

/** Members written per transaction. */
const WRITE_BATCH = 2000;

interface TemplateRow {
  id: string;
  position: string;
  criteria: CriterionDef[];
  /** Each criterion with the columns of its item row, computed once per template. */
  compiled: { def: CriterionDef; row: Record<string, unknown> }[];
}

interface PlannedCard {
  member: RosterMember;
  position: string;
  raterId: string | null;
  metrics: MemberMonthMetrics | null;
}

export interface CollectResult {
  members: number;
  created: number;
  updated: number;
  department: DepartmentResult;
  timeZone: string;
}

/**
 * Collects a month's inputs and writes the scorecards of an open cycle: the roster and metrics come from
 * account-management over NATS in batches (this service never reads its tables), targets, training scores and
 * templates from this service's own tables. Set-based: a fixed number of statements per batch of members.
 *
 * Deterministic: the same inputs give the same scorecards, and a rerun that finds nothing new changes no row
 * (no version bump). Scorecards already published or further on keep the numbers they were published with;
 * after publication only an appeal changes them.
 */
@Injectable()
export class ScorecardCollector {
  private readonly logger = new Logger('scorecards');

  constructor(
    private readonly ds: DataSource,
    private readonly org: OrganisationClient,
  ) {}

  async collect(cycle: CycleRow, requestId?: string): Promise<CollectResult> {
    const ws = cycle.workspace_id;
    const roster = await this.org.roster(ws, requestId);
    const templates = await this.ds.transaction(async (m) => {
      await ensureDefaultTemplates(m, ws);
      return this.templates(m, ws);
    });
    const planned: PlannedCard[] = [];
    for (const member of roster) {
      const position = positionOf(member.roles);
      if (!position || !templates.active.has(position)) continue;
      // A group leader is rated by the director, everyone else by their team's leader.
      const raterId =
        member.teamLeaderId && member.teamLeaderId !== member.memberId ? member.teamLeaderId : null;
      planned.push({ member, position, raterId, metrics: null });
    }
    const metrics = await this.org.metricsOfMembers(
      ws,
      cycle.month,
      planned.map((p) => p.member.memberId),
      requestId,
    );
    for (const p of planned) p.metrics = metrics.items.get(p.member.memberId) ?? null;
    const teams = await this.org.teamsOfMonth(ws, cycle.month, requestId);
    const timeZone = metrics.timeZone ?? teams.timeZone ?? cycle.time_zone;
    const department = await this.department(ws, cycle.month, BigInt(teams.department.salesMinor));
    let created = 0;
    let updated = 0;
    for (let i = 0; i < planned.length; i += WRITE_BATCH) {
      const r = await this.write(cycle, planned.slice(i, i + WRITE_BATCH), templates, timeZone);
      created += r.created;
      updated += r.updated;
    }
    await this.ds.query(
      `UPDATE cycles SET department = $2, time_zone = $3, metrics_collected_at = now()
       WHERE id = $1 AND status = 'open'`,
      [cycle.id, JSON.stringify(department), timeZone],
    );
    this.logger.log(
      `${cycle.month} ${ws}: ${planned.length} scorecards (${created} new, ${updated} changed)`,
    );
    return { members: planned.length, created, updated, department, timeZone };
  }

  private async templates(
    m: EntityManager,
    ws: string,
  ): Promise<{ active: Map<string, TemplateRow>; byId: Map<string, TemplateRow> }> {
    const raw: (Omit<TemplateRow, 'compiled'> & { active: boolean })[] = await m.query(
      `SELECT id, position, criteria, active FROM scorecard_templates WHERE workspace_id = $1`,
      [ws],
    );
    const rows = raw.map((r) => ({
      ...r,
      compiled: r.criteria.map((def, index) => ({
        def,
        row: {
          criterion_key: def.key,
          position_in_card: index,
          criterion_group: def.group,
          kind: def.kind,
          name: def.name,
          max_hundredths: Number(parseScaled(def.maxPoints, 2)),
        },
      })),
    }));
    const active = new Map<string, TemplateRow>();
    const byId = new Map<string, TemplateRow>();
    for (const r of rows) {
      byId.set(r.id, r);
      if (r.active) active.set(r.position, r);
    }
    return { active, byId };
  }

  /** The department's sales against its monthly sales target and challenge target: the pay modifier. */
  private async department(ws: string, month: string, salesMinor: bigint): Promise<DepartmentResult> {
    const p = periodOfMonth(month);
    const rows: { value: string; challenge: string | null }[] = await this.ds.query(
      `SELECT value::text, challenge::text FROM targets
       WHERE workspace_id = $1 AND scope = 'department' AND metric = 'sales_amount'
         AND period_kind = 'month' AND year = $2 AND period_index = $3`,
      [ws, p.year, p.index],
    );
    const target = rows[0] ? wholeMinor(rows[0].value) : null;
    const challenge = rows[0]?.challenge ? wholeMinor(rows[0].challenge) : null;
    const outcome = departmentOutcome(salesMinor, target, challenge);
    return {
      salesMinor: salesMinor.toString(),
      targetMinor: target?.toString() ?? null,
      challengeMinor: challenge?.toString() ?? null,
      outcome,
      modifierPct: modifierPct(outcome),
    };
  }

  /** One transaction for a batch of members: existing cards, card upsert, item upsert, totals. */
  private async write(
    cycle: CycleRow,
    planned: PlannedCard[],
    templates: { active: Map<string, TemplateRow>; byId: Map<string, TemplateRow> },
    timeZone: string,
  ): Promise<{ created: number; updated: number }> {
    const ws = cycle.workspace_id;
    const memberIds = planned.map((p) => p.member.memberId);
    const { start, end } = monthRange(cycle.month, timeZone);
    return this.ds.transaction(async (m) => {
      const targets = await memberTargets(m, ws, cycle.month, memberIds);
      const training = await trainingScores(m, ws, memberIds, start, end);
      const existing: {
        id: string;
        member_id: string;
        template_id: string;
        status: string;
        member_name: string;
        team_id: string | null;
        rater_id: string | null;
        metrics: unknown;
      }[] = await m.query(
        `SELECT id, member_id, template_id, status, member_name, team_id, rater_id, metrics FROM scorecards
         WHERE cycle_id = $1 AND member_id = ANY($2) FOR UPDATE`,
        [cycle.id, memberIds],
      );
      const byMember = new Map(existing.map((e) => [e.member_id, e]));
      const cards: Record<string, unknown>[] = [];
      const items: Record<string, unknown>[] = [];
      for (const p of planned) {
        const prior = byMember.get(p.member.memberId);
        if (prior && !['draft', 'rated'].includes(prior.status)) continue;
        const template = prior ? templates.byId.get(prior.template_id)! : templates.active.get(p.position)!;
        const t = targets.get(p.member.memberId) ?? {};
        const trainingScore = training.get(p.member.memberId) ?? null;
        const inputs = { ...(p.metrics ?? emptyMetrics(p.member.memberId)), targets: t, trainingScore };
        // Automatic points are a function of the inputs and the pinned template: unchanged inputs, nothing to do.
        if (
          prior &&
          prior.member_name === p.member.name &&
          prior.team_id === p.member.teamId &&
          prior.rater_id === p.raterId &&
          stableJson(prior.metrics) === stableJson(inputs)
        )
          continue;
        const id = prior?.id ?? randomUUID();
        cards.push({
          id,
          member_id: p.member.memberId,
          member_name: p.member.name,
          team_id: p.member.teamId,
          rater_id: p.raterId,
          position: p.position,
          template_id: template.id,
          metrics: inputs,
        });
        for (const c of template.compiled) {
          // Manual criteria are written once, when the card is created; ratings are never touched here.
          if (c.def.kind === 'manual') {
            if (!prior)
              items.push({ ...c.row, scorecard_id: id, points_hundredths: null, explanation: null });
            continue;
          }
          const score = scoreAutomatic(c.def, metricValue(c.def.metric!, p.metrics, t, trainingScore));
          items.push({
            ...c.row,
            scorecard_id: id,
            points_hundredths: score.pointsHundredths === null ? null : Number(score.pointsHundredths),
            explanation: score.explanation,
            explanation_zh: score.explanationZh,
          });
        }
      }
      if (!cards.length) return { created: 0, updated: 0 };
      const upserted: { inserted: boolean }[] = await m.query(
        `INSERT INTO scorecards (id, workspace_id, cycle_id, month, member_id, member_name, team_id, rater_id,
           position, template_id, metrics)
         SELECT c.id, $1, $2, $3, c.member_id, c.member_name, c.team_id, c.rater_id, c.position, c.template_id,
                c.metrics
           FROM jsonb_to_recordset($4::jsonb) AS c(id uuid, member_id uuid, member_name text, team_id uuid,
                rater_id uuid, position text, template_id uuid, metrics jsonb)
         ON CONFLICT (cycle_id, member_id) DO UPDATE
           SET metrics = EXCLUDED.metrics, member_name = EXCLUDED.member_name, team_id = EXCLUDED.team_id,
               rater_id = EXCLUDED.rater_id, version = scorecards.version + 1, updated_at = now()
           WHERE scorecards.status IN ('draft', 'rated')
             AND (scorecards.metrics, scorecards.member_name, scorecards.team_id, scorecards.rater_id)
                 IS DISTINCT FROM (EXCLUDED.metrics, EXCLUDED.member_name, EXCLUDED.team_id, EXCLUDED.rater_id)
         RETURNING (xmax = 0) AS inserted`,
        [ws, cycle.id, cycle.month, JSON.stringify(cards)],
      );
      // Automatic points follow the metrics; manual ratings are never touched here.
      await m.query(
        `INSERT INTO scorecard_items (scorecard_id, workspace_id, criterion_key, position_in_card, criterion_group,
           kind, name, max_hundredths, points_hundredths, explanation, explanation_zh)
         SELECT i.scorecard_id, $1, i.criterion_key, i.position_in_card, i.criterion_group, i.kind, i.name,
                i.max_hundredths, i.points_hundredths, i.explanation, i.explanation_zh
           FROM jsonb_to_recordset($2::jsonb) AS i(scorecard_id uuid, criterion_key text, position_in_card int,
                criterion_group text, kind text, name jsonb, max_hundredths int, points_hundredths int,
                explanation text, explanation_zh text)
         ON CONFLICT (scorecard_id, criterion_key) DO UPDATE
           SET points_hundredths = EXCLUDED.points_hundredths, explanation = EXCLUDED.explanation,
               explanation_zh = EXCLUDED.explanation_zh
           WHERE scorecard_items.kind = 'automatic'
             AND (scorecard_items.points_hundredths, scorecard_items.explanation, scorecard_items.explanation_zh)
                 IS DISTINCT FROM (EXCLUDED.points_hundredths, EXCLUDED.explanation, EXCLUDED.explanation_zh)`,
        [ws, JSON.stringify(items)],
      );
      const totals = await updateReturning(m, recomputeTotalsSql('$1'), [cards.map((c) => c.id)]);
      const created = upserted.filter((u) => u.inserted).length;
      return { created, updated: upserted.length - created + totals.length };
    });
  }
}

/**
 * Recomputes the total and the draft/rated status of the scorecards whose ids are in `idsParam` (a uuid[]
 * parameter) from their items: the total is the sum of the points when every criterion has points, else null
 * (draft). Only rows whose total or status changes are updated (and get a new version).
 */
export function recomputeTotalsSql(idsParam: string): string {
  return `
  UPDATE scorecards s
     SET total_hundredths = t.total, status = t.status, version = s.version + 1, updated_at = now()
    FROM (SELECT i.scorecard_id,
                 CASE WHEN bool_and(i.points_hundredths IS NOT NULL) THEN sum(i.points_hundredths)::int END AS total,
                 CASE WHEN bool_and(i.points_hundredths IS NOT NULL) THEN 'rated' ELSE 'draft' END AS status
            FROM scorecard_items i WHERE i.scorecard_id = ANY(${idsParam}) GROUP BY i.scorecard_id) t
   WHERE t.scorecard_id = s.id AND s.status IN ('draft', 'rated')
     AND (s.total_hundredths, s.status) IS DISTINCT FROM (t.total, t.status)
  RETURNING s.id`;
}

/** Each member's monthly targets by metric (values as stored: fen for sales, counts, fractions). */
async function memberTargets(
  m: EntityManager,
  ws: string,
  month: string,
  memberIds: string[],
): Promise<Map<string, Partial<Record<MetricKey, string>>>> {
  const p = periodOfMonth(month);
  const rows: { scope_id: string; metric: MetricKey; value: string }[] = await m.query(
    `SELECT scope_id, metric, value::text FROM targets
     WHERE workspace_id = $1 AND scope = 'member' AND scope_id = ANY($2)
       AND period_kind = 'month' AND year = $3 AND period_index = $4`,
    [ws, memberIds, p.year, p.index],
  );
  const out = new Map<string, Partial<Record<MetricKey, string>>>();
  for (const r of rows) out.set(r.scope_id, { ...(out.get(r.scope_id) ?? {}), [r.metric]: r.value });
  return out;
}

/** What a criterion's metric measured for one member (see MemberMonthMetrics for each definition). */
export function metricValue(
  metric: MetricKey,
  m: MemberMonthMetrics | null,
  targets: Partial<Record<MetricKey, string>>,
  trainingScore: string | null,
): MetricValue {
  switch (metric) {
    case 'sales_amount':
      // Read in yuan (both sides the same unit), so the explanation shows "12000.00 ÷ 10000.00".
      return {
        actual: m ? yuanOf(m.salesMinor) : null,
        target: targets.sales_amount === undefined ? null : yuanOf(targets.sales_amount),
      };
    case 'new_key_accounts':
      return { actual: m ? String(m.newAccounts) : null, target: targets.new_key_accounts ?? null };
    case 'revisit_completion':
      return { actual: null, numerator: m?.revisitsCompleted ?? 0, denominator: m?.revisitsDue ?? 0 };
    case 'satisfaction':
      return { actual: m?.satisfactionAvg ?? null };
    case 'complaint_resolution':
      return { actual: null, numerator: m?.complaintsResolved ?? 0, denominator: m?.complaintsReceived ?? 0 };
    case 'project_on_time':
      return { actual: null, numerator: m?.projectsOnTime ?? 0, denominator: m?.projectsDue ?? 0 };
    case 'training_score':
      return { actual: trainingScore };
  }
}

/** JSON with object keys sorted, to compare a jsonb value read back with one built here. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Fen (a whole number, possibly written with decimals as numeric(20,4)) as yuan with two decimals. */
function yuanOf(fen: string): string {
  return formatScaled(parseScaled(fen, 4) / 100n, 4).replace(/00$/, '');
}

/** Targets are stored as numeric(20,4); money targets are whole fen. */
function wholeMinor(numeric: string): bigint {
  return parseScaled(numeric, 4) / 10000n;
}

function emptyMetrics(memberId: string): MemberMonthMetrics {
  return {
    memberId,
    salesMinor: '0',
    ordersCount: 0,
    crmSalesMinor: '0',
    crmOrdersCount: 0,
    newAccounts: 0,
    revisitsDue: 0,
    revisitsCompleted: 0,
    revisitsCompletedOnTime: 0,
    satisfactionAvg: null,
    satisfactionCount: 0,
    complaintsReceived: 0,
    complaintsResolved: 0,
    complaintsResolvedInSla: 0,
    projectsDue: 0,
    projectsOnTime: 0,
  };
}
