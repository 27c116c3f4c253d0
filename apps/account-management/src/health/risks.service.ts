import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Actor,
  CreateRiskDto,
  EVENTS,
  KamError,
  RiskView,
  UpdateRiskDto,
  validationError,
} from '@app/contracts';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { ActorContextService } from '../organisation/actor-context.service';
import { addTimeline } from '../archive/timeline';
import { HealthAccess } from './health-access';

interface RiskRow {
  id: string;
  account_id: string;
  risk: string;
  severity: RiskView['severity'];
  likelihood: RiskView['likelihood'];
  mitigation: string | null;
  owner_id: string;
  status: RiskView['status'];
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = `t.id, t.account_id, t.risk, t.severity, t.likelihood, t.mitigation, t.owner_id, t.status, t.version,
  t.created_at, t.updated_at`;

function toView(r: RiskRow): RiskView {
  return {
    id: r.id,
    accountId: r.account_id,
    risk: r.risk,
    severity: r.severity,
    likelihood: r.likelihood,
    mitigation: r.mitigation,
    ownerId: r.owner_id,
    status: r.status,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The risk register per account (risk, severity, likelihood, mitigation, owner); access follows the archive's. */
@Injectable()
export class RisksService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly access: HealthAccess,
    private readonly relay: OutboxRelay,
  ) {}

  /** The account's risks, oldest first; 404 when the caller may not see the account's risks. */
  async list(actor: Actor, accountId: string): Promise<{ items: RiskView[] }> {
    const { ability } = await this.actors.resolve(actor);
    await this.access.account(this.ds.manager, ability, actor.workspaceId, accountId, 'Risk', 'read');
    const rows: RiskRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM account_risks t WHERE t.workspace_id = $1 AND t.account_id = $2
       ORDER BY t.created_at, t.id LIMIT 500`,
      [actor.workspaceId, accountId],
    );
    return { items: rows.map(toView) };
  }

  async create(actor: Actor, accountId: string, dto: CreateRiskDto): Promise<RiskView> {
    const { ability } = await this.actors.resolve(actor);
    const id = await this.ds.transaction(async (m) => {
      await this.access.account(m, ability, actor.workspaceId, accountId, 'Risk', 'create');
      const ownerId = dto.ownerId ?? actor.memberId;
      if (!(await this.access.isActiveMember(m, actor, ownerId)))
        throw validationError([{ field: 'ownerId', message: 'not an active member of this workspace' }]);
      const rows: { id: string }[] = await m.query(
        `INSERT INTO account_risks (id, workspace_id, account_id, risk, severity, likelihood, mitigation, owner_id)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          actor.workspaceId,
          accountId,
          dto.risk,
          dto.severity,
          dto.likelihood,
          dto.mitigation ?? null,
          ownerId,
        ],
      );
      const riskId = rows[0].id;
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId,
        actorId: actor.memberId,
        kind: 'risk_created',
        details: { riskId, risk: dto.risk, severity: dto.severity, likelihood: dto.likelihood },
      });
      await addToOutbox(m, {
        subject: EVENTS.riskChanged,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: { workspaceId: actor.workspaceId, accountId, riskId, change: 'created', status: 'open' },
      });
      return riskId;
    });
    this.relay.kick();
    return this.view(actor.workspaceId, id);
  }

  async update(actor: Actor, id: string, expectedVersion: number, dto: UpdateRiskDto): Promise<RiskView> {
    const { ability } = await this.actors.resolve(actor);
    const changed = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined);
    if (!changed.length) throw validationError([{ field: 'body', message: 'nothing to change' }]);
    await this.ds.transaction(async (m) => {
      const { row, account } = await this.access.forChange<RiskRow>(
        m,
        ability,
        actor.workspaceId,
        'account_risks',
        id,
        'Risk',
        'update',
      );
      if (row.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: row.version });
      if (dto.ownerId && !(await this.access.isActiveMember(m, actor, dto.ownerId)))
        throw validationError([{ field: 'ownerId', message: 'not an active member of this workspace' }]);
      await m.query(
        `UPDATE account_risks SET risk = coalesce($2, risk), severity = coalesce($3, severity),
           likelihood = coalesce($4, likelihood), mitigation = coalesce($5, mitigation),
           owner_id = coalesce($6, owner_id), status = coalesce($7, status), version = version + 1,
           updated_at = now()
         WHERE id = $1`,
        [
          id,
          dto.risk ?? null,
          dto.severity ?? null,
          dto.likelihood ?? null,
          dto.mitigation ?? null,
          dto.ownerId ?? null,
          dto.status ?? null,
        ],
      );
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: account.id,
        actorId: actor.memberId,
        kind: 'risk_updated',
        details: { riskId: id, changed, from: row.status, to: dto.status ?? row.status },
      });
      await addToOutbox(m, {
        subject: EVENTS.riskChanged,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          accountId: account.id,
          riskId: id,
          change: 'updated',
          changed,
          status: dto.status ?? row.status,
        },
      });
    });
    this.relay.kick();
    return this.view(actor.workspaceId, id);
  }

  private async view(workspaceId: string, id: string): Promise<RiskView> {
    const rows: RiskRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM account_risks t WHERE t.id = $1 AND t.workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('risk_not_found', { id });
    return toView(rows[0]);
  }
}
