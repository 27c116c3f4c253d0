import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CreateTargetDto,
  FieldError,
  KamError,
  ListTargetsQuery,
  Page,
  TargetDecompositionView,
  TargetDecompositionWarning,
  TargetView,
  UpdateTargetDto,
  validationError,
} from '@app/contracts';
import { applyOnce, decodeCursor, encodeCursor } from '@app/persistence';
import { PerformanceAccess } from '../access/performance-access.service';
import { audit } from '../access/audit';
import { formatScaled, parseScaled } from '../domain/decimal';
import { validateChallenge } from '../domain/targets';
import { OrganisationClient } from '../organisation/organisation.client';
import {
  decompositionProblems,
  parentProblem,
  periodProblem,
  TargetShape,
  VALUE_SCALE,
  valueProblem,
} from './target-rules';
import { TARGET_COLUMNS, TargetRow, toTargetView, trimDecimal } from './target.sql';

const shapeOf = (r: TargetRow): TargetShape => ({
  scope: r.scope,
  metric: r.metric,
  period: { kind: r.period_kind, year: r.year, index: r.period_index },
});
const scaled = (v: string) => parseScaled(v, VALUE_SCALE);
const text = (v: bigint) => trimDecimal(formatScaled(v, VALUE_SCALE));

/**
 * Targets (目标) and their decomposition: the department's year into quarters and months, into teams and
 * members; a challenge target (挑战目标) beside each. Parts that do not add up are a warning, never an error.
 */
@Injectable()
export class TargetsService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: PerformanceAccess,
    private readonly org: OrganisationClient,
  ) {}

  async list(actor: Actor, query: ListTargetsQuery): Promise<Page<TargetView>> {
    await this.access.require(actor, 'read', 'Target');
    const values: unknown[] = [actor.workspaceId];
    const where = ['t.workspace_id = $1'];
    const eq = (col: string, v: unknown) => {
      values.push(v);
      where.push(`${col} = $${values.length}`);
    };
    if (query.scope) eq('t.scope', query.scope);
    if (query.scopeId) eq('t.scope_id', query.scopeId);
    if (query.metric) eq('t.metric', query.metric);
    if (query.year) eq('t.year', query.year);
    if (query.periodKind) eq('t.period_kind', query.periodKind);
    if (query.cursor) {
      const c = decodeCursor(query.cursor, 'timestamp');
      values.push(c.value, c.id);
      where.push(`(t.created_at, t.id) > ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    const limit = query.limit ?? 100;
    values.push(limit + 1);
    const rows: TargetRow[] = await this.ds.query(
      `SELECT ${TARGET_COLUMNS} FROM targets t WHERE ${where.join(' AND ')}
       ORDER BY t.created_at, t.id LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toTargetView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
    };
  }

  async decomposition(actor: Actor, id: string): Promise<TargetDecompositionView> {
    await this.access.require(actor, 'read', 'Target');
    const target = await this.load(this.ds.manager, actor.workspaceId, id);
    const children = await this.children(this.ds.manager, actor.workspaceId, id);
    return {
      target: toTargetView(target),
      children: children.map(toTargetView),
      warnings: this.warningsOf(target, children),
    };
  }

  async create(actor: Actor, dto: CreateTargetDto, idempotencyKey?: string): Promise<TargetView> {
    await this.access.require(actor, 'create', 'Target');
    const errors: FieldError[] = [];
    const period = { kind: dto.periodKind, year: dto.year, index: dto.periodIndex ?? 1 };
    const pp = periodProblem(period);
    if (pp) errors.push({ field: 'periodIndex', message: pp });
    if (dto.scope === 'department' && dto.scopeId)
      errors.push({ field: 'scopeId', message: 'a department target has no scopeId' });
    if (dto.scope !== 'department' && !dto.scopeId)
      errors.push({ field: 'scopeId', message: `a ${dto.scope} target needs the ${dto.scope} id` });
    this.checkValues(dto.metric, dto.value, dto.challenge ?? null, errors);
    if (errors.length) throw validationError(errors);
    if (dto.scope === 'member') await this.org.requireMember(actor, dto.scopeId!);
    if (dto.scope === 'team') await this.org.requireTeam(actor, dto.scopeId!);

    const { id } = await applyOnce(
      this.ds.manager,
      { actor, scope: 'target.create', key: idempotencyKey, body: dto },
      async (m) => {
        if (dto.parentId) await this.checkParent(m, actor.workspaceId, dto.parentId, { ...dto, period });
        const id = randomUUID();
        const inserted: { id: string }[] = await m.query(
          `INSERT INTO targets (id, workspace_id, scope, scope_id, metric, period_kind, year, period_index, value,
             challenge, parent_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT DO NOTHING RETURNING id`,
          [
            id,
            actor.workspaceId,
            dto.scope,
            dto.scopeId ?? null,
            dto.metric,
            dto.periodKind,
            dto.year,
            period.index,
            dto.value,
            dto.challenge ?? null,
            dto.parentId ?? null,
            actor.kind === 'system' ? null : actor.memberId,
          ],
        );
        if (!inserted[0]) throw new KamError('target_exists', { metric: dto.metric, scope: dto.scope });
        const row = await this.load(m, actor.workspaceId, id);
        await audit(m, actor, { entity: 'target', entityId: id, action: 'create', after: toTargetView(row) });
        return { id };
      },
    );
    return this.withWarnings(
      this.ds.manager,
      actor.workspaceId,
      await this.load(this.ds.manager, actor.workspaceId, id),
    );
  }

  async update(actor: Actor, id: string, expectedVersion: number, dto: UpdateTargetDto): Promise<TargetView> {
    await this.access.require(actor, 'update', 'Target');
    return this.ds.transaction(async (m) => {
      const before = await this.load(m, actor.workspaceId, id, true);
      if (before.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: before.version });
      const value = dto.value ?? trimDecimal(before.value);
      const challenge =
        dto.challenge === undefined
          ? before.challenge === null
            ? null
            : trimDecimal(before.challenge)
          : dto.challenge;
      const parentId = dto.parentId === undefined ? before.parent_id : dto.parentId;
      const errors: FieldError[] = [];
      this.checkValues(before.metric, value, challenge, errors);
      if (errors.length) throw validationError(errors);
      if (parentId && parentId !== before.parent_id)
        await this.checkParent(
          m,
          actor.workspaceId,
          parentId,
          { ...shapeOf(before), scopeId: before.scope_id },
          id,
        );
      await m.query(
        `UPDATE targets SET value = $3, challenge = $4, parent_id = $5, version = version + 1, updated_at = now()
         WHERE id = $1 AND workspace_id = $2`,
        [id, actor.workspaceId, value, challenge, parentId],
      );
      const after = await this.load(m, actor.workspaceId, id);
      await audit(m, actor, {
        entity: 'target',
        entityId: id,
        action: 'update',
        before: toTargetView(before),
        after: toTargetView(after),
      });
      return this.withWarnings(m, actor.workspaceId, after);
    });
  }

  async remove(actor: Actor, id: string, expectedVersion?: number): Promise<void> {
    await this.access.require(actor, 'delete', 'Target');
    await this.ds.transaction(async (m) => {
      const before = await this.load(m, actor.workspaceId, id, true);
      if (expectedVersion !== undefined && before.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: before.version });
      // UPDATE … RETURNING answers [rows, count] through TypeORM.
      const [detached]: [{ id: string }[], number] = await m.query(
        `UPDATE targets SET parent_id = NULL, version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND parent_id = $2 RETURNING id`,
        [actor.workspaceId, id],
      );
      await m.query(`DELETE FROM targets WHERE id = $1 AND workspace_id = $2`, [id, actor.workspaceId]);
      await audit(m, actor, [
        { entity: 'target', entityId: id, action: 'delete', before: toTargetView(before) },
        ...detached.map((d) => ({
          entity: 'target',
          entityId: d.id,
          action: 'detach',
          reason: `parent ${id} deleted`,
          before: { parentId: id },
          after: { parentId: null },
        })),
      ]);
    });
  }

  private checkValues(
    metric: TargetRow['metric'],
    value: string,
    challenge: string | null,
    errors: FieldError[],
  ): void {
    const vp = valueProblem(metric, value);
    if (vp) errors.push({ field: 'value', message: `value ${vp}` });
    if (challenge !== null) {
      const cp = valueProblem(metric, challenge);
      if (cp) errors.push({ field: 'challenge', message: `challenge ${cp}` });
      else if (!vp) {
        const problem = validateChallenge(scaled(value), scaled(challenge));
        if (problem) errors.push({ field: 'challenge', message: problem });
      }
    }
  }

  private async checkParent(
    m: EntityManager,
    workspaceId: string,
    parentId: string,
    child: TargetShape & { scopeId?: string | null },
    childId?: string,
  ): Promise<void> {
    const rows: TargetRow[] = await m.query(
      `SELECT ${TARGET_COLUMNS} FROM targets t WHERE t.id = $1 AND t.workspace_id = $2`,
      [parentId, workspaceId],
    );
    if (!rows[0] || rows[0].id === childId)
      throw validationError([{ field: 'parentId', message: 'parentId is not a target of this workspace' }]);
    const problem = parentProblem(shapeOf(rows[0]), child);
    if (problem) throw validationError([{ field: 'parentId', message: problem }]);
  }

  private async load(m: EntityManager, workspaceId: string, id: string, lock = false): Promise<TargetRow> {
    const rows: TargetRow[] = await m.query(
      `SELECT ${TARGET_COLUMNS} FROM targets t WHERE t.id = $1 AND t.workspace_id = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('target_not_found', { id });
    return rows[0];
  }

  private children(m: EntityManager, workspaceId: string, parentId: string): Promise<TargetRow[]> {
    return m.query(
      `SELECT ${TARGET_COLUMNS} FROM targets t WHERE t.workspace_id = $1 AND t.parent_id = $2
       ORDER BY t.scope, t.period_kind, t.period_index, t.scope_id, t.id`,
      [workspaceId, parentId],
    );
  }

  private warningsOf(target: TargetRow, children: TargetRow[]): TargetDecompositionWarning[] {
    return decompositionProblems(
      { metric: target.metric, value: target.value },
      children.map((c) => ({ id: c.id, scope: c.scope, periodKind: c.period_kind, value: c.value })),
    ).map((w) => ({
      kind: w.kind,
      parentId: target.id,
      childScope: w.childScope,
      childPeriodKind: w.childPeriodKind,
      parentValue: trimDecimal(target.value),
      childrenSum: text(w.childrenSum),
      difference: text(w.differenceMinor),
    }));
  }

  /** The target with the warnings of its parent's decomposition and of its own. */
  private async withWarnings(m: EntityManager, workspaceId: string, row: TargetRow): Promise<TargetView> {
    const warnings: TargetDecompositionWarning[] = [];
    if (row.parent_id) {
      const parent = await this.load(m, workspaceId, row.parent_id);
      warnings.push(...this.warningsOf(parent, await this.children(m, workspaceId, parent.id)));
    }
    warnings.push(...this.warningsOf(row, await this.children(m, workspaceId, row.id)));
    return { ...toTargetView(row), warnings };
  }
}
