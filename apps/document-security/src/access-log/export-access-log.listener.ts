import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountExportCompletedEvent, AccountExportedEvent, EVENTS } from '@app/contracts';
import { DomainEvent, EventHandler } from '@app/messaging';

/**
 * Writes account exports to the access log: one row when an export starts (who, which filters) and one when
 * it ends (how many rows went out, and whether the download completed). The row id is the event id, so a
 * redelivered event cannot add a second row even without the inbox.
 */
@Injectable()
export class ExportAccessLogListener {
  @EventHandler(EVENTS.accountExported, 'access-log-account-exported')
  async onExported(event: DomainEvent<AccountExportedEvent>, m: EntityManager): Promise<void> {
    const p = event.payload;
    await m.query(
      `INSERT INTO access_log (id, workspace_id, member_id, action, subject, details, at)
       VALUES ($1, $2, $3, 'export', 'accounts', $4, $5) ON CONFLICT (id) DO NOTHING`,
      [
        event.id,
        p.workspaceId,
        p.memberId,
        JSON.stringify({ exportId: p.exportId, filters: p.filters, requestId: event.requestId ?? null }),
        p.at,
      ],
    );
  }

  @EventHandler(EVENTS.accountExportCompleted, 'access-log-account-export-completed')
  async onCompleted(event: DomainEvent<AccountExportCompletedEvent>, m: EntityManager): Promise<void> {
    const p = event.payload;
    await m.query(
      `INSERT INTO access_log (id, workspace_id, member_id, action, subject, details, at)
       VALUES ($1, $2, $3, 'export_completed', 'accounts', $4, $5) ON CONFLICT (id) DO NOTHING`,
      [
        event.id,
        p.workspaceId,
        p.memberId,
        JSON.stringify({ exportId: p.exportId, rowCount: p.rowCount, complete: p.complete }),
        p.at,
      ],
    );
  }
}
