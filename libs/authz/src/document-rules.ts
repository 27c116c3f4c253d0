import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import { Role } from '@app/contracts';
import { ActorContext, KamAbility } from './ability';

/** What the document service knows about the actor beyond ActorContext. */
export interface DocumentActorContext extends ActorContext {
  /**
   * Accounts the member serves as owner, assistant or the owner's group leader, among the accounts that
   * documents relate to (asked from account-management per request).
   */
  relatedAccountIds: string[];
}

/** Every role but admin and security_officer: the staff of the department and the company's executives. */
const STAFF: Role[] = [
  'director',
  'deputy_director',
  'group_leader',
  'account_manager',
  'assistant_account_manager',
  'customer_service',
  'market_researcher',
  'clerk',
  'executive',
];
/** Read every confidential document. */
const CONFIDENTIAL_READERS: Role[] = ['director', 'deputy_director', 'executive', 'clerk'];
/** Read every secret document. */
const SECRET_READERS: Role[] = ['director', 'executive'];
/** Upload documents (executives only read). */
const UPLOADERS: Role[] = STAFF.filter((r) => r !== 'executive');
/** New versions and grants on any document they may read. */
const DOCUMENT_MANAGERS: Role[] = ['director', 'deputy_director'];

/**
 * The document rows of DESIGN §4 (issue 6): `public` everyone; `internal` all staff roles; `confidential` the
 * director, deputy, executive, clerk, the document's owner and the related account's owner, assistants and the
 * owner's group leader; `secret` the director, the executive and explicit, unexpired grants (to the member,
 * one of their teams or one of their roles). `update` (new versions, grants) is for the director and deputy on
 * what they may read and for the owner on their own non-secret documents.
 */
export function defineDocumentAbilityFor(ctx: DocumentActorContext): KamAbility {
  const { can, build } = new AbilityBuilder<KamAbility>(createMongoAbility);
  const roles = ctx.actor.roles;
  const has = (set: Role[]) => roles.some((r) => set.includes(r));
  const me = ctx.actor.memberId;

  can('read', 'Document', { classification: 'public' });
  if (has(STAFF)) {
    can('read', 'Document', { classification: 'internal' });
    can('read', 'Document', { classification: 'confidential', ownerId: me });
    can('read', 'Document', { classification: 'confidential', accountId: { $in: ctx.relatedAccountIds } });
  }
  if (has(CONFIDENTIAL_READERS)) can('read', 'Document', { classification: 'confidential' });
  if (has(SECRET_READERS)) can('read', 'Document', { classification: 'secret' });
  // Explicit grants open any level, secret included, until they expire or are revoked.
  can('read', 'Document', { grantMemberIds: me });
  if (ctx.teamIds.length) can('read', 'Document', { grantTeamIds: { $in: ctx.teamIds } });
  if (roles.length) can('read', 'Document', { grantRoles: { $in: [...roles] } });

  if (has(UPLOADERS)) can('create', 'Document');
  if (has(DOCUMENT_MANAGERS)) {
    can('update', 'Document', { classification: { $in: ['public', 'internal', 'confidential'] } });
    if (roles.includes('director')) can('update', 'Document', { classification: 'secret' });
  }
  if (has(STAFF)) can('update', 'Document', { ownerId: me, classification: { $ne: 'secret' } });
  // Export controls and policies (issue 6): the director approves bulk exports and publishes policies (制度) that
  // every member must acknowledge; every staff member acknowledges. The executive (公司领导, the director's superior)
  // approves exports too, so the director's own requests have someone to decide them: nobody decides their own
  // (issue 14, point 12; checked by document-security on the request).
  if (roles.includes('director')) {
    can('approve', 'Document');
    can('publish', 'Document');
  }
  if (roles.includes('executive')) can('approve', 'Document');
  if (has(STAFF)) can('acknowledge', 'Document');
  return build();
}
