import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Actor,
  CompleteRevisitDto,
  EVENTS,
  KamError,
  ListRevisitsQuery,
  Page,
  RescheduleRevisitDto,
  RevisitCompletedEvent,
  RevisitView,
  validationError,
} from '@app/contracts';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { decodeCursor, encodeCursor, updateReturning } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { addTimeline } from '../archive/timeline';
import { cadenceDays, dateInTimeZone, nextRevisitDue, rescheduleProblem } from '../domain/revisit';
import { RevisitAccess } from './revisit-access';
import { REVISIT_COLUMNS, RevisitRow, toRevisitView } from './revisit.sql';

const OPEN = ['planned', 'overdue'];

/** The revisits cursor: the last row's due date and id. */
function revisitCursor(cursor: string): { due: string; id: string } {
  const c = decodeCursor(cursor, 'date');
  return { due: c.value, id: c.id };
}

/** Revisits (回访): the lists, completing one with its outcome, and rescheduling one with a reason. */
@Injectable()
export class RevisitsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly access: RevisitAccess,
    private readonly relay: OutboxRelay,
  ) {}

  /** Revisits the caller may read, earliest due first; `forAccount` is 404 when that account is hidden. */
  async list(actor: Actor, query: ListRevisitsQuery, forAccount?: string): Promise<Page<RevisitView>> {
    const { ability } = await this.actors.resolve(actor);
    if (forAccount) await this.access.account(this.ds.manager, ability, actor.workspaceId, forAccount);
    const values: unknown[] = [actor.workspaceId];
    const access = this.access.where(ability, 'read', values.length);
    values.push(...access.values);
    const where = ['r.workspace_id = $1', `(${access.sql})`];
    const filter = (sql: (p: string) => string, v: unknown) => {
      values.push(v);
      where.push(sql(`$${values.length}`));
    };
    const accountId = forAccount ?? query.accountId;
    if (accountId) filter((p) => `r.account_id = ${p}`, accountId);
    if (query.status) filter((p) => `r.status = ${p}`, query.status);
    if (query.assigneeId) filter((p) => `r.assignee_id = ${p}`, query.assigneeId);
    if (query.dueBefore) filter((p) => `r.due_date <= ${p}::date`, query.dueBefore);
    if (query.cursor) {
      const c = revisitCursor(query.cursor);
      values.push(c.due, c.id);
      where.push(`(r.due_date, r.id) > ($${values.length - 1}::date, $${values.length}::uuid)`);
    }
    const limit = query.limit ?? 50;
    values.push(limit + 1);
    const rows: RevisitRow[] = await this.ds.query(
      `SELECT ${REVISIT_COLUMNS} FROM revisits r JOIN accounts a ON a.id = r.account_id
       WHERE ${where.join(' AND ')} ORDER BY r.due_date, r.id LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toRevisitView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.due_date, last.id) : null,
    };
  }

  /**
   * Records the outcome of an open revisit and moves the account's last contact to now and its next due date
   * to now plus the tier's cadence (workspace time zone); writes the timeline and `revisit.completed`.
   */
  async complete(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: CompleteRevisitDto,
  ): Promise<RevisitView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const { revisit, account } = await this.access.forChange(m, ability, actor.workspaceId, id, 'update');
      if (revisit.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: revisit.version });
      if (!OPEN.includes(revisit.status))
        throw new KamError('conflict', { reason: `the revisit is ${revisit.status}, not open` });
      const { settings } = await this.settings.load(m, actor.workspaceId);
      const done: { completed_at: Date }[] = await updateReturning(
        m,
        `UPDATE revisits SET status = 'done', satisfaction = $2, issues = $3, next_steps = $4,
           completed_at = now(), completed_by = $5, version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING completed_at`,
        [id, dto.satisfaction, dto.issues ?? null, dto.nextSteps ?? null, actor.memberId],
      );
      const completedAt = done[0].completed_at;
      const cadence = cadenceDays(settings.tierLadder, account.tier);
      const nextDue = cadence === null ? null : nextRevisitDue(completedAt, cadence, settings.timeZone);
      await m.query(
        `UPDATE accounts SET last_contact_at = greatest(last_contact_at, $2), next_revisit_due = $3 WHERE id = $1`,
        [account.id, completedAt, nextDue],
      );
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: account.id,
        actorId: actor.memberId,
        kind: 'revisit_completed',
        details: { revisitId: id, dueDate: revisit.due_date, satisfaction: dto.satisfaction, nextDue },
      });
      await addToOutbox<RevisitCompletedEvent>(m, {
        subject: EVENTS.revisitCompleted,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          revisitId: id,
          accountId: account.id,
          satisfaction: dto.satisfaction,
          completedAt: completedAt.toISOString(),
          nextRevisitDue: nextDue,
        },
      });
    });
    this.relay.kick();
    return this.view(actor.workspaceId, id);
  }

  /** Moves an open revisit to another day (not in the past), with the reason kept; it is planned again. */
  async reschedule(
    actor: Actor,
    id: string,
    expectedVersion: number | undefined,
    dto: RescheduleRevisitDto,
  ): Promise<RevisitView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const { revisit, account } = await this.access.forChange(m, ability, actor.workspaceId, id, 'update');
      if (expectedVersion !== undefined && revisit.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: revisit.version });
      if (!OPEN.includes(revisit.status))
        throw new KamError('conflict', { reason: `the revisit is ${revisit.status}, not open` });
      const { settings } = await this.settings.load(m, actor.workspaceId);
      const problem = rescheduleProblem(dto.dueDate, dateInTimeZone(new Date(), settings.timeZone));
      if (problem) throw validationError([{ field: 'dueDate', message: problem }]);
      if (dto.dueDate === revisit.due_date)
        throw new KamError('conflict', { reason: 'the revisit is already due on that day' });
      const taken: unknown[] = await m.query(
        `SELECT 1 FROM revisits WHERE account_id = $1 AND due_date = $2 AND id <> $3`,
        [account.id, dto.dueDate, id],
      );
      if (taken.length)
        throw new KamError('conflict', { reason: 'the account already has a revisit on that day' });
      await m.query(
        `UPDATE revisits SET due_date = $2, rescheduled_from = $3, reschedule_reason = $4, status = 'planned',
           version = version + 1, updated_at = now() WHERE id = $1`,
        [id, dto.dueDate, revisit.due_date, dto.reason],
      );
      await m.query(`UPDATE accounts SET next_revisit_due = $2 WHERE id = $1`, [account.id, dto.dueDate]);
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: account.id,
        actorId: actor.memberId,
        kind: 'revisit_rescheduled',
        details: { revisitId: id, from: revisit.due_date, to: dto.dueDate, reason: dto.reason },
      });
      await addToOutbox(m, {
        subject: EVENTS.revisitRescheduled,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          revisitId: id,
          accountId: account.id,
          from: revisit.due_date,
          to: dto.dueDate,
        },
      });
    });
    this.relay.kick();
    return this.view(actor.workspaceId, id);
  }

  private async view(workspaceId: string, id: string): Promise<RevisitView> {
    const rows: RevisitRow[] = await this.ds.query(
      `SELECT ${REVISIT_COLUMNS} FROM revisits r JOIN accounts a ON a.id = r.account_id
       WHERE r.id = $1 AND r.workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('not_found', { what: 'revisit' });
    return toRevisitView(rows[0]);
  }
}
