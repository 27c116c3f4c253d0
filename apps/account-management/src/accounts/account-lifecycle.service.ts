import { updateReturning } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccountView,
  Actor,
  AssignAccountDto,
  ChangeTierDto,
  EvaluateAccountDto,
  EVENTS,
  FieldError,
  KamError,
  ListTierChangesQuery,
  MoveStageDto,
  TierChangeView,
  TierDecisionDto,
  TimelineEntry,
  validationError,
} from '@app/contracts';
import { accessibleWherePositional, subject } from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { ActorContextService, ResolvedActor } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { isTierOf } from '../domain/tier-ladder';
import { tierChangeOutcome } from '../domain/tier-change';
import { allowedNext, canMove, needsServiceHandover, Stage } from '../domain/pipeline';
import { evaluationScore, recommendedTier } from '../domain/evaluation';
import { addTimeline, readableTimelineWhere, redactTimeline } from '../archive/timeline';
import { ACCOUNT_FIELD_SQL, AccountRow } from './account.sql';
import { toSubject } from './account.mapper';
import { AccountRepository } from './account.repository';

interface TierChangeRow {
  id: string;
  account_id: string;
  account_name?: string;
  from_tier: string | null;
  to_tier: string;
  reason: string;
  status: TierChangeView['status'];
  requested_by: string;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
}

function tierChangeView(r: TierChangeRow): TierChangeView {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    fromTier: r.from_tier,
    toTier: r.to_tier,
    reason: r.reason,
    status: r.status,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at.toISOString(),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at?.toISOString() ?? null,
    decisionNote: r.decision_note,
  };
}

/**
 * What happens to a key account over its life: tier changes (with approval for downgrades from the top tiers),
 * the development pipeline (with the handover to the service team), evaluation, and assignment.
 */
@Injectable()
export class AccountLifecycleService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly repo: AccountRepository,
    private readonly relay: OutboxRelay,
  ) {}

  private async finish(resolved: ResolvedActor, row: AccountRow): Promise<AccountView> {
    this.relay.kick();
    return this.repo.present(
      resolved.ability,
      row,
      await this.settings.cached(resolved.ctx.actor.workspaceId),
    );
  }

  /** A manual tier change with a reason: applied at once, or pending the director when it downgrades a top tier. */
  async changeTier(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: ChangeTierDto,
  ): Promise<{ account: AccountView; change: TierChangeView }> {
    const resolved = await this.actors.resolve(actor);
    let change!: TierChangeRow;
    const row = await this.ds.transaction(async (m) => {
      const current = await this.repo.loadForChange(m, resolved, id, expectedVersion, 'changeTier');
      const { settings } = await this.settings.load(m, actor.workspaceId);
      if (!isTierOf(settings.tierLadder, dto.tier))
        throw validationError([
          {
            field: 'tier',
            message: `tier must be one of ${settings.tierLadder.map((t) => t.key).join(', ')}`,
          },
        ]);
      const outcome = tierChangeOutcome(settings.tierLadder, current.tier, dto.tier, {
        protectedTopTiers: settings.protectedTopTiers,
        approverIsDirector: resolved.ability.can(
          'approveTier',
          subject('Account', { ...toSubject(current) }),
        ),
      });
      if (outcome === 'no_change')
        throw new KamError('conflict', { reason: 'the account already has this tier' });
      const pending: unknown[] = await m.query(
        `SELECT 1 FROM tier_changes WHERE account_id = $1 AND status = 'pending'`,
        [id],
      );
      if (pending.length) throw new KamError('tier_change_pending');
      const status = outcome === 'applied' ? 'applied' : 'pending';
      const rows: TierChangeRow[] = await m.query(
        `INSERT INTO tier_changes (id, workspace_id, account_id, from_tier, to_tier, reason, status, requested_by, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [
          randomUUID(),
          actor.workspaceId,
          id,
          current.tier,
          dto.tier,
          dto.reason,
          status,
          actor.memberId,
          status === 'applied' ? actor.memberId : null,
          status === 'applied' ? new Date() : null,
        ],
      );
      change = rows[0];
      if (status === 'applied') return this.applyTier(m, actor, current, dto.tier, dto.reason);
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: id,
        actorId: actor.memberId,
        kind: 'tier_change_requested',
        details: { from: current.tier, to: dto.tier, reason: dto.reason, changeId: change.id },
      });
      return current;
    });
    return { account: await this.finish(resolved, row), change: tierChangeView(change) };
  }

  private async applyTier(
    m: EntityManager,
    actor: Actor,
    current: AccountRow,
    to: string,
    reason: string,
  ): Promise<AccountRow> {
    await m.query(
      `UPDATE accounts SET tier = $3, version = version + 1, updated_at = now() WHERE id = $1 AND workspace_id = $2`,
      [current.id, actor.workspaceId, to],
    );
    await addTimeline(m, {
      workspaceId: actor.workspaceId,
      accountId: current.id,
      actorId: actor.memberId,
      kind: 'tier_changed',
      details: { from: current.tier, to, reason },
    });
    await addToOutbox(m, {
      subject: EVENTS.accountTierChanged,
      workspaceId: actor.workspaceId,
      requestId: actor.requestId,
      payload: { accountId: current.id, workspaceId: actor.workspaceId, from: current.tier, to, reason },
    });
    return this.repo.load(m, actor.workspaceId, current.id);
  }

  /** The director approves or rejects a pending downgrade. */
  async decide(actor: Actor, changeId: string, dto: TierDecisionDto): Promise<TierChangeView> {
    const resolved = await this.actors.resolve(actor);
    const view = await this.ds.transaction(async (m) => {
      const rows: TierChangeRow[] = await m.query(
        `SELECT * FROM tier_changes WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
        [changeId, actor.workspaceId],
      );
      const change = rows[0];
      if (!change) throw new KamError('not_found', { what: 'tier change' });
      const current = await this.repo.load(m, actor.workspaceId, change.account_id, {
        forUpdate: true,
        readableBy: resolved.ability,
      });
      this.repo.authorize(resolved, 'approveTier', toSubject(current));
      if (change.status !== 'pending')
        throw new KamError('conflict', { reason: `the change is already ${change.status}` });
      const status = dto.decision === 'approve' ? 'approved' : 'rejected';
      const updated = await updateReturning<TierChangeRow>(
        m,
        `UPDATE tier_changes SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4 WHERE id = $1 RETURNING *`,
        [changeId, status, actor.memberId, dto.note ?? null],
      );
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: current.id,
        actorId: actor.memberId,
        kind: 'tier_change_decided',
        details: { changeId, decision: status, note: dto.note ?? null },
      });
      if (status === 'approved') await this.applyTier(m, actor, current, change.to_tier, change.reason);
      return tierChangeView(updated[0]);
    });
    this.relay.kick();
    return view;
  }

  async listTierChanges(actor: Actor, query: ListTierChangesQuery): Promise<TierChangeView[]> {
    const { ability } = await this.actors.resolve(actor);
    const values: unknown[] = [actor.workspaceId];
    const access = accessibleWherePositional(ability, 'read', 'Account', ACCOUNT_FIELD_SQL, values.length);
    if (!access) throw new KamError('forbidden');
    values.push(...access.values);
    const where = ['tc.workspace_id = $1', `(${access.sql})`];
    if (query.status) {
      values.push(query.status);
      where.push(`tc.status = $${values.length}`);
    }
    if (query.accountId) {
      values.push(query.accountId);
      where.push(`tc.account_id = $${values.length}`);
    }
    const rows: TierChangeRow[] = await this.ds.query(
      `SELECT tc.*, a.name AS account_name FROM tier_changes tc JOIN accounts a ON a.id = tc.account_id
       WHERE ${where.join(' AND ')} ORDER BY tc.requested_at DESC LIMIT 500`,
      values,
    );
    return rows.map(tierChangeView);
  }

  /** Moves the account along the pipeline; an illegal move is 409 naming the allowed ones. */
  async moveStage(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: MoveStageDto,
  ): Promise<AccountView> {
    const resolved = await this.actors.resolve(actor);
    const row = await this.ds.transaction(async (m) => {
      const current = await this.repo.loadForChange(m, resolved, id, expectedVersion, 'update');
      const from = current.status as Stage;
      if (!canMove(from, dto.to)) {
        const allowed = allowedNext(from);
        throw new KamError('illegal_stage_transition', {
          from,
          to: dto.to,
          allowed: allowed.join(', ') || '—',
          allowedStages: [...allowed],
        });
      }
      let handover: Record<string, unknown> | null = null;
      if (needsServiceHandover(dto.to)) {
        if (!dto.handover)
          throw validationError([
            {
              field: 'handover',
              message: 'moving to handed_over needs the handover: needs, contacts, agreements',
            },
          ]);
        const serviceTeamId = dto.handover.serviceTeamId ?? current.service_team_id;
        const errors: FieldError[] = [];
        if (!serviceTeamId)
          errors.push({ field: 'handover.serviceTeamId', message: 'name the service team taking over' });
        else await this.repo.checkRefs(m, actor.workspaceId, { serviceTeamId }, errors);
        if (errors.length) throw validationError(errors);
        handover = {
          ...dto.handover,
          serviceTeamId,
          handedOverAt: new Date().toISOString(),
          handedOverBy: actor.memberId,
        };
        await m.query(
          `UPDATE accounts SET service_team_id = $3, service_handover = $4 WHERE id = $1 AND workspace_id = $2`,
          [id, actor.workspaceId, serviceTeamId, JSON.stringify(handover)],
        );
      } else if (dto.handover) {
        throw validationError([
          { field: 'handover', message: 'a handover goes only with a move to handed_over' },
        ]);
      }
      await m.query(
        `UPDATE accounts SET status = $3, stage_changed_at = now(), version = version + 1, updated_at = now() WHERE id = $1 AND workspace_id = $2`,
        [id, actor.workspaceId, dto.to],
      );
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: id,
        actorId: actor.memberId,
        kind: 'stage_changed',
        details: { from, to: dto.to, reason: dto.reason ?? null, handover },
      });
      await addToOutbox(m, {
        subject: EVENTS.accountStageChanged,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          accountId: id,
          workspaceId: actor.workspaceId,
          from,
          to: dto.to,
          serviceTeamId: handover?.serviceTeamId ?? current.service_team_id,
        },
      });
      return this.repo.load(m, actor.workspaceId, id);
    });
    return this.finish(resolved, row);
  }

  /** Scores the five dimensions with the workspace's weights and records the recommended tier. */
  async evaluate(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: EvaluateAccountDto,
  ): Promise<AccountView> {
    const resolved = await this.actors.resolve(actor);
    const row = await this.ds.transaction(async (m) => {
      await this.repo.loadForChange(m, resolved, id, expectedVersion, 'update');
      const { settings } = await this.settings.load(m, actor.workspaceId);
      const scores = {
        scale: dto.scale,
        brandInfluence: dto.brandInfluence,
        marketShare: dto.marketShare,
        paymentCapacity: dto.paymentCapacity,
        potential: dto.potential,
      };
      const score = evaluationScore(scores, settings.evaluationWeights);
      const recommended = recommendedTier(score, settings.tierLadder);
      const evaluation = {
        scores,
        score,
        evaluatedAt: new Date().toISOString(),
        evaluatedBy: actor.memberId,
      };
      await m.query(
        `UPDATE accounts SET evaluation = $3, evaluation_score = $4, recommended_tier = $5, version = version + 1, updated_at = now()
         WHERE id = $1 AND workspace_id = $2`,
        [id, actor.workspaceId, JSON.stringify(evaluation), score, recommended],
      );
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: id,
        actorId: actor.memberId,
        kind: 'evaluated',
        details: { score, recommendedTier: recommended },
      });
      const after = await this.repo.load(m, actor.workspaceId, id);
      await addToOutbox(m, {
        subject: EVENTS.accountUpdated,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          accountId: id,
          workspaceId: actor.workspaceId,
          version: after.version,
          changed: ['evaluation', 'recommendedTier'],
        },
      });
      return after;
    });
    return this.finish(resolved, row);
  }

  /** Owner, assistants and service team. The account after the change must still be within the caller's authority. */
  async assign(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: AssignAccountDto,
  ): Promise<AccountView> {
    const resolved = await this.actors.resolve(actor);
    const row = await this.ds.transaction(async (m) => {
      const current = await this.repo.loadForChange(m, resolved, id, expectedVersion, 'assign');
      const errors: FieldError[] = [];
      let ownerTeamId = current.owner_team_id;
      if (dto.ownerId !== undefined && dto.ownerId !== current.owner_id) {
        const team = await this.repo.memberTeam(m, actor.workspaceId, dto.ownerId);
        if (team === undefined)
          errors.push({ field: 'ownerId', message: 'ownerId is not an active member of this workspace' });
        else ownerTeamId = team;
      }
      await this.repo.checkRefs(
        m,
        actor.workspaceId,
        { serviceTeamId: dto.serviceTeamId, assistantIds: dto.assistantIds },
        errors,
      );
      if (errors.length) throw validationError(errors);
      const next = {
        ownerId: dto.ownerId ?? current.owner_id,
        ownerTeamId,
        serviceTeamId: dto.serviceTeamId === undefined ? current.service_team_id : dto.serviceTeamId,
        assistantIds: dto.assistantIds ?? current.assistant_ids,
        status: current.status,
      };
      this.repo.authorize(resolved, 'assign', next);
      await m.query(
        `UPDATE accounts SET owner_id = $3, service_team_id = $4, assistant_ids = $5, version = version + 1, updated_at = now()
         WHERE id = $1 AND workspace_id = $2`,
        [id, actor.workspaceId, next.ownerId, next.serviceTeamId, next.assistantIds],
      );
      const details = {
        from: {
          ownerId: current.owner_id,
          serviceTeamId: current.service_team_id,
          assistantIds: current.assistant_ids,
        },
        to: { ownerId: next.ownerId, serviceTeamId: next.serviceTeamId, assistantIds: next.assistantIds },
        reason: dto.reason ?? null,
      };
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: id,
        actorId: actor.memberId,
        kind: next.ownerId !== current.owner_id ? 'owner_changed' : 'assigned',
        details,
      });
      await addToOutbox(m, {
        subject: EVENTS.accountAssigned,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: { accountId: id, workspaceId: actor.workspaceId, ...details },
      });
      return this.repo.load(m, actor.workspaceId, id);
    });
    return this.finish(resolved, row);
  }

  /**
   * The cooperation timeline, newest first: only the entries of records the caller may read on their own
   * endpoints, filtered in SQL, with those endpoints' redactions (issue 14, point 7).
   */
  async timeline(
    actor: Actor,
    id: string,
    before?: number,
    limit = 100,
  ): Promise<{ items: TimelineEntry[]; nextCursor: string | null }> {
    const { ability } = await this.actors.resolve(actor);
    const account = await this.repo.load(this.ds.manager, actor.workspaceId, id, { readableBy: ability });
    const readable = readableTimelineWhere(ability, 4);
    const rows: {
      seq: string;
      at: Date;
      actor_id: string | null;
      kind: string;
      details: Record<string, unknown>;
    }[] = await this.ds.query(
      `SELECT t.seq, t.at, t.actor_id, t.kind, t.details FROM account_timeline t JOIN accounts a ON a.id = t.account_id
       WHERE t.workspace_id = $1 AND t.account_id = $2 AND ($3::bigint IS NULL OR t.seq < $3) AND ${readable.sql}
       ORDER BY t.seq DESC LIMIT $4`,
      [actor.workspaceId, id, before ?? null, limit + 1, ...readable.values],
    );
    const items = redactTimeline(
      ability,
      toSubject(account),
      rows.slice(0, limit).map((r) => ({
        seq: Number(r.seq),
        at: r.at.toISOString(),
        actorId: r.actor_id,
        kind: r.kind,
        details: r.details,
      })),
    );
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].seq) : null };
  }
}
