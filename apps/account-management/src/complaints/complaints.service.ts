import { authorizeOn, scopedAccount, scopeWhere } from '../accounts/account-scope';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  ComplaintCallbackDto,
  ComplaintEvent,
  ComplaintHistoryEntry,
  ComplaintTransitionDto,
  ComplaintView,
  CreateComplaintDto,
  EVENTS,
  FieldError,
  KamError,
  ListComplaintsQuery,
  Page,
  validationError,
} from '@app/contracts';
import { Action, KamAbility, PositionalSqlCondition } from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { applyOnce, decodeCursor, encodeCursor } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { ACCOUNT_COLUMNS, AccountRow } from '../accounts/account.sql';

import { addTimeline, TimelineKind } from '../archive/timeline';
import {
  allowedComplaintMoves,
  canMoveComplaint,
  complaintDeadlines,
  isReopen,
  transitionBlocker,
} from '../domain/complaint';
import { COMPLAINT_COLUMNS, ComplaintRow, toComplaintView } from './complaint.sql';
import { createComplaintSurvey } from '../surveys/survey.sql';

/** The list cursor: the last row's receivedAt and id. */
function complaintCursor(cursor: string): { at: string; id: string } {
  const c = decodeCursor(cursor, 'timestamp');
  return { at: c.value, id: c.id };
}

/**
 * Customer complaints (客户投诉处理表): received with SLA deadlines from severity × tier, handled through
 * open → acknowledged → in_progress → resolved → closed (reopen allowed), closed only after the satisfaction
 * callback (回访). Access follows the complaint's account (DESIGN §4 row "Revisit, complaint, survey").
 */
@Injectable()
export class ComplaintsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly relay: OutboxRelay,
  ) {}

  /** What the ability allows on complaints as SQL over `accounts a`; 403 when no rule allows any. */
  where(ability: KamAbility, action: Action, offset: number): PositionalSqlCondition {
    return scopeWhere(ability, action, 'Complaint', offset);
  }

  private authorize(ability: KamAbility, action: Action, account: AccountRow): void {
    authorizeOn(ability, action, 'Complaint', account);
  }

  /** The account, when the caller may read its complaints (else 404), and may `action` them (else 403). */
  private account(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    accountId: string,
    action: Action,
  ): Promise<AccountRow> {
    return scopedAccount(m, ability, workspaceId, accountId, 'Complaint', action);
  }

  /** One complaint the caller may read (else 404), may `action` (else 403); locked with `lock`. */
  private async load(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    id: string,
    action: Action,
    lock = false,
  ): Promise<{ row: ComplaintRow; account: AccountRow }> {
    const access = this.where(ability, 'read', 2);
    const rows: ComplaintRow[] = await m.query(
      `SELECT ${COMPLAINT_COLUMNS} FROM complaints c JOIN accounts a ON a.id = c.account_id
       WHERE c.id = $1 AND c.workspace_id = $2 AND (${access.sql}) ${lock ? 'FOR UPDATE OF c' : ''}`,
      [id, workspaceId, ...access.values],
    );
    const row = rows[0];
    if (!row) throw new KamError('complaint_not_found', { id });
    const accounts: AccountRow[] = await m.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1`,
      [row.account_id],
    );
    this.authorize(ability, action, accounts[0]);
    return { row, account: accounts[0] };
  }

  async create(
    actor: Actor,
    accountId: string,
    dto: CreateComplaintDto,
    idempotencyKey?: string,
  ): Promise<ComplaintView> {
    const { ability } = await this.actors.resolve(actor);
    const { id } = await applyOnce(
      this.ds.manager,
      {
        actor,
        scope: 'complaint.create',
        key: idempotencyKey,
        body: { accountId, ...dto },
      },
      async (m) => {
        const account = await this.account(m, ability, actor.workspaceId, accountId, 'create');
        const errors: FieldError[] = [];
        const receivedAt = new Date(dto.receivedAt);
        // A minute of clock skew between the caller and us is fine; the future is not.
        if (receivedAt.getTime() > Date.now() + 60_000)
          errors.push({ field: 'receivedAt', message: 'receivedAt cannot be in the future' });
        if (dto.contactId) {
          const found: unknown[] = await m.query(
            `SELECT 1 FROM contacts WHERE id = $1 AND workspace_id = $2 AND account_id = $3`,
            [dto.contactId, actor.workspaceId, accountId],
          );
          if (!found.length)
            errors.push({ field: 'contactId', message: 'contactId must be a contact of this account' });
        }
        const handlerId = dto.handlerId ?? (actor.kind === 'user' || !actor.kind ? actor.memberId : null);
        if (dto.handlerId) {
          const found: unknown[] = await m.query(
            `SELECT 1 FROM members WHERE id = $1 AND workspace_id = $2 AND status = 'active'`,
            [dto.handlerId, actor.workspaceId],
          );
          if (!found.length)
            errors.push({
              field: 'handlerId',
              message: 'handlerId is not an active member of this workspace',
            });
        }
        if (errors.length) throw validationError(errors);
        const { settings } = await this.settings.load(m, actor.workspaceId);
        const due = complaintDeadlines(
          receivedAt,
          dto.severity,
          account.tier,
          settings.tierLadder,
          settings.complaintSla,
        );
        const complaintId = randomUUID();
        await m.query(
          `INSERT INTO complaints (id, workspace_id, account_id, contact_id, channel, category, severity, description,
             received_at, handler_id, measures, result, customer_feedback, first_response_due, resolution_due, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
          [
            complaintId,
            actor.workspaceId,
            accountId,
            dto.contactId ?? null,
            dto.channel,
            dto.category,
            dto.severity,
            dto.description,
            receivedAt,
            handlerId,
            dto.measures ?? null,
            dto.result ?? null,
            dto.customerFeedback ?? null,
            due.firstResponseDue,
            due.resolutionDue,
            actor.memberId,
          ],
        );
        await this.changed(m, actor, {
          complaintId,
          accountId,
          severity: dto.severity,
          kind: 'opened',
          from: null,
          to: 'open',
          note: null,
          details: {
            channel: dto.channel,
            category: dto.category,
            firstResponseDue: due.firstResponseDue.toISOString(),
            resolutionDue: due.resolutionDue.toISOString(),
            handlerId,
          },
        });
        return { id: complaintId };
      },
    );
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** Complaints the caller may read, newest received first, with cursor pagination. */
  async list(actor: Actor, query: ListComplaintsQuery): Promise<Page<ComplaintView>> {
    const { ability } = await this.actors.resolve(actor);
    const values: unknown[] = [actor.workspaceId];
    const access = this.where(ability, 'read', values.length);
    values.push(...access.values);
    const where = ['c.workspace_id = $1', `(${access.sql})`];
    const eq = (col: string, v: unknown) => {
      values.push(v);
      where.push(`${col} = $${values.length}`);
    };
    if (query.status) eq('c.status', query.status);
    if (query.severity) eq('c.severity', query.severity);
    if (query.accountId) eq('c.account_id', query.accountId);
    if (query.handlerId) eq('c.handler_id', query.handlerId);
    if (query.breached === 'true') where.push('(c.breached_response OR c.breached_resolution)');
    if (query.breached === 'false') where.push('NOT (c.breached_response OR c.breached_resolution)');
    if (query.cursor) {
      const c = complaintCursor(query.cursor);
      values.push(c.at, c.id);
      where.push(`(c.received_at, c.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    const limit = query.limit ?? 50;
    values.push(limit + 1);
    const rows: ComplaintRow[] = await this.ds.query(
      `SELECT ${COMPLAINT_COLUMNS} FROM complaints c JOIN accounts a ON a.id = c.account_id
       WHERE ${where.join(' AND ')} ORDER BY c.received_at DESC, c.id DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toComplaintView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.received_at.toISOString(), last.id) : null,
    };
  }

  /** One complaint with its history. */
  async get(actor: Actor, id: string): Promise<ComplaintView> {
    const { ability } = await this.actors.resolve(actor);
    return this.view(ability, actor.workspaceId, id, true);
  }

  /** Moves a complaint along the process at the version the caller saw; an illegal move is 409 naming the allowed. */
  async transition(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: ComplaintTransitionDto,
  ): Promise<ComplaintView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const { row } = await this.load(m, ability, actor.workspaceId, id, 'update', true);
      if (row.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: row.version });
      const from = row.status;
      if (!canMoveComplaint(from, dto.to)) {
        const allowed = allowedComplaintMoves(from);
        throw new KamError('illegal_complaint_transition', {
          from,
          to: dto.to,
          allowed: allowed.join(', ') || '—',
          allowedStates: [...allowed],
        });
      }
      const result = dto.result ?? row.result;
      const blocker = transitionBlocker(dto.to, { callbackRecorded: !!row.callback_revisit, result });
      if (blocker === 'callback_required') throw new KamError('complaint_callback_required');
      if (blocker === 'result_required')
        throw validationError([
          { field: 'result', message: 'resolving a complaint needs its result (处理结果)' },
        ]);

      const sets = ['status = $2', 'version = version + 1', 'updated_at = now()'];
      const params: unknown[] = [id, dto.to];
      const set = (sql: string, v: unknown) => {
        params.push(v);
        sets.push(sql.replace('?', `$${params.length}`));
      };
      if (dto.measures !== undefined) set('measures = ?', dto.measures);
      if (dto.result !== undefined) set('result = ?', dto.result);
      if (dto.to === 'acknowledged' && !row.first_responded_at)
        sets.push(
          'first_responded_at = now()',
          'breached_response = breached_response OR now() > first_response_due',
        );
      if (dto.to === 'resolved')
        sets.push(
          'resolved_at = now()',
          'breached_resolution = breached_resolution OR now() > resolution_due',
        );
      if (dto.to === 'closed') sets.push('closed_at = now()');
      const reopen = isReopen(from, dto.to);
      // A reopened complaint is worked on again: resolved anew, called back anew.
      if (reopen)
        sets.push(
          'reopen_count = reopen_count + 1',
          'resolved_at = NULL',
          'closed_at = NULL',
          'callback_revisit = NULL',
        );
      await m.query(`UPDATE complaints SET ${sets.join(', ')} WHERE id = $1`, params);
      // The satisfaction survey after a resolved complaint, in the same transaction (one per complaint).
      if (dto.to === 'resolved')
        await createComplaintSurvey(m, {
          workspaceId: actor.workspaceId,
          accountId: row.account_id,
          complaintId: id,
          actorId: actor.memberId,
          requestId: actor.requestId,
        });
      await this.changed(m, actor, {
        complaintId: id,
        accountId: row.account_id,
        severity: row.severity,
        kind: 'transitioned',
        from,
        to: dto.to,
        note: dto.note ?? null,
        details: {
          reopen,
          ...(dto.measures !== undefined ? { measures: true } : {}),
          ...(dto.result !== undefined ? { result: true } : {}),
        },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** Records the satisfaction callback (回访) of a resolved complaint: satisfaction 1-5 and the customer's feedback. */
  async callback(
    actor: Actor,
    id: string,
    expectedVersion: number | undefined,
    dto: ComplaintCallbackDto,
  ): Promise<ComplaintView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const { row } = await this.load(m, ability, actor.workspaceId, id, 'update', true);
      if (expectedVersion !== undefined && row.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: row.version });
      if (row.status !== 'resolved') throw new KamError('complaint_not_resolved');
      const callback = {
        satisfaction: dto.satisfaction,
        note: dto.note ?? null,
        at: new Date().toISOString(),
        by: actor.memberId,
      };
      await m.query(
        `UPDATE complaints SET callback_revisit = $2, customer_feedback = coalesce($3, customer_feedback),
           version = version + 1, updated_at = now() WHERE id = $1`,
        [id, JSON.stringify(callback), dto.customerFeedback ?? null],
      );
      await this.changed(m, actor, {
        complaintId: id,
        accountId: row.account_id,
        severity: row.severity,
        kind: 'callback',
        from: row.status,
        to: row.status,
        note: dto.note ?? null,
        details: { satisfaction: dto.satisfaction },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** History row, account timeline and outbox event of one change, in the caller's transaction. */
  private async changed(
    m: EntityManager,
    actor: Actor,
    c: {
      complaintId: string;
      accountId: string;
      severity: ComplaintView['severity'];
      kind: 'opened' | 'transitioned' | 'callback';
      from: ComplaintView['status'] | null;
      to: ComplaintView['status'];
      note: string | null;
      details: Record<string, unknown>;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO complaint_events (workspace_id, complaint_id, actor_id, kind, from_status, to_status, note, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        actor.workspaceId,
        c.complaintId,
        actor.memberId,
        c.kind,
        c.from,
        c.to,
        c.note,
        JSON.stringify(c.details),
      ],
    );
    const kind: TimelineKind =
      c.kind === 'opened'
        ? 'complaint_opened'
        : c.kind === 'callback'
          ? 'complaint_callback'
          : 'complaint_transitioned';
    // Not the description or the note: the timeline is read by roles that may not read complaints.
    await addTimeline(m, {
      workspaceId: actor.workspaceId,
      accountId: c.accountId,
      actorId: actor.memberId,
      kind,
      details: { complaintId: c.complaintId, severity: c.severity, from: c.from, to: c.to },
    });
    if (c.kind === 'callback') return;
    await addToOutbox<ComplaintEvent>(m, {
      subject: c.kind === 'opened' ? EVENTS.complaintOpened : EVENTS.complaintTransitioned,
      workspaceId: actor.workspaceId,
      requestId: actor.requestId,
      payload: {
        workspaceId: actor.workspaceId,
        complaintId: c.complaintId,
        accountId: c.accountId,
        severity: c.severity,
        from: c.from,
        to: c.to,
      },
    });
  }

  private async view(
    ability: KamAbility,
    workspaceId: string,
    id: string,
    withHistory = false,
  ): Promise<ComplaintView> {
    const { row } = await this.load(this.ds.manager, ability, workspaceId, id, 'read');
    const view = toComplaintView(row);
    if (!withHistory) return view;
    const events: {
      at: Date;
      actor_id: string | null;
      kind: string;
      from_status: ComplaintView['status'] | null;
      to_status: ComplaintView['status'] | null;
      note: string | null;
      details: Record<string, unknown>;
    }[] = await this.ds.query(
      `SELECT at, actor_id, kind, from_status, to_status, note, details FROM complaint_events
       WHERE complaint_id = $1 AND workspace_id = $2 ORDER BY seq`,
      [id, workspaceId],
    );
    const history: ComplaintHistoryEntry[] = events.map((e) => ({
      at: e.at.toISOString(),
      actorId: e.actor_id,
      kind: e.kind,
      from: e.from_status,
      to: e.to_status,
      note: e.note,
      details: e.details,
    }));
    return { ...view, history };
  }
}
