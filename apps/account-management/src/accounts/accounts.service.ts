import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AccountCreatedEvent,
  AccountUpdatedEvent,
  AccountView,
  Actor,
  CreateAccountDto,
  EVENTS,
  FieldError,
  KamError,
  ListAccountsQuery,
  Page,
  UpdateAccountDto,
  validationError,
} from '@app/contracts';
import { accessibleWherePositional, KamAbility, redact } from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { applyOnce, decodeCursor, encodeCursor, readRows } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { isTierOf } from '../domain/tier-ladder';
import { addTimeline } from '../archive/timeline';
import { ACCOUNT_COLUMNS, ACCOUNT_FIELD_SQL, AccountRow } from './account.sql';
import { toSubject } from './account.mapper';
import { AccountRepository } from './account.repository';

export const SORTS = {
  name: { column: 'a.name', dir: 'ASC', cursor: 'text', cursorOf: (r: AccountRow) => r.name },
  '-name': { column: 'a.name', dir: 'DESC', cursor: 'text', cursorOf: (r: AccountRow) => r.name },
  updatedAt: {
    column: 'a.updated_at',
    dir: 'ASC',
    cursor: 'timestamp',
    cursorOf: (r: AccountRow) => r.updated_at.toISOString(),
  },
  '-updatedAt': {
    column: 'a.updated_at',
    dir: 'DESC',
    cursor: 'timestamp',
    cursorOf: (r: AccountRow) => r.updated_at.toISOString(),
  },
} as const;

/** A filtered, permission-scoped account query over `accounts a`, as raw SQL with positional parameters. */
export function accountFilter(
  ability: KamAbility,
  workspaceId: string,
  query: Omit<ListAccountsQuery, 'limit' | 'cursor' | 'sort'>,
  action: 'read' | 'export' = 'read',
): { where: string[]; values: unknown[] } {
  const values: unknown[] = [workspaceId];
  const where = ['a.workspace_id = $1'];
  const access = accessibleWherePositional(ability, action, 'Account', ACCOUNT_FIELD_SQL, values.length);
  if (!access) throw new KamError('forbidden');
  where.push(`(${access.sql})`);
  values.push(...access.values);
  const add = (sql: (p: string) => string, v: unknown) => {
    values.push(v);
    where.push(sql(`$${values.length}`));
  };
  if (query.tier) add((p) => `a.tier = ${p}`, query.tier);
  if (query.ownerId) add((p) => `a.owner_id = ${p}`, query.ownerId);
  if (query.crmCompanyId) add((p) => `a.crm_company_id = ${p}`, query.crmCompanyId);
  if (query.status) add((p) => `a.status = ${p}`, query.status);
  if (query.industry) add((p) => `a.industry = ${p}`, query.industry);
  if (query.region) add((p) => `a.region = ${p}`, query.region);
  if (query.category) add((p) => `a.category = ${p}`, query.category);
  if (query.serviceTeamId) add((p) => `a.service_team_id = ${p}`, query.serviceTeamId);
  if (query.teamId)
    add((p) => `a.owner_id IN (SELECT m.id FROM members m WHERE m.team_id = ${p})`, query.teamId);
  if (query.q) {
    // Substring search: the workspace's bigrams in the GIN index narrow the rows (computed by the same SQL
    // function as the column, so both sides lower-case alike), ILIKE confirms. A one-character query has no
    // bigram and is filtered by ILIKE alone. `%`, `_` and backslashes are literal.
    if ([...query.q].length >= 2) add((p) => `a.search_grams @> account_search_grams($1, ${p})`, query.q);
    add((p) => `a.name ILIKE ${p}`, `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  return { where, values };
}

/** Key accounts: create, get, list, update — every read and write through the actor's ability in SQL. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly repo: AccountRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async get(actor: Actor, id: string): Promise<AccountView> {
    const { ability } = await this.actors.resolve(actor);
    const access = accessibleWherePositional(ability, 'read', 'Account', ACCOUNT_FIELD_SQL, 2);
    // No right to read any account: 403. Not this one, or another workspace's: "not found", so the ids of
    // records the caller may not see are not disclosed.
    if (!access) throw new KamError('forbidden');
    const [rows, settings] = await Promise.all([
      readRows<AccountRow>(
        this.ds,
        `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1 AND a.workspace_id = $2 AND (${access.sql})`,
        [id, actor.workspaceId, ...access.values],
      ),
      this.settings.cached(actor.workspaceId),
    ]);
    const row = rows[0];
    if (!row) throw new KamError('account_not_found', { id });
    return this.repo.present(ability, row, settings);
  }

  async list(actor: Actor, query: ListAccountsQuery): Promise<Page<AccountView>> {
    const { ability } = await this.actors.resolve(actor);
    const { where, values } = accountFilter(ability, actor.workspaceId, query);
    const sort = SORTS[query.sort ?? 'name'];
    const limit = query.limit ?? 50;
    if (query.cursor) {
      const c = decodeCursor(query.cursor, sort.cursor);
      const op = sort.dir === 'ASC' ? '>' : '<';
      values.push(c.value, c.id);
      where.push(`(${sort.column}, a.id) ${op} ($${values.length - 1}, $${values.length})`);
    }
    values.push(limit + 1);
    const [rows, settings] = await Promise.all([
      this.ds.query(
        `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE ${where.join(' AND ')}
         ORDER BY ${sort.column} ${sort.dir}, a.id ${sort.dir} LIMIT $${values.length}`,
        values,
      ) as Promise<AccountRow[]>,
      this.settings.cached(actor.workspaceId),
    ]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.repo.present(ability, r, settings)),
      nextCursor: rows.length > limit && last ? encodeCursor(sort.cursorOf(last), last.id) : null,
    };
  }

  async create(actor: Actor, dto: CreateAccountDto, idempotencyKey?: string): Promise<AccountView> {
    const resolved = await this.actors.resolve(actor);
    const result = await applyOnce(
      this.ds.manager,
      { actor, scope: 'account.create', key: idempotencyKey, body: dto },
      async (m) => {
        const { settings } = await this.settings.load(m, actor.workspaceId);
        const ownerId = dto.ownerId ?? actor.memberId;
        const status = dto.status ?? 'prospect';
        const errors: FieldError[] = [];
        if (!isTierOf(settings.tierLadder, dto.tier))
          errors.push({
            field: 'tier',
            message: `tier must be one of ${settings.tierLadder.map((t) => t.key).join(', ')}`,
          });
        const ownerTeamId = await this.repo.memberTeam(m, actor.workspaceId, ownerId);
        if (ownerTeamId === undefined)
          errors.push({ field: 'ownerId', message: 'ownerId is not an active member of this workspace' });
        await this.repo.checkRefs(m, actor.workspaceId, dto, errors);
        if (errors.length) throw validationError(errors);
        const subjectOfNew = {
          ownerId,
          ownerTeamId,
          serviceTeamId: dto.serviceTeamId ?? null,
          assistantIds: dto.assistantIds ?? [],
          status,
        };
        this.repo.authorize(resolved, 'create', subjectOfNew);
        // Financial fields the creator could not read back, they cannot write either.
        const writable = redact(
          resolved.ability,
          'Account',
          { annualPurchase: 1, profitContributionPct: 1 },
          subjectOfNew,
        );
        for (const f of writable.redacted) {
          if ((dto as unknown as Record<string, unknown>)[f] !== undefined)
            throw new KamError('forbidden', { field: f });
        }
        const id = randomUUID();
        try {
          await m.query(
            `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, industry, region,
               owner_id, service_team_id, assistant_ids, annual_purchase_minor, currency, profit_contribution_pct,
               strategic_potential)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
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
              dto.strategicPotential ?? false,
            ],
          );
        } catch (e) {
          if ((e as { code?: string }).code === '23505')
            throw new KamError('crm_company_already_linked', { crmCompanyId: dto.crmCompanyId });
          throw e;
        }
        await m.query(
          `INSERT INTO tier_changes (id, workspace_id, account_id, from_tier, to_tier, reason, status, requested_by, decided_by, decided_at)
           VALUES ($1, $2, $3, NULL, $4, 'initial tier', 'applied', $5, $5, now())`,
          [randomUUID(), actor.workspaceId, id, dto.tier, actor.memberId],
        );
        await addTimeline(m, {
          workspaceId: actor.workspaceId,
          accountId: id,
          actorId: actor.memberId,
          kind: 'created',
          details: { tier: dto.tier, status, ownerId },
        });
        const row = await this.repo.load(m, actor.workspaceId, id);
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
        return this.repo.present(resolved.ability, row, settings);
      },
    );
    this.relay.kick();
    // Redaction is applied per caller, also on a replayed response, against the row as it is now.
    const current = await this.repo.load(this.ds.manager, actor.workspaceId, result.id);
    return redact(
      resolved.ability,
      'Account',
      { ...result, redacted: undefined } as unknown as AccountView,
      toSubject(current),
    );
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
      const current = await this.repo.loadForChange(m, resolved, id, expectedVersion, 'update');
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
        ['category', 'category'],
        ['industry', 'industry'],
        ['region', 'region'],
        ['profitContributionPct', 'profit_contribution_pct'],
        ['strategicPotential', 'strategic_potential'],
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
        `UPDATE accounts SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1 AND workspace_id = $2`,
        params,
      );
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: id,
        actorId: actor.memberId,
        kind: 'updated',
        details: { changed },
      });
      const row = await this.repo.load(m, actor.workspaceId, id);
      await addToOutbox<AccountUpdatedEvent>(m, {
        subject: EVENTS.accountUpdated,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: { accountId: id, workspaceId: actor.workspaceId, version: row.version, changed },
      });
      return row;
    });
    this.relay.kick();
    return this.repo.present(ability, updated, await this.settings.cached(actor.workspaceId));
  }
}
