import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CreateOrderDto,
  EVENTS,
  KamError,
  ListOrdersQuery,
  OrderCreated,
  OrderRecordedEvent,
  OrderSum,
  OrderSumsRequest,
  OrderView,
  Page,
  validationError,
} from '@app/contracts';
import { KamAbility } from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { applyOnce, decodeCursor, encodeCursor } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { toSubject } from '../accounts/account.mapper';
import { addTimeline } from '../archive/timeline';
import { monthRange } from '../domain/discount';
import {
  ACCOUNT_RELATION_COLUMNS,
  CommercialAccess,
  financialHidden,
  relationSubject,
} from './commercial-access';
import { ORDER_COLUMNS, OrderRow, toOrderView } from './commercial.sql';

/** The orders cursor: the last row's orderedOn and id. */
function orderCursor(cursor: string): { on: string; id: string } {
  const c = decodeCursor(cursor, 'date');
  return { on: c.value, id: c.id };
}

/**
 * Orders (sales records): entered by hand or created from the CRM's won opportunities, credited to a member.
 * performance-evaluation asks for their sums by member or team and month (`kam.accounts.order.sums`).
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly access: CommercialAccess,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Records an order. A CRM opportunity already recorded in the workspace answers the existing order
   * (`created: false`): the CRM may send a won opportunity again.
   */
  async create(
    actor: Actor,
    accountId: string,
    dto: CreateOrderDto,
    idempotencyKey?: string,
  ): Promise<OrderCreated> {
    const { ability } = await this.actors.resolve(actor);
    const { id, created } = await applyOnce(
      this.ds.manager,
      {
        actor,
        scope: 'order.create',
        key: idempotencyKey,
        body: { accountId, ...dto },
      },
      async (m) => {
        const account = await this.access.account(
          m,
          ability,
          actor.workspaceId,
          accountId,
          'Order',
          'create',
        );
        // An amount the caller cannot read, they cannot record either.
        if (financialHidden(ability, toSubject(account)))
          throw new KamError('forbidden', { field: 'amount' });
        const source = dto.source ?? (dto.crmOpportunityId ? 'crm_opportunity' : 'manual');
        if (source === 'crm_opportunity' && !dto.crmOpportunityId)
          throw validationError([
            { field: 'crmOpportunityId', message: 'an order from the CRM names its opportunity' },
          ]);
        if (dto.crmOpportunityId) {
          const existing = await this.byOpportunity(m, actor.workspaceId, dto.crmOpportunityId);
          if (existing) return this.replayed(existing, accountId);
        }
        // A job or the CRM sync credits the account's owner; a person (or their key) credits themselves.
        const memberId = dto.memberId ?? (actor.kind === 'system' ? account.owner_id : actor.memberId);
        if (!(await this.access.activeMember(m, actor, memberId)))
          throw validationError([
            { field: 'memberId', message: 'memberId must be an active member of this workspace' },
          ]);
        const orderId = randomUUID();
        const rows: { id: string; ordered_on: string }[] = await m.query(
          `INSERT INTO orders (id, workspace_id, account_id, member_id, amount_minor, currency, ordered_on, source,
             crm_opportunity_id, description, created_by)
           VALUES ($1, $2, $3, $4, $5, $6,
             CASE WHEN char_length($7::text) = 10 THEN $7::text::date
                  ELSE ($7::text::timestamptz AT TIME ZONE (SELECT time_zone FROM workspaces WHERE id = $2))::date END,
             $8, $9, $10, $11)
           ON CONFLICT (workspace_id, crm_opportunity_id) WHERE crm_opportunity_id IS NOT NULL DO NOTHING
           RETURNING id, to_char(ordered_on, 'YYYY-MM-DD') AS ordered_on`,
          [
            orderId,
            actor.workspaceId,
            accountId,
            memberId,
            dto.amount.amountMinor,
            dto.amount.currency,
            dto.orderedOn,
            source,
            dto.crmOpportunityId ?? null,
            dto.description ?? null,
            actor.memberId,
          ],
        );
        if (!rows[0]) {
          // A concurrent request recorded the same opportunity first.
          const existing = await this.byOpportunity(m, actor.workspaceId, dto.crmOpportunityId!);
          if (!existing) throw new KamError('conflict', { reason: 'the opportunity is being recorded' });
          return this.replayed(existing, accountId);
        }
        const orderedOn = rows[0].ordered_on;
        await addTimeline(m, {
          workspaceId: actor.workspaceId,
          accountId,
          actorId: actor.memberId,
          kind: 'order_recorded',
          // Not the amount: the timeline is read by roles that may not see financial fields.
          details: { orderId, memberId, orderedOn, source },
        });
        await addToOutbox<OrderRecordedEvent>(m, {
          subject: EVENTS.orderRecorded,
          workspaceId: actor.workspaceId,
          requestId: actor.requestId,
          payload: {
            workspaceId: actor.workspaceId,
            accountId,
            orderId,
            memberId,
            amountMinor: dto.amount.amountMinor,
            currency: dto.amount.currency,
            orderedOn,
            source,
          },
        });
        return { id: orderId, created: true };
      },
    );
    if (created) this.relay.kick();
    return { created, order: await this.view(ability, actor.workspaceId, id) };
  }

  private async byOpportunity(
    m: EntityManager,
    workspaceId: string,
    crmOpportunityId: string,
  ): Promise<{ id: string; account_id: string } | undefined> {
    const rows: { id: string; account_id: string }[] = await m.query(
      `SELECT id, account_id FROM orders WHERE workspace_id = $1 AND crm_opportunity_id = $2`,
      [workspaceId, crmOpportunityId],
    );
    return rows[0];
  }

  private replayed(existing: { id: string; account_id: string }, accountId: string) {
    if (existing.account_id !== accountId)
      throw new KamError('conflict', {
        reason: 'this CRM opportunity is already an order of another account',
      });
    return { id: existing.id, created: false };
  }

  /** The account's orders, newest first. */
  async listOfAccount(
    actor: Actor,
    accountId: string,
    query: ListOrdersQuery = {},
  ): Promise<Page<OrderView>> {
    const { ability } = await this.actors.resolve(actor);
    await this.access.account(this.ds.manager, ability, actor.workspaceId, accountId, 'Order', 'read');
    return this.page(ability, actor.workspaceId, { ...query, accountId });
  }

  /** Every order the caller may read, newest first; `memberId`, `from`, `to` narrow it. */
  async list(actor: Actor, query: ListOrdersQuery): Promise<Page<OrderView>> {
    const { ability } = await this.actors.resolve(actor);
    return this.page(ability, actor.workspaceId, query);
  }

  private async page(
    ability: KamAbility,
    workspaceId: string,
    query: ListOrdersQuery & { accountId?: string },
  ): Promise<Page<OrderView>> {
    if (query.from && query.to && query.from > query.to)
      throw validationError([{ field: 'to', message: 'to must not be before from' }]);
    const values: unknown[] = [workspaceId];
    const access = this.access.where(ability, 'read', 'Order', values.length);
    values.push(...access.values);
    const where = ['o.workspace_id = $1', `(${access.sql})`];
    const add = (sql: (p: string) => string, v: unknown) => {
      values.push(v);
      where.push(sql(`$${values.length}`));
    };
    if (query.accountId) add((p) => `o.account_id = ${p}`, query.accountId);
    if (query.memberId) add((p) => `o.member_id = ${p}`, query.memberId);
    if (query.from) add((p) => `o.ordered_on >= ${p}::date`, query.from);
    if (query.to) add((p) => `o.ordered_on <= ${p}::date`, query.to);
    if (query.cursor) {
      const c = orderCursor(query.cursor);
      values.push(c.on, c.id);
      where.push(`(o.ordered_on, o.id) < ($${values.length - 1}::date, $${values.length}::uuid)`);
    }
    const limit = query.limit ?? 50;
    values.push(limit + 1);
    const rows: OrderRow[] = await this.ds.query(
      `SELECT ${ORDER_COLUMNS}, ${ACCOUNT_RELATION_COLUMNS} FROM orders o JOIN accounts a ON a.id = o.account_id
       WHERE ${where.join(' AND ')} ORDER BY o.ordered_on DESC, o.id DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toOrderView(r, financialHidden(ability, relationSubject(r)))),
      nextCursor: rows.length > limit && last ? encodeCursor(last.ordered_on, last.id) : null,
    };
  }

  /**
   * Sums by member or team (the credited member's current team) and currency, for a month of the workspace's
   * calendar or a date range: one set-based GROUP BY. `ordered_on` is already the workspace's local date.
   * Only for system callers and roles that may read the amounts of every order (director, deputy, executive).
   */
  async sums(actor: Actor, req: OrderSumsRequest): Promise<OrderSum[]> {
    if (actor.kind !== 'system') {
      const { ability } = await this.actors.resolve(actor);
      const all = this.access.where(ability, 'read', 'Order', 0);
      if (all.sql !== 'TRUE' || financialHidden(ability, { ownerId: '' })) throw new KamError('forbidden');
    }
    let from: string;
    let to: string;
    if (req.month) {
      if (req.from || req.to)
        throw validationError([{ field: 'month', message: 'give either month or from and to, not both' }]);
      ({ from, to } = monthRange(req.month));
    } else if (req.from && req.to) {
      if (req.from > req.to) throw validationError([{ field: 'to', message: 'to must not be before from' }]);
      ({ from, to } = { from: req.from, to: req.to });
    } else {
      throw validationError([{ field: 'month', message: 'give a month (YYYY-MM) or from and to' }]);
    }
    const key = req.groupBy === 'member' ? 'o.member_id' : 'm.team_id';
    const rows: { key: string | null; currency: string; amount: string; orders: number }[] =
      await this.ds.query(
        `SELECT ${key} AS key, o.currency, sum(o.amount_minor)::text AS amount, count(*)::int AS orders
       FROM orders o ${req.groupBy === 'team' ? 'JOIN members m ON m.id = o.member_id' : ''}
       WHERE o.workspace_id = $1 AND o.ordered_on BETWEEN $2::date AND $3::date
       GROUP BY ${key}, o.currency ORDER BY 1, 2`,
        [actor.workspaceId, from, to],
      );
    return rows.map((r) => ({
      ...(req.groupBy === 'member' ? { memberId: r.key! } : { teamId: r.key }),
      currency: r.currency,
      amountMinor: Number(r.amount),
      orders: r.orders,
    }));
  }

  /** One order as the caller may see it (also for a replay: the caller's own access decides). */
  private async view(ability: KamAbility, workspaceId: string, id: string): Promise<OrderView> {
    const access = this.access.where(ability, 'read', 'Order', 2);
    const rows: OrderRow[] = await this.ds.query(
      `SELECT ${ORDER_COLUMNS}, ${ACCOUNT_RELATION_COLUMNS} FROM orders o JOIN accounts a ON a.id = o.account_id
       WHERE o.id = $1 AND o.workspace_id = $2 AND (${access.sql})`,
      [id, workspaceId, ...access.values],
    );
    if (!rows[0]) throw new KamError('not_found', { what: 'order' });
    return toOrderView(rows[0], financialHidden(ability, relationSubject(rows[0])));
  }
}
