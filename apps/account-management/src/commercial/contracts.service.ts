import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  ContractChangedEvent,
  ContractDecisionDto,
  ContractStatus,
  ContractView,
  CreateContractDto,
  EVENTS,
  FieldError,
  KamError,
  ListContractsQuery,
  Page,
  UpdateContractDto,
  validationError,
} from '@app/contracts';
import { KamAbility } from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { applyOnce } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { toSubject } from '../accounts/account.mapper';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { addTimeline, TimelineKind } from '../archive/timeline';
import { discountAuthority, submissionOutcome } from '../domain/discount';
import {
  ACCOUNT_RELATION_COLUMNS,
  CommercialAccess,
  financialHidden,
  relationSubject,
} from './commercial-access';
import { CONTRACT_COLUMNS, ContractRow, toContractView } from './commercial.sql';

/**
 * Contracts and agreements (cooperation agreement, sales contract, government procurement contract): drafted,
 * submitted, and active at once when the discount is within the signer's authority (settings), else waiting for
 * the director's decision.
 */
@Injectable()
export class ContractsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly access: CommercialAccess,
    private readonly relay: OutboxRelay,
  ) {}

  async create(
    actor: Actor,
    accountId: string,
    dto: CreateContractDto,
    idempotencyKey?: string,
  ): Promise<ContractView> {
    const { ability } = await this.actors.resolve(actor);
    const { id } = await applyOnce(
      this.ds.manager,
      {
        actor,
        scope: 'contract.create',
        key: idempotencyKey,
        body: { accountId, ...dto },
      },
      async (m) => {
        const account = await this.access.account(
          m,
          ability,
          actor.workspaceId,
          accountId,
          'Contract',
          'create',
        );
        if (financialHidden(ability, toSubject(account)))
          throw new KamError('forbidden', { field: 'amount' });
        const signerId = dto.signerId ?? actor.memberId;
        const errors: FieldError[] = [];
        if (dto.endsOn < dto.startsOn)
          errors.push({ field: 'endsOn', message: 'endsOn must not be before startsOn' });
        if (!(await this.access.activeMember(m, actor, signerId)))
          errors.push({ field: 'signerId', message: 'signerId must be an active member of this workspace' });
        if (errors.length) throw validationError(errors);
        const contractId = randomUUID();
        await m.query(
          `INSERT INTO contracts (id, workspace_id, account_id, kind, title, amount_minor, currency, starts_on, ends_on,
             discount_pct, signer_id, document_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            contractId,
            actor.workspaceId,
            accountId,
            dto.kind,
            dto.title,
            dto.amount.amountMinor,
            dto.amount.currency,
            dto.startsOn,
            dto.endsOn,
            dto.discountPct ?? 0,
            signerId,
            dto.documentId ?? null,
            actor.memberId,
          ],
        );
        await this.changed(m, actor, accountId, contractId, 'created', 'draft', 'contract_created', {
          kind: dto.kind,
          title: dto.title,
        });
        return { id: contractId };
      },
    );
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** The account's contracts, latest start first. */
  async listOfAccount(actor: Actor, accountId: string): Promise<Page<ContractView>> {
    const { ability } = await this.actors.resolve(actor);
    await this.access.account(this.ds.manager, ability, actor.workspaceId, accountId, 'Contract', 'read');
    return { items: await this.query(ability, actor.workspaceId, { accountId }), nextCursor: null };
  }

  /** Every contract the caller may read; `?status=pending_approval` is the director's queue. */
  async list(actor: Actor, query: ListContractsQuery): Promise<Page<ContractView>> {
    const { ability } = await this.actors.resolve(actor);
    return { items: await this.query(ability, actor.workspaceId, query), nextCursor: null };
  }

  /** Changes a draft; If-Match with its version. Submitted, active or decided contracts are 409. */
  async update(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: UpdateContractDto,
  ): Promise<ContractView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const current = await this.load(m, ability, actor.workspaceId, id, 'update');
      if (current.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: current.version });
      if (current.status !== 'draft')
        throw new KamError('conflict', {
          reason: `only a draft can be changed; this contract is ${current.status}`,
        });
      const hidden = financialHidden(ability, relationSubject(current));
      if (hidden && (dto.amount !== undefined || dto.discountPct !== undefined))
        throw new KamError('forbidden', { field: 'amount' });
      const errors: FieldError[] = [];
      const startsOn = dto.startsOn ?? current.starts_on;
      const endsOn = dto.endsOn ?? current.ends_on;
      if (endsOn < startsOn) errors.push({ field: 'endsOn', message: 'endsOn must not be before startsOn' });
      if (dto.signerId !== undefined && !(await this.access.activeMember(m, actor, dto.signerId)))
        errors.push({ field: 'signerId', message: 'signerId must be an active member of this workspace' });
      if (errors.length) throw validationError(errors);

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
      if (dto.kind !== undefined && dto.kind !== current.kind) set('kind', [['kind', dto.kind]]);
      if (dto.title !== undefined && dto.title !== current.title) set('title', [['title', dto.title]]);
      if (
        dto.amount !== undefined &&
        (dto.amount.amountMinor !== Number(current.amount_minor) || dto.amount.currency !== current.currency)
      )
        set('amount', [
          ['amount_minor', dto.amount.amountMinor],
          ['currency', dto.amount.currency],
        ]);
      if (dto.startsOn !== undefined && dto.startsOn !== current.starts_on)
        set('startsOn', [['starts_on', dto.startsOn]]);
      if (dto.endsOn !== undefined && dto.endsOn !== current.ends_on)
        set('endsOn', [['ends_on', dto.endsOn]]);
      if (dto.discountPct !== undefined && dto.discountPct !== Number(current.discount_pct))
        set('discountPct', [['discount_pct', dto.discountPct]]);
      if (dto.signerId !== undefined && dto.signerId !== current.signer_id)
        set('signerId', [['signer_id', dto.signerId]]);
      if (dto.documentId !== undefined && dto.documentId !== current.document_id)
        set('documentId', [['document_id', dto.documentId]]);
      if (!changed.length) return;
      await m.query(
        `UPDATE contracts SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`,
        params,
      );
      // Field names only: the timeline is read by roles that may not see amounts and discounts.
      await this.changed(m, actor, current.account_id, id, 'updated', 'draft', 'contract_updated', {
        changed,
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /**
   * Submits a draft: active at once when the discount is within the signer's authority (the highest among their
   * roles in the settings), else pending the director's approval.
   */
  async submit(actor: Actor, id: string, expectedVersion?: number): Promise<ContractView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const current = await this.load(m, ability, actor.workspaceId, id, 'update');
      if (expectedVersion !== undefined && current.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: current.version });
      if (current.status !== 'draft')
        throw new KamError('conflict', {
          reason: `only a draft can be submitted; this contract is ${current.status}`,
        });
      const signer = await this.access.activeMember(m, actor, current.signer_id);
      if (!signer) throw new KamError('member_not_active', { member: current.signer_id });
      const { settings } = await this.settings.load(m, actor.workspaceId);
      const discountPct = Number(current.discount_pct);
      const status = submissionOutcome(discountPct, signer.roles, settings.discountAuthorityPct);
      await m.query(
        `UPDATE contracts SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`,
        [id, status],
      );
      await this.changed(m, actor, current.account_id, id, 'submitted', status, 'contract_submitted', {
        status,
        signerId: current.signer_id,
        // Whether it needs approval, not the discount itself.
        withinAuthority: status === 'active',
        signerAuthorityUnlimited: discountAuthority(signer.roles, settings.discountAuthorityPct) === null,
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** The director approves (active) or rejects a contract pending approval. */
  async decide(actor: Actor, id: string, dto: ContractDecisionDto): Promise<ContractView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const current = await this.load(m, ability, actor.workspaceId, id, 'read');
      // Deciding a discount above authority is the director's: 'manage' on the contract.
      this.access.authorize(ability, 'manage', 'Contract', relationSubject(current));
      if (current.status !== 'pending_approval')
        throw new KamError('conflict', { reason: `the contract is ${current.status}, not pending approval` });
      const status: ContractStatus = dto.decision === 'approve' ? 'active' : 'rejected';
      await m.query(
        `UPDATE contracts SET status = $2, approved_by = $3, approved_at = now(), decision_note = $4,
           version = version + 1, updated_at = now() WHERE id = $1`,
        [id, status, actor.memberId, dto.note ?? null],
      );
      await this.changed(
        m,
        actor,
        current.account_id,
        id,
        dto.decision === 'approve' ? 'approved' : 'rejected',
        status,
        'contract_decided',
        { decision: dto.decision, note: dto.note ?? null },
      );
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /**
   * A contract for a change, locked: another workspace's or one hidden from the caller is 404; one they may
   * read but not `action`, 403.
   */
  private async load(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    id: string,
    action: 'read' | 'update',
  ): Promise<ContractRow> {
    const access = this.access.where(ability, 'read', 'Contract', 2);
    const rows: ContractRow[] = await m.query(
      `SELECT ${CONTRACT_COLUMNS}, ${ACCOUNT_RELATION_COLUMNS} FROM contracts c JOIN accounts a ON a.id = c.account_id
       WHERE c.id = $1 AND c.workspace_id = $2 AND (${access.sql}) FOR UPDATE OF c`,
      [id, workspaceId, ...access.values],
    );
    const row = rows[0];
    if (!row) throw new KamError('not_found', { what: 'contract' });
    this.access.authorize(ability, action, 'Contract', relationSubject(row));
    return row;
  }

  private async query(
    ability: KamAbility,
    workspaceId: string,
    filter: { accountId?: string; status?: ContractStatus; id?: string },
  ): Promise<ContractView[]> {
    const values: unknown[] = [workspaceId];
    const access = this.access.where(ability, 'read', 'Contract', values.length);
    values.push(...access.values);
    const where = ['c.workspace_id = $1', `(${access.sql})`];
    for (const [col, v] of [
      ['c.account_id', filter.accountId],
      ['c.status', filter.status],
      ['c.id', filter.id],
    ] as const) {
      if (v === undefined) continue;
      values.push(v);
      where.push(`${col} = $${values.length}`);
    }
    const rows: ContractRow[] = await this.ds.query(
      `SELECT ${CONTRACT_COLUMNS}, ${ACCOUNT_RELATION_COLUMNS}, a.name AS account_name
       FROM contracts c JOIN accounts a ON a.id = c.account_id
       WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT 500`,
      values,
    );
    return rows.map((r) => toContractView(r, financialHidden(ability, relationSubject(r))));
  }

  private async view(ability: KamAbility, workspaceId: string, id: string): Promise<ContractView> {
    const [view] = await this.query(ability, workspaceId, { id });
    if (!view) throw new KamError('not_found', { what: 'contract' });
    return view;
  }

  /** The cooperation timeline and the `contract.changed` event, in the caller's transaction. */
  private async changed(
    m: EntityManager,
    actor: Actor,
    accountId: string,
    contractId: string,
    change: ContractChangedEvent['change'],
    status: ContractStatus,
    kind: TimelineKind,
    details: Record<string, unknown>,
  ): Promise<void> {
    await addTimeline(m, {
      workspaceId: actor.workspaceId,
      accountId,
      actorId: actor.memberId,
      kind,
      details: { contractId, ...details },
    });
    await addToOutbox<ContractChangedEvent>(m, {
      subject: EVENTS.contractChanged,
      workspaceId: actor.workspaceId,
      requestId: actor.requestId,
      payload: { workspaceId: actor.workspaceId, accountId, contractId, change, status },
    });
  }
}
