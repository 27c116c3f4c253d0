import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  EVENTS,
  KamError,
  MemberRosterView,
  PolicyAcknowledgementDueEvent,
  PolicyAcknowledgementsView,
  PolicyAcknowledgementView,
  PolicyPublicationView,
  ROSTER_MAX_LIMIT,
  RosterMember,
  SUBJECTS,
} from '@app/contracts';
import { addToOutbox, OutboxRelay, RpcClient } from '@app/messaging';
import { AccessLogWriter } from '../access-log/access-log.writer';
import { systemActor } from '../documents/document-access';
import { DocumentRow } from '../documents/document.sql';
import { DocumentsService } from '../documents/documents.service';
import { storedTimeZone } from '../workspaces/workspace-zones';
import { dayIn, policyAudience, PUBLISHABLE_CLASSIFICATIONS, splitAcknowledged } from './policy-audience';

interface PublicationRow {
  document_id: string;
  version_no: number;
  published_by: string;
  published_at: Date;
}

/**
 * Policy documents (制度; issue 6, point 6): the director publishes the current version of a policy, every active
 * member of the department acknowledges it, the director sees who has and who has not, and a daily job reminds
 * the others. Publishing and acknowledging are access-logged.
 */
@Injectable()
export class PoliciesService {
  constructor(
    private readonly ds: DataSource,
    private readonly documents: DocumentsService,
    private readonly log: AccessLogWriter,
    private readonly rpc: RpcClient,
    private readonly relay: OutboxRelay,
  ) {}

  /** Every member of the workspace who must acknowledge, from account-management's roster. */
  async audience(workspaceId: string, requestId: string): Promise<RosterMember[]> {
    const all: RosterMember[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.rpc.request<MemberRosterView>(
        SUBJECTS.accounts.memberRoster,
        systemActor(workspaceId, requestId),
        { limit: ROSTER_MAX_LIMIT, ...(cursor ? { cursor } : {}) },
      );
      all.push(...page.items);
      if (!page.nextCursor) return policyAudience(all);
      cursor = page.nextCursor;
    }
  }

  private async latest(
    m: EntityManager,
    workspaceId: string,
    documentId: string,
  ): Promise<PublicationRow | null> {
    const rows: PublicationRow[] = await m.query(
      `SELECT document_id, version_no, published_by, published_at FROM policy_publications
       WHERE document_id = $1 AND workspace_id = $2 ORDER BY version_no DESC LIMIT 1`,
      [documentId, workspaceId],
    );
    return rows[0] ?? null;
  }

  async publish(actor: Actor, id: string): Promise<PolicyPublicationView> {
    const ability = await this.documents.abilityOf(actor);
    const pub = await this.ds.transaction(async (m) => {
      const doc = await this.documents.load(m, actor, ability, id, 'publish', true);
      if (!ability.can('publish', 'Document')) {
        await this.documents.denied(actor, 'publish', id);
        throw new KamError('forbidden').markAudited();
      }
      this.requirePolicy(doc);
      const inserted: PublicationRow[] = await m.query(
        `INSERT INTO policy_publications (id, workspace_id, document_id, version_no, published_by)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (document_id, version_no) DO NOTHING
         RETURNING document_id, version_no, published_by, published_at`,
        [randomUUID(), actor.workspaceId, id, doc.current_version, actor.memberId],
      );
      if (!inserted[0]) return (await this.latest(m, actor.workspaceId, id))!;
      await this.log.appendIn(m, {
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'publish',
        subject: 'document',
        documentId: id,
        details: { version: doc.current_version, requestId: actor.requestId },
      });
      return inserted[0];
    });
    const audience = await this.audience(actor.workspaceId, actor.requestId);
    return {
      documentId: id,
      version: pub.version_no,
      publishedBy: pub.published_by,
      publishedAt: pub.published_at.toISOString(),
      audience: audience.length,
    };
  }

  private requirePolicy(doc: DocumentRow): void {
    if (doc.kind !== 'policy') throw new KamError('document_not_policy');
    if (!PUBLISHABLE_CLASSIFICATIONS.includes(doc.classification))
      throw new KamError('policy_classification_too_high', { classification: doc.classification });
  }

  /** The caller acknowledges the latest published version (again: the first time stands). */
  async acknowledge(actor: Actor, id: string): Promise<PolicyAcknowledgementView> {
    const ability = await this.documents.abilityOf(actor);
    return this.ds.transaction(async (m) => {
      const doc = await this.documents.load(m, actor, ability, id, 'acknowledge');
      if (!ability.can('acknowledge', 'Document')) {
        await this.documents.denied(actor, 'acknowledge', id);
        throw new KamError('forbidden').markAudited();
      }
      if (doc.kind !== 'policy') throw new KamError('document_not_policy');
      const pub = await this.latest(m, actor.workspaceId, id);
      if (!pub) throw new KamError('policy_not_published');
      const inserted: { acknowledged_at: Date }[] = await m.query(
        `INSERT INTO policy_acknowledgements (workspace_id, document_id, version_no, member_id)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING acknowledged_at`,
        [actor.workspaceId, id, pub.version_no, actor.memberId],
      );
      let at = inserted[0]?.acknowledged_at;
      if (at)
        await this.log.appendIn(m, {
          workspaceId: actor.workspaceId,
          memberId: actor.memberId,
          action: 'acknowledge',
          subject: 'document',
          documentId: id,
          details: { version: pub.version_no, requestId: actor.requestId },
        });
      else {
        const rows: { acknowledged_at: Date }[] = await m.query(
          `SELECT acknowledged_at FROM policy_acknowledgements
           WHERE document_id = $1 AND version_no = $2 AND member_id = $3`,
          [id, pub.version_no, actor.memberId],
        );
        at = rows[0].acknowledged_at;
      }
      return {
        documentId: id,
        version: pub.version_no,
        memberId: actor.memberId,
        acknowledgedAt: at.toISOString(),
      };
    });
  }

  /** Who has acknowledged the latest published version and who has not (whoever may change the document). */
  async acknowledgements(actor: Actor, id: string): Promise<PolicyAcknowledgementsView> {
    const doc = await this.documents.loadForUpdate(this.ds.manager, actor, id, 'list_acknowledgements');
    if (doc.kind !== 'policy') throw new KamError('document_not_policy');
    const pub = await this.latest(this.ds.manager, actor.workspaceId, id);
    if (!pub) throw new KamError('policy_not_published');
    const acks: { member_id: string; acknowledged_at: Date }[] = await this.ds.query(
      `SELECT member_id, acknowledged_at FROM policy_acknowledgements WHERE document_id = $1 AND version_no = $2`,
      [id, pub.version_no],
    );
    const audience = await this.audience(actor.workspaceId, actor.requestId);
    const split = splitAcknowledged(audience, new Map(acks.map((a) => [a.member_id, a.acknowledged_at])));
    return {
      documentId: id,
      title: doc.title,
      version: pub.version_no,
      publishedAt: pub.published_at.toISOString(),
      acknowledged: split.acknowledged.map((a) => ({
        memberId: a.memberId,
        name: a.name,
        acknowledgedAt: a.acknowledgedAt.toISOString(),
      })),
      pending: split.pending.map((p) => ({ memberId: p.memberId, name: p.name })),
    };
  }

  /**
   * The daily reminder: one event per member who has not acknowledged the latest published version of a policy,
   * at most once per member, version and day (the reminders table makes a second run that day a no-op).
   */
  async remind(workspaceId: string, asOf: Date): Promise<{ policies: number; reminders: number }> {
    const pubs: (PublicationRow & { title: string })[] = await this.ds.query(
      `SELECT DISTINCT ON (p.document_id) p.document_id, p.version_no, p.published_by, p.published_at, d.title
       FROM policy_publications p JOIN documents d ON d.id = p.document_id
       WHERE p.workspace_id = $1 AND p.published_at <= $2 AND d.kind = 'policy'
       ORDER BY p.document_id, p.version_no DESC`,
      [workspaceId, asOf.toISOString()],
    );
    if (!pubs.length) return { policies: 0, reminders: 0 };
    const audience = await this.audience(workspaceId, randomUUID());
    // The day in the workspace's own zone (Asia/Shanghai while account-management has not named it yet).
    const day = dayIn(asOf, await storedTimeZone(this.ds, workspaceId));
    let reminders = 0;
    await this.ds.transaction(async (m) => {
      for (const p of pubs) {
        const acks: { member_id: string; acknowledged_at: Date }[] = await m.query(
          `SELECT member_id, acknowledged_at FROM policy_acknowledgements WHERE document_id = $1 AND version_no = $2`,
          [p.document_id, p.version_no],
        );
        const pending = splitAcknowledged(
          audience,
          new Map(acks.map((a) => [a.member_id, a.acknowledged_at])),
        ).pending;
        if (!pending.length) continue;
        const fresh: { member_id: string }[] = await m.query(
          `INSERT INTO policy_reminders (workspace_id, document_id, version_no, member_id, day)
           SELECT $1, $2, $3, unnest($4::uuid[]), $5::date
           ON CONFLICT DO NOTHING RETURNING member_id`,
          [workspaceId, p.document_id, p.version_no, pending.map((x) => x.memberId), day],
        );
        for (const f of fresh)
          await addToOutbox<PolicyAcknowledgementDueEvent>(m, {
            subject: EVENTS.policyAcknowledgementDue,
            workspaceId,
            payload: {
              workspaceId,
              documentId: p.document_id,
              title: p.title,
              version: p.version_no,
              memberId: f.member_id,
              publishedAt: p.published_at.toISOString(),
              day,
            },
          });
        reminders += fresh.length;
      }
    });
    if (reminders) this.relay.kick();
    return { policies: pubs.length, reminders };
  }
}
