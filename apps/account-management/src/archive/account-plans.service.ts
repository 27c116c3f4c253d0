import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccountPlanView,
  Actor,
  CreatePlanDto,
  KamError,
  Page,
  PlanObjective,
  UpdatePlanDto,
} from '@app/contracts';
import { KamAbility, redact } from '@app/authz';
import { OutboxRelay } from '@app/messaging';
import { applyOnce } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { toSubject } from '../accounts/account.mapper';
import { AccountRow } from '../accounts/account.sql';
import { ArchiveAccess } from './archive-access';
import { PLAN_COLUMNS, PlanRow } from './archive.sql';
import { toPlanView } from './archive.mapper';

/** The budget is a financial field: hidden from whoever may not read the account's annual purchase. */
function budgetHidden(ability: KamAbility, account: AccountRow): boolean {
  return redact(ability, 'Account', { annualPurchase: null }, toSubject(account)).redacted.includes(
    'annualPurchase',
  );
}

function objectivesOf(o: PlanObjective[]): PlanObjective[] {
  return o.map((x) => ({ objective: x.objective, measures: [...x.measures] }));
}

function sameObjectives(a: PlanObjective[], b: PlanObjective[]): boolean {
  return JSON.stringify(objectivesOf(a)) === JSON.stringify(objectivesOf(b));
}

/** Account plans: per account and period, objectives with measures, strategies, resources, budget, status. */
@Injectable()
export class AccountPlansService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly access: ArchiveAccess,
    private readonly relay: OutboxRelay,
  ) {}

  /** The account's plans, latest period first. */
  async list(actor: Actor, accountId: string): Promise<Page<AccountPlanView>> {
    const { ability } = await this.actors.resolve(actor);
    const account = await this.access.account(
      this.ds.manager,
      ability,
      actor.workspaceId,
      accountId,
      'AccountPlan',
      'read',
    );
    const access = this.access.where(ability, 'read', 'AccountPlan', 2);
    const rows: PlanRow[] = await this.ds.query(
      `SELECT ${PLAN_COLUMNS} FROM account_plans p JOIN accounts a ON a.id = p.account_id
       WHERE p.workspace_id = $1 AND p.account_id = $2 AND (${access.sql})
       ORDER BY p.period DESC, p.created_at DESC`,
      [actor.workspaceId, accountId, ...access.values],
    );
    const hidden = budgetHidden(ability, account);
    return { items: rows.map((r) => toPlanView(r, hidden)), nextCursor: null };
  }

  /** One plan per account and period: a second one for the same period is 409. */
  async create(
    actor: Actor,
    accountId: string,
    dto: CreatePlanDto,
    idempotencyKey?: string,
  ): Promise<AccountPlanView> {
    const { ability } = await this.actors.resolve(actor);
    const { id } = await applyOnce(
      this.ds.manager,
      {
        actor,
        scope: 'plan.create',
        key: idempotencyKey,
        body: { accountId, ...dto },
      },
      async (m) => {
        const account = await this.access.account(
          m,
          ability,
          actor.workspaceId,
          accountId,
          'AccountPlan',
          'create',
          { lock: true },
        );
        // A budget the caller cannot read, they cannot set either.
        if (dto.budget !== undefined && budgetHidden(ability, account))
          throw new KamError('forbidden', { field: 'budget' });
        await this.periodFree(m, accountId, dto.period);
        const planId = randomUUID();
        const status = dto.status ?? 'draft';
        await m.query(
          `INSERT INTO account_plans (id, workspace_id, account_id, period, objectives, strategies, resources,
             budget_minor, currency, status, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            planId,
            actor.workspaceId,
            accountId,
            dto.period,
            JSON.stringify(objectivesOf(dto.objectives)),
            dto.strategies ?? null,
            dto.resources ?? null,
            dto.budget?.amountMinor ?? null,
            dto.budget?.currency ?? null,
            status,
            actor.memberId,
          ],
        );
        await this.access.changed(m, actor, {
          accountId,
          kind: 'plan_created',
          id: planId,
          // Not the budget: the timeline is read by roles that may not see financial fields.
          details: { planId, period: dto.period, status, objectives: dto.objectives.length },
        });
        return { id: planId };
      },
    );
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  async update(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: UpdatePlanDto,
  ): Promise<AccountPlanView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const accountId = await this.access.parentOf(
        m,
        ability,
        actor.workspaceId,
        'account_plans',
        id,
        'AccountPlan',
      );
      if (!accountId) throw new KamError('account_plan_not_found', { id });
      const account = await this.access.account(
        m,
        ability,
        actor.workspaceId,
        accountId,
        'AccountPlan',
        'update',
        { lock: true },
      );
      const rows: PlanRow[] = await m.query(
        `SELECT ${PLAN_COLUMNS} FROM account_plans p WHERE p.id = $1 AND p.account_id = $2 FOR UPDATE`,
        [id, accountId],
      );
      const current = rows[0];
      if (!current) throw new KamError('account_plan_not_found', { id });
      if (current.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: current.version });
      if (dto.budget !== undefined && budgetHidden(ability, account))
        throw new KamError('forbidden', { field: 'budget' });

      const params: unknown[] = [id];
      const sets: string[] = [];
      const changed: string[] = [];
      const set = (field: string, cols: [string, unknown][]) => {
        for (const [col, value] of cols) {
          params.push(value);
          sets.push(`${col} = $${params.length}`);
        }
        changed.push(field);
      };
      if (dto.period !== undefined && dto.period !== current.period) {
        await this.periodFree(m, accountId, dto.period);
        set('period', [['period', dto.period]]);
      }
      if (dto.objectives !== undefined && !sameObjectives(dto.objectives, current.objectives))
        set('objectives', [['objectives', JSON.stringify(objectivesOf(dto.objectives))]]);
      if (dto.strategies !== undefined && dto.strategies !== current.strategies)
        set('strategies', [['strategies', dto.strategies]]);
      if (dto.resources !== undefined && dto.resources !== current.resources)
        set('resources', [['resources', dto.resources]]);
      if (dto.budget !== undefined) {
        const before = current.budget_minor === null ? null : `${current.budget_minor} ${current.currency}`;
        const after = dto.budget === null ? null : `${dto.budget.amountMinor} ${dto.budget.currency}`;
        if (before !== after)
          set('budget', [
            ['budget_minor', dto.budget?.amountMinor ?? null],
            ['currency', dto.budget?.currency ?? null],
          ]);
      }
      if (dto.status !== undefined && dto.status !== current.status) set('status', [['status', dto.status]]);
      if (!changed.length) return;
      await m.query(
        `UPDATE account_plans SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`,
        params,
      );
      await this.access.changed(m, actor, {
        accountId,
        kind: 'plan_updated',
        id,
        details: {
          planId: id,
          period: dto.period ?? current.period,
          changed,
          ...(changed.includes('status') ? { status: { from: current.status, to: dto.status } } : {}),
        },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  private async periodFree(m: EntityManager, accountId: string, period: string): Promise<void> {
    const taken: unknown[] = await m.query(
      `SELECT 1 FROM account_plans WHERE account_id = $1 AND period = $2`,
      [accountId, period],
    );
    if (taken.length) throw new KamError('account_plan_exists', { period });
  }

  /** One plan as the caller may see it (also for a replayed create: the caller's own access decides). */
  private async view(ability: KamAbility, workspaceId: string, id: string): Promise<AccountPlanView> {
    const rows: PlanRow[] = await this.ds.query(
      `SELECT ${PLAN_COLUMNS} FROM account_plans p WHERE p.id = $1 AND p.workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('account_plan_not_found', { id });
    const account = await this.access.account(
      this.ds.manager,
      ability,
      workspaceId,
      rows[0].account_id,
      'AccountPlan',
      'read',
    );
    return toPlanView(rows[0], budgetHidden(ability, account));
  }
}
