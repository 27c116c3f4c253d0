import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, KamError, ListNotificationsQuery, NotificationView, Page } from '@app/contracts';
import { decodeCursor, encodeCursor, updateReturning } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { NotificationRow, toNotificationView } from './revisit.sql';

const COLUMNS = `n.id, n.kind, n.title, n.body, n.link, n.created_at, n.read_at`;

/**
 * In-app notifications: each member reads and marks only their own (no ability needed beyond being an active
 * member of the workspace). E-mail or IM delivery is a later hook.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
  ) {}

  /** The caller's own notifications, newest first; `unread` keeps those not yet read. */
  async list(actor: Actor, query: ListNotificationsQuery): Promise<Page<NotificationView>> {
    await this.actors.resolve(actor);
    const values: unknown[] = [actor.workspaceId, actor.memberId];
    const where = ['n.workspace_id = $1', 'n.member_id = $2'];
    if (query.unread) where.push('n.read_at IS NULL');
    if (query.cursor) {
      const c = decodeCursor(query.cursor, 'timestamp');
      values.push(c.value, c.id);
      where.push(`(n.created_at, n.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    const limit = query.limit ?? 50;
    values.push(limit + 1);
    const rows: NotificationRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM notifications n WHERE ${where.join(' AND ')}
       ORDER BY n.created_at DESC, n.id DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toNotificationView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
    };
  }

  /** Marks one of the caller's notifications read (again is a no-op); someone else's is "not found". */
  async markRead(actor: Actor, id: string): Promise<NotificationView> {
    await this.actors.resolve(actor);
    const rows = await updateReturning<NotificationRow>(
      this.ds.manager,
      `UPDATE notifications n SET read_at = coalesce(n.read_at, now())
       WHERE n.id = $1 AND n.workspace_id = $2 AND n.member_id = $3 RETURNING ${COLUMNS}`,
      [id, actor.workspaceId, actor.memberId],
    );
    if (!rows[0]) throw new KamError('not_found', { what: 'notification' });
    return toNotificationView(rows[0]);
  }
}
