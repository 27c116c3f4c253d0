import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  AppealDto,
  AppealView,
  AuditEntryView,
  AuditTrailQuery,
  DecideAppealDto,
  DecideWarningDto,
  EliminationWarningView,
  EVENTS,
  FieldError,
  KamError,
  ListScorecardsQuery,
  MemberMonthMetrics,
  Page,
  RatingDto,
  ScorecardState,
  ScorecardView,
  StatementView,
  validationError,
} from '@app/contracts';
import { Action } from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { decodeCursor, encodeCursor, updateReturning } from '@app/persistence';
import {
  Band,
  BAND_LABELS,
  appealDeadline,
  appealWindowOpen,
  canTransition,
  CriterionDef,
  formatPoints,
  formatScaled,
  parseScaled,
  validateRating,
} from '../domain';
import { audit } from '../access/audit';
import { PerformanceAccess } from '../access/performance-access.service';
import { recomputeTotalsSql } from '../cycles/scorecard-collector.service';
import { payBaseFor } from '../pay-bases/pay-bases.service';
import { commissionsOf, payFor } from './pay';
import {
  CycleRow,
  ItemRow,
  SCORECARD_COLUMNS,
  ScorecardRow,
  scorecardSubject,
  scorecardView,
} from './scorecard.sql';

/** Days after publication during which the member may appeal (the policy's 5 days). */
export const APPEAL_DAYS = 5;

/**
 * One scorecard's life: ratings by the group leader (or the director for a leader), publication to the member,
 * acknowledgement or appeal within 5 days, the director's decision and approval. Every change is audited and
 * published as an event; a locked cycle refuses every change (here with 409, and by trigger in the database).
 */
@Injectable()
export class ScorecardsService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: PerformanceAccess,
    private readonly relay: OutboxRelay,
  ) {}

  async list(actor: Actor, q: ListScorecardsQuery): Promise<Page<ScorecardView>> {
    await this.access.require(actor, 'read', 'Scorecard');
    const params: unknown[] = [actor.workspaceId];
    const where = ['s.workspace_id = $1'];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.month) add('s.month = ?', q.month);
    if (q.memberId) add('s.member_id = ?', q.memberId);
    if (q.teamId) add('s.team_id = ?', q.teamId);
    if (q.status) add('s.status = ?', q.status);
    if (q.position) add('s.position = ?', q.position);
    if (q.cursor) {
      const c = decodeCursor(q.cursor, 'month');
      params.push(c.value, c.id);
      where.push(`(s.month, s.id) < ($${params.length - 1}, $${params.length}::uuid)`);
    }
    const cond = await this.access.where(actor, 'read', 'Scorecard', params.length);
    if (!cond) return { items: [], nextCursor: null };
    params.push(...cond.values);
    where.push(`(${cond.sql})`);
    const limit = q.limit ?? 100;
    const rows: ScorecardRow[] = await this.ds.query(
      `SELECT ${SCORECARD_COLUMNS} FROM scorecards s WHERE ${where.join(' AND ')}
       ORDER BY s.month DESC, s.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = rows.slice(0, limit);
    const items = await this.itemsOf(
      this.ds.manager,
      page.map((r) => r.id),
    );
    const last = page[page.length - 1];
    return {
      items: page.map((r) => scorecardView(r, items.get(r.id) ?? [], actor.locale)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.month, last.id) : null,
    };
  }

  async get(actor: Actor, id: string): Promise<ScorecardView> {
    const row = await this.visible(this.ds.manager, actor, id);
    const items = await this.itemsOf(this.ds.manager, [id]);
    return scorecardView(row, items.get(id) ?? [], actor.locale);
  }

  /** Manual criteria rated by the group leader (own team) or the director/deputy, with evidence. */
  async rate(
    actor: Actor,
    id: string,
    expectedVersion: number,
    ratings: RatingDto[],
  ): Promise<ScorecardView> {
    const view = await this.change(actor, id, 'rate', async (m, row) => {
      if (row.status !== 'draft' && row.status !== 'rated')
        throw new KamError('illegal_scorecard_transition', { from: row.status, to: 'rated' });
      if (row.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: row.version });
      const items = (await this.itemsOf(m, [id])).get(id) ?? [];
      const byKey = new Map(items.map((i) => [i.criterion_key, i]));
      const errors: FieldError[] = [];
      const seen = new Set<string>();
      ratings.forEach((r, n) => {
        const item = byKey.get(r.criterionKey);
        if (!item)
          errors.push({ field: `ratings[${n}].criterionKey`, message: `no criterion ${r.criterionKey}` });
        else if (item.kind !== 'manual')
          errors.push({
            field: `ratings[${n}].criterionKey`,
            message: `${r.criterionKey} is computed from metrics, not rated`,
          });
        else if (seen.has(r.criterionKey))
          errors.push({ field: `ratings[${n}].criterionKey`, message: `${r.criterionKey} is rated twice` });
        else {
          const problem = validateRating(criterionOf(item), r.points);
          if (problem) errors.push({ field: `ratings[${n}].points`, message: problem });
        }
        seen.add(r.criterionKey);
      });
      if (errors.length) throw validationError(errors);
      await this.applyRatings(m, actor, row, ratings, byKey, null);
      return 'rated';
    });
    return view;
  }

  async publish(actor: Actor, id: string): Promise<ScorecardView> {
    return this.change(actor, id, 'publish', async (m, row) => {
      if (row.status === 'draft') {
        const missing = ((await this.itemsOf(m, [id])).get(id) ?? [])
          .filter((i) => i.points_hundredths === null)
          .map((i) => i.criterion_key);
        throw new KamError('scorecard_incomplete', { missing: missing.join(', ') });
      }
      this.transition(row, 'published');
      await m.query(
        `UPDATE scorecards SET status = 'published', published_at = now(), version = version + 1,
           updated_at = now() WHERE id = $1`,
        [id],
      );
      return 'published';
    });
  }

  async acknowledge(actor: Actor, id: string): Promise<ScorecardView> {
    return this.change(actor, id, 'acknowledge', async (m, row) => {
      this.transition(row, 'acknowledged');
      await m.query(
        `UPDATE scorecards SET status = 'acknowledged', acknowledged_at = now(), version = version + 1,
           updated_at = now() WHERE id = $1`,
        [id],
      );
      return 'acknowledged';
    });
  }

  /** The member disagrees, within 5 days of publication (an acknowledged card can still be appealed then). */
  async appeal(actor: Actor, id: string, dto: AppealDto): Promise<AppealView> {
    const appealId = randomUUID();
    await this.change(actor, id, 'appeal', async (m, row) => {
      if (row.status !== 'published' && row.status !== 'acknowledged')
        throw new KamError('illegal_scorecard_transition', { from: row.status, to: 'appealed' });
      if (!row.published_at || !appealWindowOpen(row.published_at, new Date(), APPEAL_DAYS))
        throw new KamError('appeal_window_closed', { days: APPEAL_DAYS });
      await m.query(
        `INSERT INTO appeals (id, workspace_id, scorecard_id, member_id, reason) VALUES ($1, $2, $3, $4, $5)`,
        [appealId, actor.workspaceId, id, row.member_id, dto.reason],
      );
      await m.query(
        `UPDATE scorecards SET status = 'appealed', version = version + 1, updated_at = now() WHERE id = $1`,
        [id],
      );
      await audit(m, actor, { entity: 'appeal', entityId: appealId, action: 'filed', reason: dto.reason });
      return 'appealed';
    });
    return (await this.appeals(actor, { scorecardId: id })).find((a) => a.id === appealId)!;
  }

  /**
   * The director's decision. Upheld: the corrected ratings are applied with the decision's reason and the card
   * goes back to rated for publication again. Rejected: the card stands as published and is approved.
   */
  async decideAppeal(actor: Actor, appealId: string, dto: DecideAppealDto): Promise<AppealView> {
    const appeal = (await this.appeals(actor, { appealId }))[0];
    if (!appeal) throw new KamError('appeal_not_found');
    await this.change(actor, appeal.scorecardId, 'decideAppeal', async (m, row) => {
      const locked: { status: string }[] = await m.query(
        `SELECT status FROM appeals WHERE id = $1 FOR UPDATE`,
        [appealId],
      );
      if (locked[0]?.status !== 'pending') throw new KamError('appeal_decided');
      if (dto.decision === 'rejected' && dto.ratings?.length)
        throw validationError([
          { field: 'ratings', message: 'ratings are corrected only when the appeal is upheld' },
        ]);
      await m.query(
        `UPDATE appeals SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4, changes = $5
         WHERE id = $1`,
        [appealId, dto.decision, actor.memberId, dto.reason, JSON.stringify(dto.ratings ?? [])],
      );
      await audit(m, actor, {
        entity: 'appeal',
        entityId: appealId,
        action: dto.decision,
        reason: dto.reason,
        after: { ratings: dto.ratings ?? [] },
      });
      if (dto.decision === 'rejected') {
        await m.query(
          `UPDATE scorecards SET status = 'approved', approved_by = $2, approved_at = now(), version = version + 1,
             updated_at = now() WHERE id = $1`,
          [row.id, actor.memberId],
        );
        return 'approved';
      }
      // Upheld: back to rated, corrections applied and recomputed with the recorded reason.
      await m.query(
        `UPDATE scorecards SET status = 'rated', published_at = NULL, acknowledged_at = NULL,
           version = version + 1, updated_at = now() WHERE id = $1`,
        [row.id],
      );
      if (dto.ratings?.length) {
        const items = (await this.itemsOf(m, [row.id])).get(row.id) ?? [];
        const byKey = new Map(items.map((i) => [i.criterion_key, i]));
        const errors: FieldError[] = [];
        dto.ratings.forEach((r, n) => {
          const item = byKey.get(r.criterionKey);
          if (!item || item.kind !== 'manual')
            errors.push({
              field: `ratings[${n}].criterionKey`,
              message: `no manual criterion ${r.criterionKey}`,
            });
          else {
            const problem = validateRating(criterionOf(item), r.points);
            if (problem) errors.push({ field: `ratings[${n}].points`, message: problem });
          }
        });
        if (errors.length) throw validationError(errors);
        await this.applyRatings(m, actor, { ...row, status: 'rated' }, dto.ratings, byKey, dto.reason);
      }
      return 'rated';
    });
    return (await this.appeals(actor, { appealId }))[0];
  }

  /** The director approves: after the member acknowledged, or once the appeal window has passed. */
  async approve(actor: Actor, id: string): Promise<ScorecardView> {
    return this.change(actor, id, 'approve', async (m, row) => {
      this.approvable(row, new Date());
      await m.query(
        `UPDATE scorecards SET status = 'approved', approved_by = $2, approved_at = now(), version = version + 1,
           updated_at = now() WHERE id = $1`,
        [id, actor.memberId],
      );
      return 'approved';
    });
  }

  /** Throws unless the card can be approved now. */
  approvable(row: Pick<ScorecardRow, 'status' | 'published_at'>, now: Date): void {
    if (
      row.status === 'published' &&
      row.published_at &&
      appealWindowOpen(row.published_at, now, APPEAL_DAYS)
    )
      throw new KamError('appeal_window_open', {
        until: appealDeadline(row.published_at, APPEAL_DAYS).toISOString(),
      });
    this.transition(row, 'approved');
  }

  /** The member's statement: every number of the month and where it comes from. */
  async statement(actor: Actor, id: string): Promise<StatementView> {
    const row = await this.visible(this.ds.manager, actor, id);
    const items = (await this.itemsOf(this.ds.manager, [id])).get(id) ?? [];
    const card = scorecardView(row, items, actor.locale);
    const notes: string[] = [];
    const sales = salesOf(row.metrics);
    notes.push(...salesNotes(sales));
    const cycle: CycleRow[] = await this.ds.query(`SELECT * FROM cycles WHERE id = $1`, [row.cycle_id]);
    const department = cycle[0]?.department ?? null;
    if (row.payout) return this.statementOf(actor, card, row.payout, true, notes, sales);
    if (row.total_hundredths === null)
      notes.push('the score is not complete yet: criteria still need points');
    const bases = await payBaseFor(this.ds.manager, row.workspace_id, [row.member_id], row.month);
    const base = bases.get(row.member_id);
    if (base === undefined) notes.push('no performance-pay base is set for this member and month');
    if (!department || department.outcome === 'no_target')
      notes.push('no department sales target for the month: no modifier (0%)');
    const commission = (
      await commissionsOf(this.ds.manager, row.workspace_id, row.month, [row.member_id])
    ).get(row.member_id);
    if (commission?.status === 'draft')
      notes.push('the commission statement is a draft until the director approves it');
    if (row.total_hundredths === null || base === undefined)
      return {
        scorecard: card,
        currency: 'CNY',
        sales,
        payBaseMinor: base?.toString() ?? null,
        band: null,
        bandLabel: null,
        ratePct: null,
        department,
        payout: null,
        commission: commission ? commissionView(commission) : null,
        totalPayMinor: null,
        final: false,
        notes,
      };
    const pay = payFor(BigInt(row.total_hundredths), base, department, commission);
    return this.statementOf(actor, card, pay, false, notes, sales, commission);
  }

  private statementOf(
    actor: Actor,
    card: ScorecardView,
    pay: NonNullable<ScorecardRow['payout']>,
    final: boolean,
    notes: string[],
    sales: StatementView['sales'],
    commission?: { status: string; salesMinor: bigint; commissionMinor: bigint; lines: unknown[] },
  ): StatementView {
    return {
      scorecard: card,
      currency: 'CNY',
      sales,
      payBaseMinor: pay.payBaseMinor,
      band: pay.band,
      bandLabel: BAND_LABELS[pay.band as Band]?.[actor.locale === 'en' ? 'en' : 'zh'] ?? pay.band,
      ratePct: formatScaled(BigInt(pay.ratePctHundredths), 2),
      department: pay.department,
      payout: {
        lines: pay.lines.map((l) => ({
          key: l.key,
          label: l.label?.[actor.locale === 'en' ? 'en' : 'zh'] ?? l.key,
          formula: l.formula,
          amountMinor: l.amountMinor,
        })),
        totalMinor: pay.performancePayMinor,
      },
      commission: commission
        ? commissionView(commission)
        : pay.commissionStatus
          ? { status: pay.commissionStatus, salesMinor: '', totalMinor: pay.commissionMinor, lines: [] }
          : null,
      totalPayMinor: pay.totalMinor,
      final,
      notes,
    };
  }

  async appeals(
    actor: Actor,
    filter: { scorecardId?: string; appealId?: string; status?: string },
  ): Promise<AppealView[]> {
    await this.access.require(actor, 'read', 'Scorecard');
    const params: unknown[] = [actor.workspaceId];
    const where = ['a.workspace_id = $1'];
    if (filter.scorecardId) where.push(`a.scorecard_id = $${params.push(filter.scorecardId)}`);
    if (filter.appealId) where.push(`a.id = $${params.push(filter.appealId)}`);
    if (filter.status) where.push(`a.status = $${params.push(filter.status)}`);
    const cond = await this.access.where(actor, 'read', 'Scorecard', params.length);
    if (!cond) return [];
    params.push(...cond.values);
    const rows: {
      id: string;
      scorecard_id: string;
      member_id: string;
      reason: string;
      status: AppealView['status'];
      filed_at: Date;
      decided_by: string | null;
      decided_at: Date | null;
      decision_reason: string | null;
    }[] = await this.ds.query(
      `SELECT a.* FROM appeals a JOIN scorecards s ON s.id = a.scorecard_id
       WHERE ${where.join(' AND ')} AND (${cond.sql}) ORDER BY a.filed_at DESC LIMIT 500`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      scorecardId: r.scorecard_id,
      memberId: r.member_id,
      reason: r.reason,
      status: r.status,
      filedAt: r.filed_at.toISOString(),
      decidedBy: r.decided_by,
      decidedAt: r.decided_at?.toISOString() ?? null,
      decisionReason: r.decision_reason,
    }));
  }

  async warnings(actor: Actor, status?: 'open' | 'decided'): Promise<EliminationWarningView[]> {
    await this.access.require(actor, 'read', 'EliminationWarning');
    const rows: WarningRow[] = await this.ds.query(
      `SELECT * FROM elimination_warnings WHERE workspace_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY raised_at DESC LIMIT 500`,
      [actor.workspaceId, status ?? null],
    );
    return rows.map(warningView);
  }

  /** The director decides what follows a 末位 warning; nothing happens automatically. */
  async decideWarning(actor: Actor, id: string, dto: DecideWarningDto): Promise<EliminationWarningView> {
    await this.access.require(actor, 'update', 'EliminationWarning');
    const row = await this.ds.transaction(async (m) => {
      const rows: WarningRow[] = await m.query(
        `SELECT * FROM elimination_warnings WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
        [id, actor.workspaceId],
      );
      if (!rows[0]) throw new KamError('not_found', { what: 'warning' });
      if (rows[0].status !== 'open') throw new KamError('warning_decided');
      const updated = await updateReturning<WarningRow>(
        m,
        `UPDATE elimination_warnings SET status = 'decided', decision = $2, decision_note = $3, decided_by = $4,
           decided_at = now() WHERE id = $1 RETURNING *`,
        [id, dto.decision, dto.note, actor.memberId],
      );
      await audit(m, actor, {
        entity: 'elimination_warning',
        entityId: id,
        action: 'decided',
        reason: dto.note,
        after: { decision: dto.decision },
      });
      return updated[0];
    });
    return warningView(row);
  }

  async auditTrail(actor: Actor, q: AuditTrailQuery): Promise<AuditEntryView[]> {
    // Evaluation administrators (director, deputy, executive) read the trail; members see their statement.
    await this.access.require(actor, 'read', 'PayBase');
    const rows: {
      id: string;
      entity: string;
      entity_id: string;
      action: string;
      actor_id: string | null;
      reason: string | null;
      before: unknown;
      after: unknown;
      at: Date;
    }[] = await this.ds.query(
      `SELECT id::text, entity, entity_id, action, actor_id, reason, before, after, at FROM audit_trail
       WHERE workspace_id = $1 AND entity = $2 AND entity_id = $3 ORDER BY id LIMIT 1000`,
      [actor.workspaceId, q.entity, q.entityId],
    );
    return rows.map((r) => ({
      id: r.id,
      entity: r.entity,
      entityId: r.entity_id,
      action: r.action,
      actorId: r.actor_id,
      reason: r.reason,
      before: r.before,
      after: r.after,
      at: r.at.toISOString(),
    }));
  }

  /* ---- helpers ---- */

  /**
   * A change to one card: the card is locked FOR UPDATE, the actor's permission judged on it, the change made,
   * audited and announced, all in one transaction. Returns the card as it is afterwards.
   */
  private async change(
    actor: Actor,
    id: string,
    action: Action,
    body: (m: EntityManager, row: ScorecardRow) => Promise<ScorecardState>,
  ): Promise<ScorecardView> {
    await this.access.require(actor, action, 'Scorecard');
    await this.ds.transaction(async (m) => {
      const row = await this.visible(m, actor, id, true);
      if (!(await this.access.canOn(actor, action, 'Scorecard', scorecardSubject(row))))
        throw new KamError('forbidden');
      if (row.locked) throw new KamError('cycle_locked', { month: row.month });
      const before = { status: row.status, total: row.total_hundredths, version: row.version };
      const status = await body(m, row);
      const after: { status: ScorecardState; total_hundredths: number | null; version: number }[] =
        await m.query(`SELECT status, total_hundredths, version FROM scorecards WHERE id = $1`, [id]);
      await audit(m, actor, {
        entity: 'scorecard',
        entityId: id,
        action,
        before,
        after: { status: after[0].status, total: after[0].total_hundredths, version: after[0].version },
      });
      await addToOutbox(m, {
        subject: EVENTS.scorecardChanged,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          scorecardId: id,
          memberId: row.member_id,
          month: row.month,
          status,
        },
      });
    });
    this.relay.kick();
    return this.get(actor, id);
  }

  private transition(row: Pick<ScorecardRow, 'status'>, to: ScorecardState): void {
    if (!canTransition(row.status, to))
      throw new KamError('illegal_scorecard_transition', { from: row.status, to });
  }

  /** Writes ratings, audits each with before/after, and recomputes the total and draft/rated status. */
  private async applyRatings(
    m: EntityManager,
    actor: Actor,
    row: ScorecardRow,
    ratings: RatingDto[],
    byKey: Map<string, ItemRow>,
    reason: string | null,
  ): Promise<void> {
    await m.query(
      `UPDATE scorecard_items i SET points_hundredths = r.points, evidence = COALESCE(r.evidence, i.evidence),
         rated_by = $2, rated_at = now()
       FROM jsonb_to_recordset($3::jsonb) AS r(criterion_key text, points int, evidence text)
       WHERE i.scorecard_id = $1 AND i.criterion_key = r.criterion_key`,
      [
        row.id,
        actor.memberId,
        JSON.stringify(
          ratings.map((r) => ({
            criterion_key: r.criterionKey,
            points: Number(parseScaled(r.points, 2)),
            evidence: r.evidence ?? null,
          })),
        ),
      ],
    );
    await audit(
      m,
      actor,
      ratings.map((r) => ({
        entity: 'scorecard_item',
        entityId: `${row.id}:${r.criterionKey}`,
        action: 'rated',
        reason,
        before: {
          points: pointsText(byKey.get(r.criterionKey)?.points_hundredths ?? null),
        },
        after: { points: formatPoints(parseScaled(r.points, 2)), evidence: r.evidence ?? null },
      })),
    );
    await m.query(recomputeTotalsSql('$1'), [[row.id]]);
  }

  /** The card if the actor may read it (404 otherwise, also for another workspace's id). */
  private async visible(
    m: EntityManager,
    actor: Actor,
    id: string,
    forUpdate = false,
  ): Promise<ScorecardRow> {
    const rows: ScorecardRow[] = await m.query(
      `SELECT ${SCORECARD_COLUMNS} FROM scorecards s WHERE s.id = $1 AND s.workspace_id = $2
       ${forUpdate ? 'FOR UPDATE' : ''}`,
      [id, actor.workspaceId],
    );
    const row = rows[0];
    if (!row || !(await this.access.canOn(actor, 'read', 'Scorecard', scorecardSubject(row))))
      throw new KamError('scorecard_not_found');
    return row;
  }

  async itemsOf(m: EntityManager, ids: string[]): Promise<Map<string, ItemRow[]>> {
    const out = new Map<string, ItemRow[]>();
    if (!ids.length) return out;
    const rows: ItemRow[] = await m.query(
      `SELECT * FROM scorecard_items WHERE scorecard_id = ANY($1) ORDER BY scorecard_id, position_in_card`,
      [ids],
    );
    for (const r of rows) {
      const list = out.get(r.scorecard_id) ?? [];
      list.push(r);
      out.set(r.scorecard_id, list);
    }
    return out;
  }
}

interface WarningRow {
  id: string;
  member_id: string;
  member_name: string;
  position: string;
  months: string[];
  raised_at: Date;
  status: 'open' | 'decided';
  decision: EliminationWarningView['decision'];
  decision_note: string | null;
  decided_by: string | null;
  decided_at: Date | null;
}

function warningView(r: WarningRow): EliminationWarningView {
  return {
    id: r.id,
    memberId: r.member_id,
    memberName: r.member_name,
    position: r.position,
    months: r.months,
    raisedAt: r.raised_at.toISOString(),
    status: r.status,
    decision: r.decision,
    decisionNote: r.decision_note,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at?.toISOString() ?? null,
  };
}

function criterionOf(i: ItemRow): CriterionDef {
  return {
    key: i.criterion_key,
    name: i.name,
    group: i.criterion_group,
    maxPoints: formatPoints(BigInt(i.max_hundredths)),
    kind: i.kind,
  };
}

function pointsText(h: number | null): string | null {
  return h === null ? null : formatPoints(BigInt(h));
}

function commissionView(c: {
  status: string;
  salesMinor: bigint;
  commissionMinor: bigint;
  lines: unknown[];
}) {
  return {
    status: c.status,
    salesMinor: c.salesMinor.toString(),
    totalMinor: c.commissionMinor.toString(),
    lines: c.lines,
  };
}

/**
 * The month's sales as the scorecard was collected with them, and how much of it came from orders created from
 * won CRM opportunities (issue 14, point 5): whoever approves the pay sees what the CRM contributed. Null for a
 * card without measurements; `fromCrm` null for one collected before the CRM's share was measured.
 */
export function salesOf(metrics: Record<string, unknown> | null | undefined): StatementView['sales'] {
  const m = (metrics ?? {}) as Partial<MemberMonthMetrics>;
  if (typeof m.salesMinor !== 'string') return null;
  return {
    salesMinor: m.salesMinor,
    ordersCount: m.ordersCount ?? 0,
    fromCrm:
      typeof m.crmSalesMinor === 'string'
        ? { amountMinor: m.crmSalesMinor, ordersCount: m.crmOrdersCount ?? 0 }
        : null,
  };
}

/** What the statement says about the CRM's share of the sales. */
export function salesNotes(sales: StatementView['sales']): string[] {
  if (!sales) return [];
  if (!sales.fromCrm)
    return ['the sales were collected before orders from the CRM were shown apart: collect the month again'];
  if (!sales.fromCrm.ordersCount) return [];
  const yuan = formatScaled(BigInt(sales.fromCrm.amountMinor), 2);
  const n = sales.fromCrm.ordersCount;
  return [
    `${yuan} CNY of the sales (${n} order${n === 1 ? '' : 's'}) came from won opportunities in the CRM, ` +
      'not entered by hand: check them before approving',
  ];
}
