import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessRecordedEvent, EVENTS } from '@app/contracts';
import { DomainEvent, EventHandler } from '@app/messaging';
import { AccessLogWriter } from './access-log.writer';

/**
 * Writes what the gateway saw to the access log (issue 14, point 6; ADR 0019): views of an account's archive,
 * refusals of known members on any route, job-console actions and CRM connection changes. One event carries the
 * entries of one workspace the gateway committed together; they go through the workspace's hash chain in one
 * transaction, in order. Each row's id is the id the gateway gave the entry, so a redelivery cannot add a row.
 */
@Injectable()
export class GatewayAccessLogListener {
  constructor(private readonly log: AccessLogWriter) {}

  @EventHandler(EVENTS.accessRecorded, 'access-log-gateway')
  async onRecorded(event: DomainEvent<AccessRecordedEvent>, m: EntityManager): Promise<void> {
    const { workspaceId, entries } = event.payload;
    await this.log.appendManyIn(
      m,
      entries
        .filter((p) => p.workspaceId === workspaceId)
        .map((p) => ({
          id: p.id,
          workspaceId,
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
            requestId: p.requestId ?? event.requestId ?? null,
          },
          at: new Date(p.at),
        })),
    );
  }
}
