import { AbilityBuilder, createMongoAbility, ForcedSubject, MongoAbility, MongoQuery } from '@casl/ability';
import { Actor, Role } from '@app/contracts';
import { AccountSubject, Action, ACCOUNT_BASIC_FIELDS, SubjectName } from './subjects';

export type KamSubject = SubjectName | (AccountSubject & ForcedSubject<'Account'>);
export type KamAbility = MongoAbility<[Action, KamSubject], MongoQuery>;

/** What the owning service knows about the actor beyond the token: their teams. */
export interface ActorContext {
  actor: Actor;
  /** Teams the member belongs to. */
  teamIds: string[];
  /** Teams the member leads as group leader. */
  ledTeamIds: string[];
}

type Builder = AbilityBuilder<KamAbility>;
type RuleSet = (b: Builder, ctx: ActorContext) => void;

const basic = [...ACCOUNT_BASIC_FIELDS];

/**
 * The role table of DESIGN §4, one entry per role. A member with several roles gets the union.
 * Record-level conditions use fields the SQL helper knows how to translate (see account field map).
 */
const RULES: Record<Role, RuleSet> = {
  director: ({ can }) => {
    can('manage', 'Account');
  },
  deputy_director: ({ can }) => {
    can('manage', 'Account');
  },
  group_leader: ({ can }, { actor, ledTeamIds }) => {
    can('manage', 'Account', { ownerTeamId: { $in: ledTeamIds } });
    can('manage', 'Account', { ownerId: actor.memberId });
  },
  account_manager: ({ can }, { actor }) => {
    can('manage', 'Account', { ownerId: actor.memberId });
  },
  assistant_account_manager: ({ can }, { actor }) => {
    can(['read', 'update'], 'Account', { assistantIds: actor.memberId });
  },
  customer_service: ({ can }, { teamIds }) => {
    can('read', 'Account', basic, { serviceTeamId: { $in: teamIds } });
  },
  market_researcher: ({ can }) => {
    can('create', 'Account', { status: 'prospect' });
    can('read', 'Account', basic);
  },
  clerk: ({ can }) => {
    can('read', 'Account', basic);
  },
  executive: ({ can }) => {
    can('read', 'Account');
  },
  // Audit and investigations only: no business data.
  security_officer: () => undefined,
  // Settings, API keys and the job console: no business data.
  admin: () => undefined,
};

export function defineAbilityFor(ctx: ActorContext): KamAbility {
  const builder = new AbilityBuilder<KamAbility>(createMongoAbility);
  for (const role of ctx.actor.roles) RULES[role]?.(builder, ctx);
  return builder.build();
}

/** Capabilities that are not about records (job console, API keys, settings). */
export type Capability = 'jobs:console' | 'api-keys:manage' | 'settings:manage';
const CAPABILITIES: Record<Capability, Role[]> = {
  'jobs:console': ['admin'],
  'api-keys:manage': ['admin'],
  'settings:manage': ['admin', 'director'],
};

export function hasCapability(roles: readonly Role[], capability: Capability): boolean {
  return roles.some((r) => CAPABILITIES[capability].includes(r));
}
