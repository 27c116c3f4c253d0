import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EVENTS, PolicyAcknowledgementDueEvent } from '@app/contracts';
import { DomainEvent, EventHandler } from '@app/messaging';

/**
 * Policies (制度) a member has not acknowledged yet (issue 6): document-security reminds each member once a day
 * until they do, and the reminder lands in the member's in-app notifications. The event id makes a redelivery
 * harmless (inbox); a member who has left meanwhile gets nothing.
 */
@Injectable()
export class PolicyNotificationsListener {
  @EventHandler(EVENTS.policyAcknowledgementDue, 'notify-policy-acknowledgement-due')
  async onAcknowledgementDue(
    event: DomainEvent<PolicyAcknowledgementDueEvent>,
    m: EntityManager,
  ): Promise<void> {
    const p = event.payload;
    await m.query(
      `INSERT INTO notifications (id, workspace_id, member_id, kind, title, body, link)
       SELECT gen_random_uuid(), $1, r.id, 'policy_acknowledgement_due',
              '请阅读并确认制度《' || $3 || '》(第 ' || $4 || ' 版) / Please read and acknowledge the policy "'
                || $3 || '" (version ' || $4 || ')',
              NULL, jsonb_build_object('documentId', $5::text, 'version', $4::int, 'publishedAt', $6::text)
       FROM members r WHERE r.workspace_id = $1 AND r.id = $2 AND r.status = 'active'`,
      [p.workspaceId, p.memberId, p.title, p.version, p.documentId, p.publishedAt],
    );
  }
}
