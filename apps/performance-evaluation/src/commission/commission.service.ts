import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CommissionLineView,
  CommissionPlanView,
  CommissionStatementView,
  CreateCommissionPlanDto,
  DraftStatementsView,
  KamError,
  ListCommissionPlansQuery,
  ListStatementsQuery,
  validationError,
} from '@app/contracts';
import { applyOnce } from '@app/persistence';
import { PerformanceAccess } from '../access/performance-access.service';
import { audit } from '../access/audit';
import { CommissionTier, computeCommission, validateTiers } from '../domain/commission';
import { formatScaled, parseScaled } from '../domain/decimal';
import { positionOf } from '../domain/template';
import { OrganisationClient } from '../organisation/organisation.client';
import { planFor } from './plan-choice';
import {
  PLAN_COLUMNS,
  PlanRow,
  STATEMENT_COLUMNS,
  StatementRow,
  toPlanView,
  toStatementView,
} from './commission.sql';

const tiersOf = (p: Pick<PlanRow, 'tiers'>): CommissionTier[] =>
  p.tiers.map((t) => ({ fromMinor: BigInt(t.fromMinor), ratePctHundredths: parseScaled(t.ratePct, 2) }));

export interface MemberCommission {
  statementId: string;
  status: 'draft' | 'approved';
  planId: string | null;
  salesMinor: bigint;
  commissionMinor: bigint;
  lines: CommissionLineView[];
}

/**
 * Each member's commission statement of the month (draft or approved), for the member's pay statement. One
 * query; members without a statement are absent.
 */
export async function commissionFor(
  m: EntityManager,
  workspaceId: string,
  month: string,
  memberIds: string[],
): Promise<Map<string, MemberCommission>> {
  if (!memberIds.length) return new Map();
  const rows: StatementRow[] = await m.query(
    `SELECT ${STATEMENT_COLUMNS} FROM commission_statements s LEFT JOIN commission_plans p ON p.id = s.plan_id
      WHERE s.workspace_id = $1 AND s.month = $2 AND s.member_id = ANY($3::uuid[])`,
    [workspaceId, month, memberIds],
  );
  return new Map(
    rows.map((r) => [
      r.member_id,
      {
        statementId: r.id,
        status: r.status,
        planId: r.plan_id,
        salesMinor: BigInt(r.sales_minor),
        commissionMinor: BigInt(r.commission_minor),
        lines: r.lines,
      },
    ]),
  );
}

/**
 * 提成方案 and 提成结算预案: tiered commission plans approved by the director, and the monthly statement drafts
 * computed from each member's sales (from account-management over NATS), approved by the director.
 */
@Injectable()
export class CommissionService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: PerformanceAccess,
    private readonly org: OrganisationClient,
  ) {}

  // ------------------------------------------------------------------------------------------ plans

  async listPlans(actor: Actor, query: ListCommissionPlansQuery): Promise<CommissionPlanView[]> {
    await this.access.require(actor, 'read', 'CommissionPlan');
    const rows: PlanRow[] = await this.ds.query(
      `SELECT ${PLAN_COLUMNS} FROM commission_plans p WHERE p.workspace_id = $1 AND ($2::text IS NULL OR p.status = $2)
       ORDER BY p.effective_from DESC, p.created_at DESC, p.id`,
      [actor.workspaceId, query.status ?? null],
    );
    return rows.map(toPlanView);
  }

  /** A draft plan; 400 naming the tier when the tiers cannot be used, nothing stored. */
  async createPlan(
    actor: Actor,
    dto: CreateCommissionPlanDto,
    idempotencyKey?: string,
  ): Promise<CommissionPlanView> {
    await this.access.require(actor, 'create', 'CommissionPlan');
    const tiers: CommissionTier[] = dto.tiers.map((t) => ({
      fromMinor: BigInt(t.fromMinor),
      ratePctHundredths: parseScaled(t.ratePct, 2),
    }));
    const problems = validateTiers(tiers).map((p) => ({
      field: p.field.replace('ratePctHundredths', 'ratePct'),
      message: p.message,
    }));
    if (problems.length) throw validationError(problems);
    const stored = tiers.map((t) => ({
      fromMinor: t.fromMinor.toString(),
      ratePct: formatScaled(t.ratePctHundredths, 2),
    }));
    const { id } = await applyOnce(
      this.ds.manager,
      { actor, scope: 'commission-plan.create', key: idempotencyKey, body: dto },
      async (m) => {
        const id = randomUUID();
        await m.query(
          `INSERT INTO commission_plans (id, workspace_id, name, position, mode, tiers, effective_from, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            id,
            actor.workspaceId,
            dto.name,
            dto.position ?? null,
            dto.mode,
            JSON.stringify(stored),
            dto.effectiveFrom,
            actor.kind === 'system' ? null : actor.memberId,
          ],
        );
        const plan = toPlanView(await this.loadPlan(m, actor.workspaceId, id));
        await audit(m, actor, { entity: 'commission_plan', entityId: id, action: 'create', after: plan });
        return { id };
      },
    );
    return toPlanView(await this.loadPlan(this.ds.manager, actor.workspaceId, id));
  }

  /** The director approves a draft plan; approving twice is a 409. */
  async approvePlan(actor: Actor, id: string, expectedVersion?: number): Promise<CommissionPlanView> {
    await this.access.require(actor, 'approve', 'CommissionPlan');
    return this.ds.transaction(async (m) => {
      const before = await this.loadPlan(m, actor.workspaceId, id, true);
      if (expectedVersion !== undefined && before.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: before.version });
      if (before.status !== 'draft') throw new KamError('already_approved', { what: 'commission plan' });
      await m.query(
        `UPDATE commission_plans SET status = 'approved', approved_by = $3, approved_at = now(), version = version + 1
          WHERE id = $1 AND workspace_id = $2`,
        [id, actor.workspaceId, actor.memberId],
      );
      const after = toPlanView(await this.loadPlan(m, actor.workspaceId, id));
      await audit(m, actor, {
        entity: 'commission_plan',
        entityId: id,
        action: 'approve',
        before: toPlanView(before),
        after,
      });
      return after;
    });
  }

  // ------------------------------------------------------------------------------------------ statements

  /**
   * Computes every member's draft for the month from their sales and the plan in effect for their position.
   * Drafts are replaced; approved statements are never touched. Members without a plan get no statement.
   */
  async draft(actor: Actor, month: string): Promise<DraftStatementsView> {
    await this.access.require(actor, 'create', 'CommissionStatement');
    const plans: PlanRow[] = await this.ds.query(
      `SELECT ${PLAN_COLUMNS} FROM commission_plans p
        WHERE p.workspace_id = $1 AND p.status = 'approved' AND p.effective_from <= $2`,
      [actor.workspaceId, month],
    );
    const candidates = plans.map((p) => ({
      ...p,
      effectiveFrom: p.effective_from,
      approvedAt: p.approved_at?.toISOString() ?? null,
    }));
    const roster = await this.org.roster(actor.workspaceId, actor.requestId);
    const covered = roster
      .map((member) => ({ member, plan: planFor(candidates, positionOf(member.roles), month) }))
      .filter((x) => x.plan !== null);
    const sales = await this.org.salesOfMembers(
      actor.workspaceId,
      month,
      covered.map((c) => c.member.memberId),
      actor.requestId,
    );
    const drafts = covered.map(({ member, plan }) => {
      const salesMinor = sales.get(member.memberId) ?? 0n;
      const result = computeCommission(salesMinor, tiersOf(plan!), plan!.mode);
      return {
        id: randomUUID(),
        member_id: member.memberId,
        team_id: member.teamId,
        plan_id: plan!.id,
        sales_minor: salesMinor.toString(),
        commission_minor: result.totalMinor.toString(),
        lines: result.lines.map((l): CommissionLineView => ({
          fromMinor: l.fromMinor.toString(),
          toMinor: l.toMinor === null ? null : l.toMinor.toString(),
          baseMinor: l.baseMinor.toString(),
          ratePct: formatScaled(l.ratePctHundredths, 2),
          amountMinor: l.amountMinor.toString(),
          formula: l.formula,
        })),
      };
    });
    const written = await this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `commission_statements|${actor.workspaceId}|${month}`,
      ]);
      const rows: { id: string; member_id: string; commission_minor: string; sales_minor: string }[] =
        await m.query(
          `INSERT INTO commission_statements AS s (id, workspace_id, month, member_id, team_id, plan_id, sales_minor,
           commission_minor, lines)
         SELECT d.id, $1, $2, d.member_id, d.team_id, d.plan_id, d.sales_minor, d.commission_minor, d.lines
           FROM jsonb_to_recordset($3::jsonb)
             AS d(id uuid, member_id uuid, team_id uuid, plan_id uuid, sales_minor bigint, commission_minor bigint,
                  lines jsonb)
         ON CONFLICT (workspace_id, month, member_id) DO UPDATE
           SET team_id = EXCLUDED.team_id, plan_id = EXCLUDED.plan_id, sales_minor = EXCLUDED.sales_minor,
               commission_minor = EXCLUDED.commission_minor, lines = EXCLUDED.lines, version = s.version + 1,
               created_at = now()
           WHERE s.status = 'draft'
         RETURNING s.id, s.member_id, s.sales_minor::text, s.commission_minor::text`,
          [actor.workspaceId, month, JSON.stringify(drafts)],
        );
      // Drafts of members no longer covered (left, or no plan any more) go; approved ones stay.
      // DELETE … RETURNING answers [rows, count] through TypeORM.
      const [removed]: [{ id: string; member_id: string }[], number] = await m.query(
        `DELETE FROM commission_statements
          WHERE workspace_id = $1 AND month = $2 AND status = 'draft' AND NOT (member_id = ANY($3::uuid[]))
          RETURNING id, member_id`,
        [actor.workspaceId, month, drafts.map((d) => d.member_id)],
      );
      await audit(m, actor, [
        ...rows.map((r) => ({
          entity: 'commission_statement',
          entityId: r.id,
          action: 'draft',
          after: {
            month,
            memberId: r.member_id,
            salesMinor: r.sales_minor,
            commissionMinor: r.commission_minor,
          },
        })),
        ...removed.map((r) => ({
          entity: 'commission_statement',
          entityId: r.id,
          action: 'delete',
          reason: 'redraft: no plan applies to the member any more',
          before: { month, memberId: r.member_id },
        })),
      ]);
      return rows;
    });
    const access = (await this.access.where(actor, 'read', 'CommissionStatement', 2)) ?? {
      sql: 'FALSE',
      values: [],
    };
    const items = await this.statements(this.ds.manager, actor.workspaceId, month, access);
    return {
      month,
      drafted: written.length,
      keptApproved: drafts.length - written.length,
      withoutPlan: roster.length - covered.length,
      items: items.map(toStatementView),
    };
  }

  async listStatements(actor: Actor, query: ListStatementsQuery): Promise<CommissionStatementView[]> {
    await this.access.require(actor, 'read', 'CommissionStatement');
    const access = await this.access.where(actor, 'read', 'CommissionStatement', 2);
    if (!access) return [];
    const rows = await this.statements(this.ds.manager, actor.workspaceId, query.month, access, query);
    return rows.map(toStatementView);
  }

  /** The director approves a member's statement; approving twice is a 409. */
  async approveStatement(
    actor: Actor,
    id: string,
    expectedVersion?: number,
  ): Promise<CommissionStatementView> {
    await this.access.require(actor, 'approve', 'CommissionStatement');
    return this.ds.transaction(async (m) => {
      const access = (await this.access.where(actor, 'read', 'CommissionStatement', 2)) ?? {
        sql: 'FALSE',
        values: [],
      };
      const rows: StatementRow[] = await m.query(
        `SELECT ${STATEMENT_COLUMNS} FROM commission_statements s LEFT JOIN commission_plans p ON p.id = s.plan_id
          WHERE s.id = $1 AND s.workspace_id = $2 AND (${access.sql}) FOR UPDATE OF s`,
        [id, actor.workspaceId, ...access.values],
      );
      const before = rows[0];
      if (!before) throw new KamError('commission_statement_not_found', { id });
      if (expectedVersion !== undefined && before.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: before.version });
      if (before.status === 'approved')
        throw new KamError('already_approved', { what: 'commission statement' });
      if (
        !(await this.access.canOn(actor, 'approve', 'CommissionStatement', {
          memberId: before.member_id,
          teamId: before.team_id,
          published: false,
        }))
      )
        throw new KamError('forbidden');
      await m.query(
        `UPDATE commission_statements SET status = 'approved', approved_by = $3, approved_at = now(),
                version = version + 1
          WHERE id = $1 AND workspace_id = $2`,
        [id, actor.workspaceId, actor.memberId],
      );
      const after = (
        await this.statements(m, actor.workspaceId, before.month, { sql: 's.id = $3', values: [id] })
      ).map(toStatementView)[0];
      await audit(m, actor, {
        entity: 'commission_statement',
        entityId: id,
        action: 'approve',
        before: { status: before.status, version: before.version },
        after: { status: after.status, version: after.version, commissionMinor: after.commissionMinor },
      });
      return after;
    });
  }

  /** Statements of a month under an access condition numbered from $3. */
  private statements(
    m: EntityManager,
    workspaceId: string,
    month: string,
    access: { sql: string; values: unknown[] },
    filter: Partial<ListStatementsQuery> = {},
  ): Promise<StatementRow[]> {
    const values: unknown[] = [workspaceId, month, ...access.values];
    const where = ['s.workspace_id = $1', 's.month = $2', `(${access.sql})`];
    if (filter.status) {
      values.push(filter.status);
      where.push(`s.status = $${values.length}`);
    }
    if (filter.memberId) {
      values.push(filter.memberId);
      where.push(`s.member_id = $${values.length}`);
    }
    values.push(filter.limit ?? 10000);
    return m.query(
      `SELECT ${STATEMENT_COLUMNS} FROM commission_statements s LEFT JOIN commission_plans p ON p.id = s.plan_id
        WHERE ${where.join(' AND ')} ORDER BY s.member_id LIMIT $${values.length}`,
      values,
    );
  }

  private async loadPlan(m: EntityManager, workspaceId: string, id: string, lock = false): Promise<PlanRow> {
    const rows: PlanRow[] = await m.query(
      `SELECT ${PLAN_COLUMNS} FROM commission_plans p WHERE p.id = $1 AND p.workspace_id = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('commission_plan_not_found', { id });
    return rows[0];
  }
}
