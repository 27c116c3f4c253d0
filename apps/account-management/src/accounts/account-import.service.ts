import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccountCreatedEvent,
  Actor,
  CreateAccountDto,
  EVENTS,
  FieldError,
  ImportAccountsResult,
  KamError,
  validationError,
} from '@app/contracts';
import { AccountSubject, subject } from '@app/authz';
import { OutboxRelay } from '@app/messaging';
import { applyOnce } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { isTierOf } from '../domain/tier-ladder';

/** The `account.created` payload, built in SQL from each inserted row (`c`); every field of the event. */
const CREATED_EVENT_SQL: Record<keyof AccountCreatedEvent, string> = {
  accountId: 'c.id',
  workspaceId: 'c.workspace_id',
  ownerId: 'c.owner_id',
  tier: 'c.tier',
  name: 'c.name',
  // As Date.prototype.toISOString() writes it, like the single create.
  createdAt: `to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
};

interface Prepared {
  id: string;
  dto: CreateAccountDto;
  ownerId: string;
  status: string;
}

/**
 * Bulk import of key accounts: every row is checked first and every problem is reported (row index and field),
 * and nothing is created unless all rows are good. Then all rows go in with set-based SQL in one transaction,
 * each with its initial-tier history, its timeline entry and its `account.created` event.
 */
@Injectable()
export class AccountImportService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly relay: OutboxRelay,
  ) {}

  async import(
    actor: Actor,
    accounts: CreateAccountDto[],
    idempotencyKey?: string,
  ): Promise<ImportAccountsResult> {
    const resolved = await this.actors.resolve(actor);
    // No right to create any account: refused before the rows are looked at (their errors would tell things).
    if (!resolved.ability.can('create', 'Account')) throw new KamError('forbidden');
    const result = await applyOnce(
      this.ds.manager,
      { actor, scope: 'account.import', key: idempotencyKey, body: accounts },
      async (m) => {
        const rows = await this.check(m, actor, accounts, (s) =>
          resolved.ability.can('create', subject('Account', { ...s })),
        );
        return this.insert(m, actor, rows);
      },
    );
    this.relay.kick();
    return result;
  }

  /** Validates every row against the workspace (400 listing all problems), then the caller's right (403). */
  private async check(
    m: EntityManager,
    actor: Actor,
    accounts: CreateAccountDto[],
    mayCreate: (s: AccountSubject) => boolean,
  ): Promise<Prepared[]> {
    const ws = actor.workspaceId;
    const { settings } = await this.settings.load(m, ws);
    const ownerIds = accounts.map((a) => a.ownerId ?? actor.memberId);
    const memberIds = [...new Set([...ownerIds, ...accounts.flatMap((a) => a.assistantIds ?? [])])];
    const teamIds = [...new Set(accounts.flatMap((a) => (a.serviceTeamId ? [a.serviceTeamId] : [])))];
    const crmIds = accounts.map((a) => a.crmCompanyId);
    const [members, teams, taken] = await Promise.all([
      m.query(
        `SELECT id, team_id FROM members WHERE workspace_id = $1 AND status = 'active' AND id = ANY($2::uuid[])`,
        [ws, memberIds],
      ) as Promise<{ id: string; team_id: string | null }[]>,
      teamIds.length
        ? (m.query(`SELECT id FROM teams WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [
            ws,
            teamIds,
          ]) as Promise<{ id: string }[]>)
        : Promise.resolve([]),
      m.query(
        `SELECT crm_company_id FROM accounts WHERE workspace_id = $1 AND crm_company_id = ANY($2::text[])`,
        [ws, crmIds],
      ) as Promise<{ crm_company_id: string }[]>,
    ]);
    const teamOf = new Map(members.map((r) => [r.id, r.team_id]));
    const teamSet = new Set(teams.map((t) => t.id));
    const takenSet = new Set(taken.map((t) => t.crm_company_id));
    const firstRow = new Map<string, number>();
    const tiers = settings.tierLadder.map((t) => t.key).join(', ');

    const errors: FieldError[] = [];
    const problem = (i: number, field: string, message: string) =>
      errors.push({ field: `accounts.${i}.${field}`, message: `row ${i}: ${message}` });
    accounts.forEach((a, i) => {
      if (!isTierOf(settings.tierLadder, a.tier)) problem(i, 'tier', `tier must be one of ${tiers}`);
      if (!teamOf.has(ownerIds[i]))
        problem(i, 'ownerId', 'ownerId is not an active member of this workspace');
      if (a.serviceTeamId && !teamSet.has(a.serviceTeamId))
        problem(i, 'serviceTeamId', 'serviceTeamId is not a team of this workspace');
      if (a.assistantIds?.some((id) => !teamOf.has(id)))
        problem(i, 'assistantIds', 'every assistant must be an active member of this workspace');
      const first = firstRow.get(a.crmCompanyId);
      if (first !== undefined)
        problem(i, 'crmCompanyId', `crmCompanyId is already in row ${first} of this import`);
      else firstRow.set(a.crmCompanyId, i);
      if (takenSet.has(a.crmCompanyId))
        problem(i, 'crmCompanyId', 'this CRM company is already a key account of the workspace');
    });
    if (errors.length) throw validationError(errors);

    const prepared = accounts.map((dto, i) => ({
      id: randomUUID(),
      dto,
      ownerId: ownerIds[i],
      status: dto.status ?? 'prospect',
    }));
    const refused: FieldError[] = [];
    prepared.forEach((p, i) => {
      const ok = mayCreate({
        ownerId: p.ownerId,
        ownerTeamId: teamOf.get(p.ownerId) ?? null,
        serviceTeamId: p.dto.serviceTeamId ?? null,
        assistantIds: p.dto.assistantIds ?? [],
        status: p.status,
      });
      if (!ok)
        refused.push({
          field: `accounts.${i}`,
          message: `row ${i}: you may not create this account (owner ${p.ownerId}, status ${p.status})`,
        });
    });
    if (refused.length) throw new KamError('forbidden', { rows: refused.length }, refused);
    return prepared;
  }

  /**
   * One statement: the accounts from one JSON document (jsonb_to_recordset), and from the rows it inserted their
   * initial-tier history, their timeline entries and one `account.created` event each.
   */
  private async insert(m: EntityManager, actor: Actor, rows: Prepared[]): Promise<ImportAccountsResult> {
    const input = rows.map((p) => ({
      id: p.id,
      crm: p.dto.crmCompanyId,
      name: p.dto.name,
      tier: p.dto.tier,
      category: p.dto.category,
      status: p.status,
      industry: p.dto.industry ?? null,
      region: p.dto.region ?? null,
      owner: p.ownerId,
      team: p.dto.serviceTeamId ?? null,
      assistants: p.dto.assistantIds ?? [],
      amount: p.dto.annualPurchase?.amountMinor ?? null,
      currency: p.dto.annualPurchase?.currency ?? null,
      pct: p.dto.profitContributionPct ?? null,
      strategic: p.dto.strategicPotential ?? false,
    }));
    const event = Object.entries(CREATED_EVENT_SQL)
      .map(([key, sql]) => `'${key}', ${sql}`)
      .join(', ');
    try {
      await m.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($3::jsonb) AS r(id uuid, crm text, name text, tier text, category text,
             status text, industry text, region text, owner uuid, team uuid, assistants uuid[], amount bigint,
             currency text, pct numeric, strategic boolean)
         ), created AS (
           INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, industry, region,
             owner_id, service_team_id, assistant_ids, annual_purchase_minor, currency, profit_contribution_pct,
             strategic_potential)
           SELECT id, $1, crm, name, tier, category, status, industry, region, owner, team, assistants, amount,
             currency, pct, strategic
           FROM input
           RETURNING id, workspace_id, owner_id, tier, status, name, created_at
         ), history AS (
           INSERT INTO tier_changes (id, workspace_id, account_id, from_tier, to_tier, reason, status, requested_by,
             decided_by, decided_at)
           SELECT gen_random_uuid(), $1, c.id, NULL, c.tier, 'initial tier', 'applied', $2, $2, now() FROM created c
         ), timeline AS (
           INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
           SELECT $1, c.id, $2, 'created',
                  jsonb_build_object('tier', c.tier, 'status', c.status, 'ownerId', c.owner_id, 'via', 'import')
           FROM created c
         )
         INSERT INTO outbox (id, subject, workspace_id, payload, request_id)
         SELECT gen_random_uuid(), $4, $1, jsonb_build_object(${event}), $5 FROM created c`,
        [actor.workspaceId, actor.memberId, JSON.stringify(input), EVENTS.accountCreated, actor.requestId],
      );
    } catch (e) {
      // Another request linked one of these CRM companies after our check.
      if ((e as { code?: string }).code === '23505') {
        const detail = (e as { detail?: string }).detail ?? '';
        const crm = /\(workspace_id, crm_company_id\)=\([^,]+, (.*)\) already exists/.exec(detail)?.[1];
        throw new KamError('crm_company_already_linked', { crmCompanyId: crm ?? null });
      }
      throw e;
    }
    return { created: rows.length, ids: rows.map((p) => p.id) };
  }
}
