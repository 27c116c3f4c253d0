import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EVENTS, MemberDepartedEvent } from '@app/contracts';
import { DomainEvent, EventHandler } from '@app/messaging';
import { AccessLogWriter } from '../access-log/access-log.writer';
import { successorOf } from './successor';

const DEPARTURE = 'system:departure';

/**
 * Staff departure (issue 6, point 7; the policy: no customer is lost when someone leaves): the leaver's grants are
 * revoked, and the documents they own move to the successor (or to the successor of the related account), with
 * the previous owner kept in the history and every change on the access log. Later attempts by the leaver are
 * refused where the member is looked up (DocumentAccess.member) and logged as denied.
 * Runs once per event (inbox) in the event's transaction.
 */
@Injectable()
export class MemberDepartedListener {
  private readonly logger = new Logger('departure');

  constructor(private readonly log: AccessLogWriter) {}

  @EventHandler(EVENTS.memberDeparted, 'documents-member-departed')
  async onDeparted(event: DomainEvent<MemberDepartedEvent>, m: EntityManager): Promise<void> {
    const p = event.payload;
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [grants]: [{ id: string; document_id: string }[], number] = await m.query(
      `UPDATE document_grants SET revoked_at = now(), revoked_by = $3
       WHERE workspace_id = $1 AND grantee_type = 'member' AND grantee_id = $2 AND revoked_at IS NULL
       RETURNING id, document_id`,
      [p.workspaceId, p.memberId.toLowerCase(), DEPARTURE],
    );
    for (const g of grants)
      await this.log.appendIn(m, {
        workspaceId: p.workspaceId,
        memberId: DEPARTURE,
        action: 'revoke',
        subject: 'document',
        documentId: g.document_id,
        details: { grantId: g.id, granteeId: p.memberId, reason: 'member_departed', reportId: p.reportId },
      });

    const owned: { id: string; account_id: string | null }[] = await m.query(
      `SELECT id, account_id FROM documents WHERE workspace_id = $1 AND owner_id = $2 ORDER BY created_at, id
       FOR UPDATE`,
      [p.workspaceId, p.memberId],
    );
    for (const d of owned) {
      const to = successorOf(d.account_id, p);
      await m.query(`UPDATE documents SET owner_id = $2, updated_at = now() WHERE id = $1`, [d.id, to]);
      await m.query(
        `INSERT INTO document_owner_history (id, workspace_id, document_id, from_owner, to_owner, reason, report_id)
         VALUES ($1, $2, $3, $4, $5, 'member_departed', $6)`,
        [randomUUID(), p.workspaceId, d.id, p.memberId, to, p.reportId],
      );
      await this.log.appendIn(m, {
        workspaceId: p.workspaceId,
        memberId: DEPARTURE,
        action: 'transfer',
        subject: 'document',
        documentId: d.id,
        details: { from: p.memberId, to, reason: 'member_departed', reportId: p.reportId },
      });
    }
    this.logger.log(
      `member ${p.memberId} left workspace ${p.workspaceId}: ${grants.length} grant(s) revoked, ` +
        `${owned.length} document(s) handed over`,
    );
  }
}
