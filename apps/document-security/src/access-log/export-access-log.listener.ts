import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountExportCompletedEvent, AccountExportedEvent, EVENTS } from '@app/contracts';
import { DomainEvent, EventHandler } from '@app/messaging';
import { AccessLogWriter } from './access-log.writer';

/**
 * Writes account exports to the access log: one row when an export starts (who, which filters) and one when
 * it ends (how many rows went out, and whether the download completed). The row id is the event id, so a
 * redelivered event cannot add a second row even without the inbox. Both go through the workspace's hash chain.
 */
@Injectable()
export class ExportAccessLogListener {
  constructor(private readonly log: AccessLogWriter) {}

  @EventHandler(EVENTS.accountExported, 'access-log-account-exported')
  async onExported(event: DomainEvent<AccountExportedEvent>, m: EntityManager): Promise<void> {
    const p = event.payload;
    await this.log.appendIn(m, {
      id: event.id,
      workspaceId: p.workspaceId,
      memberId: p.memberId,
      action: 'export',
      subject: 'accounts',
      details: { exportId: p.exportId, filters: p.filters, requestId: event.requestId ?? null },
      at: new Date(p.at),
    });
  }

  @EventHandler(EVENTS.accountExportCompleted, 'access-log-account-export-completed')
  async onCompleted(event: DomainEvent<AccountExportCompletedEvent>, m: EntityManager): Promise<void> {
    const p = event.payload;
    await this.log.appendIn(m, {
      id: event.id,
      workspaceId: p.workspaceId,
      memberId: p.memberId,
      action: 'export_completed',
      subject: 'accounts',
      details: { exportId: p.exportId, rowCount: p.rowCount, complete: p.complete },
      at: new Date(p.at),
    });
  }
}
