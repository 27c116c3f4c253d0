import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessRecordedEvent, EVENTS } from '@app/contracts';
import { DomainEvent, EventHandler } from '@app/messaging';
import { AccessLogWriter } from './access-log.writer';

/**
 * Writes what the gateway saw to the access log (issue 14, point 6): views of an account's archive, refusals of known
 * members on any route, and job-console actions. The row id is the event id, so a redelivered event cannot add a
 * second row; each goes through the workspace's hash chain like every other entry.
 */
@Injectable()
export class GatewayAccessLogListener {
  constructor(private readonly log: AccessLogWriter) {}

  @EventHandler(EVENTS.accessRecorded, 'access-log-gateway')
  async onRecorded(event: DomainEvent<AccessRecordedEvent>, m: EntityManager): Promise<void> {
    const p = event.payload;
    await this.log.appendIn(m, {
      id: event.id,
      workspaceId: p.workspaceId,
      memberId: p.memberId,
      action: p.action,
      subject: p.subject,
      documentId: p.documentId ?? null,
      details: {
        via: 'gateway',
        method: p.method,
        route: p.route,
        ...(p.accountId ? { accountId: p.accountId } : {}),
        ...(p.reason ? { reason: p.reason, status: p.status ?? null } : {}),
        ...(p.details ?? {}),
        requestId: event.requestId ?? null,
      },
      at: new Date(p.at),
    });
  }
}
