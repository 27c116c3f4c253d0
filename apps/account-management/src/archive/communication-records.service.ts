import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  Actor,
  CommunicationRecordView,
  CreateRecordDto,
  FieldError,
  KamError,
  ListRecordsQuery,
  Page,
  validationError,
} from '@app/contracts';
import { KamAbility } from '@app/authz';
import { OutboxRelay } from '@app/messaging';
import { applyOnce, decodeCursor, encodeCursor } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { nextStepProblem, occurredAtProblem } from '../domain/archive';
import { ArchiveAccess } from './archive-access';
import { RECORD_COLUMNS, RecordRow } from './archive.sql';
import { toRecordView } from './archive.mapper';
import { attendeeProblems, recordAttendees } from './record-attendees';

/** The records cursor: the last row's occurredAt and id. */
function recordCursor(cursor: string): { at: string; id: string } {
  const c = decodeCursor(cursor, 'timestamp');
  return { at: c.value, id: c.id };
}

/**
 * Communication records: visits, calls, meetings, e-mails, customer training and care activities, with next steps.
 * Each one is also a contact with the customer, told to other services by the `archive.changed` event.
 */
@Injectable()
export class CommunicationRecordsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly access: ArchiveAccess,
    private readonly relay: OutboxRelay,
  ) {}

  /** Newest first, with cursor pagination; `kind` narrows to visits, calls, … */
  async list(
    actor: Actor,
    accountId: string,
    query: ListRecordsQuery,
  ): Promise<Page<CommunicationRecordView>> {
    const { ability } = await this.actors.resolve(actor);
    await this.access.account(
      this.ds.manager,
      ability,
      actor.workspaceId,
      accountId,
      'CommunicationRecord',
      'read',
    );
    const values: unknown[] = [actor.workspaceId, accountId];
    const access = this.access.where(ability, 'read', 'CommunicationRecord', values.length);
    values.push(...access.values);
    const where = ['r.workspace_id = $1', 'r.account_id = $2', `(${access.sql})`];
    if (query.kind) {
      values.push(query.kind);
      where.push(`r.kind = $${values.length}`);
    }
    if (query.cursor) {
      const c = recordCursor(query.cursor);
      values.push(c.at, c.id);
      where.push(`(r.occurred_at, r.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    const limit = query.limit ?? 50;
    values.push(limit + 1);
    const rows: RecordRow[] = await this.ds.query(
      `SELECT ${RECORD_COLUMNS} FROM communication_records r JOIN accounts a ON a.id = r.account_id
       WHERE ${where.join(' AND ')} ORDER BY r.occurred_at DESC, r.id DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toRecordView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.occurred_at.toISOString(), last.id) : null,
    };
  }

  async create(
    actor: Actor,
    accountId: string,
    dto: CreateRecordDto,
    idempotencyKey?: string,
  ): Promise<CommunicationRecordView> {
    const { ability } = await this.actors.resolve(actor);
    const { id } = await applyOnce(
      this.ds.manager,
      {
        actor,
        scope: 'record.create',
        key: idempotencyKey,
        body: { accountId, ...dto },
      },
      async (m) => {
        await this.access.account(m, ability, actor.workspaceId, accountId, 'CommunicationRecord', 'create');
        const errors: FieldError[] = [];
        const when = occurredAtProblem(dto.occurredAt, new Date());
        if (when) errors.push({ field: 'occurredAt', message: when });
        const next = nextStepProblem(dto);
        if (next) errors.push({ field: 'nextStepDue', message: next });
        const contactIds = dto.contactIds ?? [];
        if (contactIds.length) {
          const found: { id: string }[] = await m.query(
            `SELECT id FROM contacts WHERE workspace_id = $1 AND account_id = $2 AND id = ANY($3)`,
            [actor.workspaceId, accountId, contactIds],
          );
          const known = new Set(found.map((r) => r.id));
          const unknown = contactIds.filter((c) => !known.has(c));
          if (unknown.length)
            errors.push({
              field: 'contactIds',
              message: `every contact must be a contact of this account; not: ${unknown.join(', ')}`,
            });
        }
        // Care activities and trainings (客户关怀, 客户培训) name their attendees; other kinds have none.
        errors.push(...(await attendeeProblems(m, actor.workspaceId, accountId, dto)));
        if (errors.length) throw validationError(errors);
        const recordId = randomUUID();
        const rows: { occurred_at: Date }[] = await m.query(
          `INSERT INTO communication_records (id, workspace_id, account_id, kind, occurred_at, summary, next_steps,
             next_step_due, contact_ids, recorded_by, attendees)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING occurred_at`,
          [
            recordId,
            actor.workspaceId,
            accountId,
            dto.kind,
            dto.occurredAt,
            dto.summary,
            dto.nextSteps ?? null,
            dto.nextStepDue ?? null,
            contactIds,
            actor.memberId,
            recordAttendees(dto),
          ],
        );
        const occurredAt = rows[0].occurred_at.toISOString();
        // A communication is a contact with the customer: the revisit cadence counts from the latest one.
        await m.query(`UPDATE accounts SET last_contact_at = greatest(last_contact_at, $2) WHERE id = $1`, [
          accountId,
          rows[0].occurred_at,
        ]);
        await this.access.changed(m, actor, {
          accountId,
          kind: 'communication_recorded',
          id: recordId,
          occurredAt,
          recordKind: dto.kind,
          // Not the summary: the timeline is read by roles that may not read the records themselves.
          details: { recordId, kind: dto.kind, occurredAt },
        });
        return { id: recordId };
      },
    );
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** One record as the caller may see it (also for a replayed create: the caller's own access decides). */
  private async view(ability: KamAbility, workspaceId: string, id: string): Promise<CommunicationRecordView> {
    const rows: RecordRow[] = await this.ds.query(
      `SELECT ${RECORD_COLUMNS} FROM communication_records r WHERE r.id = $1 AND r.workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('not_found', { what: 'communication record' });
    await this.access.account(
      this.ds.manager,
      ability,
      workspaceId,
      rows[0].account_id,
      'CommunicationRecord',
      'read',
    );
    return toRecordView(rows[0]);
  }
}
