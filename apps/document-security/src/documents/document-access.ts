import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountRelationsView, Actor, KamError, MemberContextView, Role, SUBJECTS } from '@app/contracts';
import {
  accessibleWherePositional,
  Action,
  column,
  defineDocumentAbilityFor,
  FieldMap,
  KamAbility,
  PositionalSqlCondition,
  via,
} from '@app/authz';
import { RpcClient } from '@app/messaging';

const liveGrant = (type: string) => (cond: string) =>
  `SELECT g.document_id FROM document_grants g
   WHERE g.grantee_type = '${type}' AND g.revoked_at IS NULL AND g.expires_at > now() AND ${cond}`;

/** How the document rules' fields become SQL over `documents d`. */
export const DOCUMENT_FIELD_SQL: FieldMap = {
  classification: column('d.classification'),
  // Compared as text: an API key's actor id is not a UUID.
  ownerId: column('d.owner_id::text'),
  accountId: column('d.account_id::text'),
  grantMemberIds: via('d.id', liveGrant('member'), 'g.grantee_id'),
  grantTeamIds: via('d.id', liveGrant('team'), 'g.grantee_id'),
  grantRoles: via('d.id', liveGrant('role'), 'g.grantee_id'),
};

/** Roles that read every confidential document: no need to ask whose accounts the member serves. */
const ALL_CONFIDENTIAL: Role[] = ['director', 'deputy_director', 'executive', 'clerk'];
const NO_STAFF: Role[] = ['admin', 'security_officer'];

export function systemActor(workspaceId: string, requestId: string): Actor {
  return { workspaceId, memberId: 'system:document-security', roles: [], requestId, kind: 'system' };
}

/**
 * The one access path of documents: the ability of the actor (DESIGN §4 document rows, libs/authz) and its SQL.
 * The related accounts' owners, assistants and group leaders come from account-management per request.
 */
@Injectable()
export class DocumentAccess {
  constructor(
    private readonly ds: DataSource,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * The member behind a user token or API key (a key acts as its owner), from account-management: their teams (for
   * grants to a team) and name (for watermarks). A departed member is refused, and the attempt logged by the caller.
   * System actors have no member record.
   */
  async member(actor: Actor): Promise<MemberContextView | null> {
    if (actor.kind === 'system') return null;
    let ctx: MemberContextView;
    try {
      ctx = await this.rpc.request<MemberContextView>(
        SUBJECTS.accounts.memberContext,
        systemActor(actor.workspaceId, actor.requestId),
        { memberId: actor.memberId },
      );
    } catch (e) {
      if (e instanceof KamError && (e.code === 'not_found' || e.code === 'validation_failed'))
        throw new KamError('unauthenticated');
      throw e;
    }
    if (!ctx.active) throw new KamError('member_departed');
    return ctx;
  }

  /** Is `memberId` an active member of the actor's workspace (asked from account-management)? */
  async isActiveMember(actor: Actor, memberId: string): Promise<boolean> {
    try {
      const ctx = await this.rpc.request<MemberContextView>(
        SUBJECTS.accounts.memberContext,
        systemActor(actor.workspaceId, actor.requestId),
        { memberId },
      );
      return ctx.active;
    } catch (e) {
      if (e instanceof KamError && (e.code === 'not_found' || e.code === 'validation_failed')) return false;
      throw e;
    }
  }

  /**
   * The actor's document ability. `alsoRelated`: accounts to judge besides those confidential documents already
   * relate to (the account of a document being created).
   */
  async ability(
    actor: Actor,
    member?: MemberContextView | null,
    alsoRelated: AccountRelationsView[] = [],
  ): Promise<KamAbility> {
    const teamIds = (member === undefined ? await this.member(actor) : member)?.teamIds ?? [];
    let relatedAccountIds: string[] = [];
    const staff = actor.roles.some((r) => !NO_STAFF.includes(r));
    if (staff && !actor.roles.some((r) => ALL_CONFIDENTIAL.includes(r)) && actor.kind !== 'system') {
      const rows: { account_id: string }[] = await this.ds.query(
        `SELECT DISTINCT account_id FROM documents
         WHERE workspace_id = $1 AND classification = 'confidential' AND account_id IS NOT NULL`,
        [actor.workspaceId],
      );
      const known = new Set(alsoRelated.map((r) => r.accountId));
      const relations = [
        ...alsoRelated,
        ...(await this.relations(
          actor,
          rows.map((r) => r.account_id).filter((id) => !known.has(id)),
        )),
      ];
      const me = actor.memberId;
      relatedAccountIds = relations
        .filter((r) => r.ownerId === me || r.ownerLeaderId === me || r.assistantIds.includes(me))
        .map((r) => r.accountId);
    }
    return defineDocumentAbilityFor({ actor, teamIds, ledTeamIds: [], relatedAccountIds });
  }

  /** Owners, assistants and leaders of accounts, from account-management (batches of 500). */
  async relations(actor: Actor, accountIds: string[]): Promise<AccountRelationsView[]> {
    const out: AccountRelationsView[] = [];
    for (let i = 0; i < accountIds.length; i += 500) {
      const batch = accountIds.slice(i, i + 500);
      out.push(
        ...(await this.rpc.request<AccountRelationsView[]>(
          SUBJECTS.accounts.accountRelations,
          systemActor(actor.workspaceId, actor.requestId),
          { accountIds: batch },
        )),
      );
    }
    return out;
  }

  /** What the ability allows as SQL over `documents d`, or null when it allows no document at all. */
  where(ability: KamAbility, action: Action, offset: number): PositionalSqlCondition | null {
    return accessibleWherePositional(ability, action, 'Document', DOCUMENT_FIELD_SQL, offset);
  }

  /** Like `where`, but 403 when nothing is allowed. */
  require(ability: KamAbility, action: Action, offset: number): PositionalSqlCondition {
    const w = this.where(ability, action, offset);
    if (!w) throw new KamError('forbidden');
    return w;
  }
}
