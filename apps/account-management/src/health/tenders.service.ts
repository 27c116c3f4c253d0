import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Actor,
  CreateTenderDto,
  EVENTS,
  KamError,
  ListTendersQuery,
  TenderStatus,
  TenderView,
  UpdateTenderDto,
  validationError,
} from '@app/contracts';
import { KamAbility } from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { ActorContextService } from '../organisation/actor-context.service';
import { addTimeline } from '../archive/timeline';
import { financialHidden } from '../commercial/commercial-access';
import { allowedTenderMoves, canMoveTender } from '../domain/tender';
import { HealthAccess } from './health-access';

interface TenderRow {
  id: string;
  account_id: string;
  title: string;
  notice_ref: string | null;
  published_on: string | null;
  deadline_at: Date | string;
  bid_document_id: string | null;
  status: TenderStatus;
  submitted_at: Date | string | null;
  result_note: string | null;
  amount_minor: string | number | null;
  currency: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  a_owner_id: string;
  a_owner_team_id: string | null;
  a_service_team_id: string | null;
  a_assistant_ids: string[] | null;
  a_status: string;
}

const COLUMNS = `t.id, t.account_id, t.title, t.notice_ref, to_char(t.published_on, 'YYYY-MM-DD') AS published_on,
  t.deadline_at, t.bid_document_id, t.status, t.submitted_at, t.result_note, t.amount_minor, t.currency, t.version,
  t.created_at, t.updated_at, a.owner_id AS a_owner_id, a.service_team_id AS a_service_team_id,
  a.assistant_ids AS a_assistant_ids, a.status AS a_status,
  (SELECT m.team_id FROM members m WHERE m.id = a.owner_id) AS a_owner_team_id`;

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** The view; the amount is a financial field, hidden from whoever may not read the account's purchase. */
function toView(r: TenderRow, ability: KamAbility): TenderView {
  const hidden = financialHidden(ability, {
    ownerId: r.a_owner_id,
    ownerTeamId: r.a_owner_team_id,
    serviceTeamId: r.a_service_team_id,
    assistantIds: r.a_assistant_ids ?? [],
    status: r.a_status,
  });
  return {
    id: r.id,
    accountId: r.account_id,
    title: r.title,
    noticeRef: r.notice_ref,
    publishedOn: r.published_on,
    deadlineAt: iso(r.deadline_at)!,
    bidDocumentId: r.bid_document_id,
    status: r.status,
    submittedAt: iso(r.submitted_at),
    resultNote: r.result_note,
    amount:
      hidden || r.amount_minor === null
        ? null
        : { amountMinor: Number(r.amount_minor), currency: r.currency! },
    version: r.version,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** Tenders (政府采购): notice, deadline, bid document, submission, result; access follows the commercial records'. */
@Injectable()
export class TendersService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly access: HealthAccess,
    private readonly relay: OutboxRelay,
  ) {}

  /** Tenders the caller may read, earliest deadline first; `accountId` is 404 when that account is hidden. */
  async list(actor: Actor, query: ListTendersQuery, accountId?: string): Promise<{ items: TenderView[] }> {
    const { ability } = await this.actors.resolve(actor);
    if (accountId)
      await this.access.account(this.ds.manager, ability, actor.workspaceId, accountId, 'Tender', 'read');
    const values: unknown[] = [actor.workspaceId];
    const access = this.access.where(ability, 'read', 'Tender', values.length);
    values.push(...access.values);
    const where = ['t.workspace_id = $1', `(${access.sql})`];
    const filter = (sql: (p: string) => string, v: unknown) => {
      values.push(v);
      where.push(sql(`$${values.length}`));
    };
    if (accountId) filter((p) => `t.account_id = ${p}`, accountId);
    if (query.status) filter((p) => `t.status = ${p}`, query.status);
    if (query.deadlineBefore)
      filter(
        (p) =>
          `timezone((SELECT w.time_zone FROM workspaces w WHERE w.id = t.workspace_id), t.deadline_at)::date <= ${p}::date`,
        query.deadlineBefore,
      );
    values.push(query.limit ?? 50);
    const rows: TenderRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM tenders t JOIN accounts a ON a.id = t.account_id
       WHERE ${where.join(' AND ')} ORDER BY t.deadline_at, t.id LIMIT $${values.length}`,
      values,
    );
    return { items: rows.map((r) => toView(r, ability)) };
  }

  async create(actor: Actor, accountId: string, dto: CreateTenderDto): Promise<TenderView> {
    const { ability } = await this.actors.resolve(actor);
    const id = await this.ds.transaction(async (m) => {
      await this.access.account(m, ability, actor.workspaceId, accountId, 'Tender', 'create');
      const rows: { id: string }[] = await m.query(
        `INSERT INTO tenders (id, workspace_id, account_id, title, notice_ref, published_on, deadline_at,
           bid_document_id, amount_minor, currency)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          actor.workspaceId,
          accountId,
          dto.title,
          dto.noticeRef ?? null,
          dto.publishedOn ?? null,
          dto.deadlineAt,
          dto.bidDocumentId ?? null,
          dto.amount?.amountMinor ?? null,
          dto.amount?.currency ?? null,
        ],
      );
      const tenderId = rows[0].id;
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId,
        actorId: actor.memberId,
        kind: 'tender_created',
        details: { tenderId, title: dto.title, deadlineAt: dto.deadlineAt },
      });
      await addToOutbox(m, {
        subject: EVENTS.tenderChanged,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          accountId,
          tenderId,
          change: 'created',
          status: 'noticed',
        },
      });
      return tenderId;
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** Changes a tender at the version the caller saw; an illegal status move is 409 naming the allowed ones. */
  async update(actor: Actor, id: string, expectedVersion: number, dto: UpdateTenderDto): Promise<TenderView> {
    const { ability } = await this.actors.resolve(actor);
    const changed = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined);
    if (!changed.length) throw validationError([{ field: 'body', message: 'nothing to change' }]);
    await this.ds.transaction(async (m) => {
      const { row, account } = await this.access.forChange<TenderRow>(
        m,
        ability,
        actor.workspaceId,
        'tenders',
        id,
        'Tender',
        'update',
      );
      if (row.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: row.version });
      const from = row.status;
      const to = dto.status ?? from;
      if (to !== from && !canMoveTender(from, to)) {
        const allowed = allowedTenderMoves(from);
        throw new KamError('illegal_tender_transition', {
          from,
          to,
          allowed: allowed.join(', ') || '—',
          allowedStates: [...allowed],
        });
      }
      if (
        to === from &&
        ['won', 'lost', 'cancelled'].includes(from) &&
        changed.some((k) => k !== 'resultNote')
      )
        throw new KamError('illegal_tender_transition', { from, to, allowed: '—', allowedStates: [] });
      await m.query(
        `UPDATE tenders SET title = coalesce($2, title), notice_ref = coalesce($3, notice_ref),
           deadline_at = coalesce($4, deadline_at), bid_document_id = coalesce($5, bid_document_id),
           status = $6, submitted_at = CASE WHEN $6 = 'submitted' AND $7 <> 'submitted' THEN now() ELSE submitted_at END,
           result_note = coalesce($8, result_note), amount_minor = coalesce($9, amount_minor),
           currency = coalesce($10, currency), version = version + 1, updated_at = now()
         WHERE id = $1`,
        [
          id,
          dto.title ?? null,
          dto.noticeRef ?? null,
          dto.deadlineAt ?? null,
          dto.bidDocumentId ?? null,
          to,
          from,
          dto.resultNote ?? null,
          dto.amount?.amountMinor ?? null,
          dto.amount?.currency ?? null,
        ],
      );
      if (dto.deadlineAt) await m.query(`DELETE FROM tender_reminders WHERE tender_id = $1`, [id]);
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: account.id,
        actorId: actor.memberId,
        kind: 'tender_updated',
        details: { tenderId: id, changed, from, to },
      });
      await addToOutbox(m, {
        subject: EVENTS.tenderChanged,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          accountId: account.id,
          tenderId: id,
          change: 'updated',
          from,
          to,
        },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  private async view(ability: KamAbility, workspaceId: string, id: string): Promise<TenderView> {
    const rows: TenderRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM tenders t JOIN accounts a ON a.id = t.account_id WHERE t.id = $1 AND t.workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('tender_not_found', { id });
    return toView(rows[0], ability);
  }
}
