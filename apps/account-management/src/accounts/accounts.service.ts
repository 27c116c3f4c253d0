import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccountCreatedEvent,
  AccountUpdatedEvent,
  AccountView,
  Actor,
  CreateAccountDto,
  EVENTS,
  KamError,
  ListAccountsQuery,
  Page,
  UpdateAccountDto,
  validationError,
} from '@app/contracts';
import {
  accessibleWhere,
  accessibleWherePositional,
  AccountSubject,
  KamAbility,
  redact,
  subject,
} from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { applyOnce, decodeCursor, encodeCursor } from '@app/persistence';
import { ActorContextService, ResolvedActor } from '../organisation/actor-context.service';
import { isTierOf, TierLadder } from '../domain/tier-ladder';
import { ACCOUNT_COLUMNS, ACCOUNT_FIELD_SQL, AccountRow } from './account.sql';
import { toSubject, toView } from './account.mapper';

const SORTS = {
  name: { column: 'a.name', dir: 'ASC', cursorOf: (r: AccountRow) => r.name },
  '-name': { column: 'a.name', dir: 'DESC', cursorOf: (r: AccountRow) => r.name },
  updatedAt: { column: 'a.updated_at', dir: 'ASC', cursorOf: (r: AccountRow) => r.updated_at.toISOString() },
  '-updatedAt': {
    column: 'a.updated_at',
    dir: 'DESC',
    cursorOf: (r: AccountRow) => r.updated_at.toISOString(),
  },
} as const;

/** Key accounts: create, get, list, update — every read and write through the actor's ability in SQL. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly relay: OutboxRelay,
  ) {}

  private present(ability: KamAbility, row: AccountRow): AccountView {
    return redact(ability, 'Account', toView(row), toSubject(row));
  }

  async get(actor: Actor, id: string): Promise<AccountView> {
    const { ability } = await this.actors.resolve(actor);
    const access = accessibleWherePositional(ability, 'read', 'Account', ACCOUNT_FIELD_SQL, 2);
    // No right to read any account: 403. Not this one, or another workspace's: "not found", so the ids of
    // records the caller may not see are not disclosed.
    if (!access) throw new KamError('forbidden');
    const rows: AccountRow[] = await this.ds.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1 AND a.workspace_id = $2 AND (${access.sql})`,
      [id, actor.workspaceId, ...access.values],
    );
    const row = rows[0];
    if (!row) throw new KamError('account_not_found', { id });
    return this.present(ability, row);
  }

  async list(actor: Actor, query: ListAccountsQuery): Promise<Page<AccountView>> {
    const { ability } = await this.actors.resolve(actor);
    const access = accessibleWhere(ability, 'read', 'Account', ACCOUNT_FIELD_SQL);
    if (!access) throw new KamError('forbidden');
    const sort = SORTS[query.sort ?? 'name'];
    const limit = query.limit ?? 50;
    const qb = this.ds
      .createQueryBuilder()
      .select(ACCOUNT_COLUMNS)
      .from('accounts', 'a')
      .where('a.workspace_id = :ws', { ws: actor.workspaceId })
      .andWhere(access.sql, access.params);
    if (query.tier) qb.andWhere('a.tier = :tier', { tier: query.tier });
    if (query.ownerId) qb.andWhere('a.owner_id = :owner', { owner: query.ownerId });
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      const op = sort.dir === 'ASC' ? '>' : '<';
      qb.andWhere(`(${sort.column}, a.id) ${op} (:cv, :cid)`, { cv: c.value, cid: c.id });
    }
    const rows = await qb
      .orderBy(sort.column, sort.dir)
      .addOrderBy('a.id', sort.dir)
      .limit(limit + 1)
      .getRawMany<AccountRow>();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.present(ability, r)),
      nextCursor: rows.length > limit && last ? encodeCursor(sort.cursorOf(last), last.id) : null,
    };
  }

  async create(actor: Actor, dto: CreateAccountDto, idempotencyKey?: string): Promise<AccountView> {
    const resolved = await this.actors.resolve(actor);
    const result = await applyOnce(
      this.ds.manager,
      { workspaceId: actor.workspaceId, scope: 'account.create', key: idempotencyKey, body: dto },
      async (m) => {
        const ladder = await this.ladder(m, actor.workspaceId);
        const ownerId = dto.ownerId ?? actor.memberId;
        const status = dto.status ?? 'prospect';
        const errors = [];
        if (!isTierOf(ladder, dto.tier))
          errors.push({
            field: 'tier',
            message: `tier must be one of ${ladder.map((t) => t.key).join(', ')}`,
          });
        const ownerTeamId = await this.memberTeam(m, actor.workspaceId, ownerId);
        if (ownerTeamId === undefined)
          errors.push({ field: 'ownerId', message: 'ownerId is not an active member of this workspace' });
        await this.checkRefs(m, actor.workspaceId, dto, errors);
        if (errors.length) throw validationError(errors);
        this.authorize(resolved, 'create', {
          ownerId,
          ownerTeamId,
          serviceTeamId: dto.serviceTeamId ?? null,
          assistantIds: dto.assistantIds ?? [],
          status,
        });
        const id = randomUUID();
        try {
          await m.query(
            `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, industry, region,
               owner_id, service_team_id, assistant_ids, annual_purchase_minor, currency, profit_contribution_pct)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
            [
              id,
              actor.workspaceId,
              dto.crmCompanyId,
              dto.name,
              dto.tier,
              dto.category,
              status,
              dto.industry ?? null,
              dto.region ?? null,
              ownerId,
              dto.serviceTeamId ?? null,
              dto.assistantIds ?? [],
              dto.annualPurchase?.amountMinor ?? null,
              dto.annualPurchase?.currency ?? null,
              dto.profitContributionPct ?? null,
            ],
          );
        } catch (e) {
          if ((e as { code?: string }).code === '23505')
            throw new KamError('crm_company_already_linked', { crmCompanyId: dto.crmCompanyId });
          throw e;
        }
        const row = await this.loadRow(m, actor.workspaceId, id);
        await addToOutbox<AccountCreatedEvent>(m, {
          subject: EVENTS.accountCreated,
          workspaceId: actor.workspaceId,
          requestId: actor.requestId,
          payload: {
            accountId: id,
            workspaceId: actor.workspaceId,
            ownerId,
            tier: dto.tier,
            name: dto.name,
            createdAt: row.created_at.toISOString(),
          },
        });
        return toView(row);
      },
    );
    this.relay.kick();
    // Redaction is applied per caller, also on a replayed response, against the row as it is now.
    const current = await this.loadRow(this.ds.manager, actor.workspaceId, result.id);
    return redact(resolved.ability, 'Account', result, toSubject(current));
  }

  async update(
    actor: Actor,
    id: string,
    expectedVersion: number,
    changes: UpdateAccountDto,
  ): Promise<AccountView> {
    const resolved = await this.actors.resolve(actor);
    const { ability } = resolved;
    const updated = await this.ds.transaction(async (m) => {
      const current = await this.loadRow(m, actor.workspaceId, id, true, ability);
      this.authorize(resolved, 'update', toSubject(current));
      if (current.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: current.version });
      const errors: { field: string; message: string }[] = [];
      if (changes.tier !== undefined) {
        const ladder = await this.ladder(m, actor.workspaceId);
        if (!isTierOf(ladder, changes.tier))
          errors.push({
            field: 'tier',
            message: `tier must be one of ${ladder.map((t) => t.key).join(', ')}`,
          });
      }
      let ownerTeamId = current.owner_team_id;
      if (changes.ownerId !== undefined && changes.ownerId !== current.owner_id) {
        const team = await this.memberTeam(m, actor.workspaceId, changes.ownerId);
        if (team === undefined)
          errors.push({ field: 'ownerId', message: 'ownerId is not an active member of this workspace' });
        else ownerTeamId = team;
      }
      await this.checkRefs(m, actor.workspaceId, changes, errors);
      if (errors.length) throw validationError(errors);
      // The record after the change must still be one the caller may update (no handing accounts away
      // outside one's authority).
      this.authorize(resolved, 'update', {
        ownerId: changes.ownerId ?? current.owner_id,
        ownerTeamId,
        serviceTeamId: changes.serviceTeamId ?? current.service_team_id,
        assistantIds: changes.assistantIds ?? current.assistant_ids,
        status: changes.status ?? current.status,
      });
      // Financial fields the caller cannot read, they cannot write either.
      const writable = redact(
        ability,
        'Account',
        { annualPurchase: 1, profitContributionPct: 1 },
        toSubject(current),
      );
      for (const f of writable.redacted) {
        if ((changes as Record<string, unknown>)[f] !== undefined)
          throw new KamError('forbidden', { field: f });
      }
      const sets: string[] = [];
      const params: unknown[] = [id, actor.workspaceId];
      const set = (col: string, value: unknown) => {
        params.push(value);
        sets.push(`${col} = $${params.length}`);
      };
      const changed: string[] = [];
      const map: [keyof UpdateAccountDto, string][] = [
        ['name', 'name'],
        ['tier', 'tier'],
        ['category', 'category'],
        ['status', 'status'],
        ['industry', 'industry'],
        ['region', 'region'],
        ['ownerId', 'owner_id'],
        ['serviceTeamId', 'service_team_id'],
        ['assistantIds', 'assistant_ids'],
        ['profitContributionPct', 'profit_contribution_pct'],
      ];
      for (const [field, col] of map) {
        if (changes[field] !== undefined) {
          set(col, changes[field]);
          changed.push(field);
        }
      }
      if (changes.annualPurchase !== undefined) {
        set('annual_purchase_minor', changes.annualPurchase.amountMinor);
        set('currency', changes.annualPurchase.currency);
        changed.push('annualPurchase');
      }
      if (changed.length === 0) return current;
      await m.query(
        `UPDATE accounts SET ${sets.join(', ')}, version = version + 1, updated_at = now()
         WHERE id = $1 AND workspace_id = $2`,
        params,
      );
      const row = await this.loadRow(m, actor.workspaceId, id);
      await addToOutbox<AccountUpdatedEvent>(m, {
        subject: EVENTS.accountUpdated,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: { accountId: id, workspaceId: actor.workspaceId, version: row.version, changed },
      });
      return row;
    });
    this.relay.kick();
    return this.present(ability, updated);
  }

  private authorize(resolved: ResolvedActor, action: 'create' | 'update', s: AccountSubject): void {
    if (!resolved.ability.can(action, subject('Account', { ...s }))) throw new KamError('forbidden');
  }

  /**
   * Loads one row of the workspace. With `forUpdate`, locks it; with an ability, a row the caller cannot even
   * read is reported as not found (another workspace's ids and hidden records look the same).
   */
  private async loadRow(
    m: EntityManager,
    workspaceId: string,
    id: string,
    forUpdate = false,
    readableBy?: KamAbility,
  ): Promise<AccountRow> {
    const qb = m
      .createQueryBuilder()
      .select(ACCOUNT_COLUMNS)
      .from('accounts', 'a')
      .where('a.id = :id AND a.workspace_id = :ws', { id, ws: workspaceId });
    if (readableBy) {
      const access = accessibleWhere(readableBy, 'read', 'Account', ACCOUNT_FIELD_SQL);
      if (!access) throw new KamError('forbidden');
      qb.andWhere(access.sql, access.params);
    }
    if (forUpdate) qb.setLock('pessimistic_write', undefined, ['a']);
    const row = await qb.getRawOne<AccountRow>();
    if (!row) throw new KamError('account_not_found', { id });
    return row;
  }

  private async ladder(m: EntityManager, workspaceId: string): Promise<TierLadder> {
    const rows: { tier_ladder: TierLadder }[] = await m.query(
      `SELECT tier_ladder FROM workspaces WHERE id = $1`,
      [workspaceId],
    );
    if (!rows[0]) throw new KamError('not_found', { what: 'workspace' });
    return rows[0].tier_ladder;
  }

  /** The member's team (null when in none), or undefined when not an active member of the workspace. */
  private async memberTeam(
    m: EntityManager,
    workspaceId: string,
    memberId: string,
  ): Promise<string | null | undefined> {
    const rows: { team_id: string | null }[] = await m.query(
      `SELECT team_id FROM members WHERE id = $1 AND workspace_id = $2 AND status = 'active'`,
      [memberId, workspaceId],
    );
    return rows.length ? rows[0].team_id : undefined;
  }

  private async checkRefs(
    m: EntityManager,
    workspaceId: string,
    dto: { serviceTeamId?: string; assistantIds?: string[] },
    errors: { field: string; message: string }[],
  ): Promise<void> {
    if (dto.serviceTeamId) {
      const t: unknown[] = await m.query(`SELECT 1 FROM teams WHERE id = $1 AND workspace_id = $2`, [
        dto.serviceTeamId,
        workspaceId,
      ]);
      if (!t.length)
        errors.push({ field: 'serviceTeamId', message: 'serviceTeamId is not a team of this workspace' });
    }
    if (dto.assistantIds?.length) {
      const found: { n: number }[] = await m.query(
        `SELECT count(*)::int AS n FROM members WHERE id = ANY($1) AND workspace_id = $2 AND status = 'active'`,
        [dto.assistantIds, workspaceId],
      );
      if (found[0].n !== new Set(dto.assistantIds).size)
        errors.push({
          field: 'assistantIds',
          message: 'every assistant must be an active member of this workspace',
        });
    }
  }
}
