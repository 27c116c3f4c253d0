import { AbilityBuilder, createMongoAbility, ForcedSubject, MongoAbility, MongoQuery } from '@casl/ability';
import { Actor, Role } from '@app/contracts';
import {
  AccountSubject,
  Action,
  PERFORMANCE_SUBJECTS,
  PerformanceSubject,
  ACCOUNT_BASIC_FIELDS,
  CONTACT_BASIC_FIELDS,
  RecordSubject,
  SubjectName,
} from './subjects';

export type KamSubject =
  SubjectName | { [K in RecordSubject]: AccountSubject & ForcedSubject<K> }[RecordSubject];
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

const accountBasic = [...ACCOUNT_BASIC_FIELDS];
const contactBasic = [...CONTACT_BASIC_FIELDS];
/** Records that hang off an account and follow its access: the archive. */
const ARCHIVE: RecordSubject[] = ['Contact', 'CommunicationRecord', 'AccountPlan', 'Project', 'Risk'];
/** DESIGN §4 row "Revisit, complaint, survey". */
const SERVICE: RecordSubject[] = ['Revisit', 'Complaint', 'Survey'];
/** Contracts and orders: commercial records, seen like the account's financial fields. */
const COMMERCIAL: RecordSubject[] = ['Contract', 'Order', 'Tender'];
const ORG: ('Member' | 'Team')[] = ['Member', 'Team'];
/** Performance set-up every staff member may read: targets, templates, cycles, training sessions. */
const PERFORMANCE_SETUP: PerformanceSubject[] = [
  'Target',
  'ScorecardTemplate',
  'PerformanceCycle',
  'Training',
];
/** What an evaluated member does with their own published scorecard and approved commission statement. */
const ownPerformance: RuleSet = (b, { actor }) => {
  const own = { memberId: actor.memberId, published: true };
  b.can(['read', 'acknowledge', 'appeal'], 'Scorecard', own);
  b.can('read', 'CommissionStatement', own);
  b.can('read', PERFORMANCE_SETUP);
};

const everyoneReadsOrg: RuleSet = ({ can }) => {
  can('read', ORG);
  can('read', 'Settings');
};

/**
 * The role table of DESIGN §4, one entry per role. A member with several roles gets the union.
 * Record-level conditions use fields the SQL helper knows how to translate (see the field maps).
 */
const RULES: Record<Role, RuleSet> = {
  director: (b) => {
    b.can('manage', 'Account');
    b.can('manage', ARCHIVE);
    b.can('manage', SERVICE);
    b.can('manage', COMMERCIAL);
    b.can('manage', ORG);
    b.can('manage', 'Settings');
    // Evaluation: everything, including approval, appeals, locking and pay.
    b.can('manage', ['Scorecard', 'CommissionStatement']);
    b.can('manage', [...PERFORMANCE_SUBJECTS]);
  },
  deputy_director: (b) => {
    // Everything the director does on accounts except deciding a downgrade from the top tiers.
    b.can(['create', 'read', 'update', 'delete', 'export', 'changeTier', 'assign'], 'Account');
    b.can('manage', ARCHIVE);
    b.can('manage', SERVICE);
    // The director decides discounts above authority; the deputy does the rest.
    b.can(['create', 'read', 'update', 'export'], COMMERCIAL);
    b.can('manage', ORG);
    b.can('read', 'Settings');
    // Prepares evaluations (ratings, publication, statement drafts); the director approves, decides and locks.
    b.can(['create', 'read', 'update', 'rate', 'publish', 'export'], ['Scorecard', 'CommissionStatement']);
    b.can(['create', 'read', 'update'], ['Target', 'ScorecardTemplate', 'PerformanceCycle', 'Training']);
    b.can(['create', 'read', 'update'], 'CommissionPlan');
    b.can('read', ['PayBase', 'EliminationWarning']);
  },
  group_leader: (b, { actor, ledTeamIds }) => {
    const team = { ownerTeamId: { $in: ledTeamIds } };
    const own = { ownerId: actor.memberId };
    for (const cond of [team, own]) {
      b.can(['create', 'read', 'update', 'export', 'changeTier', 'assign'], 'Account', cond);
      b.can('manage', ARCHIVE, cond);
      b.can('manage', SERVICE, cond);
      b.can(['create', 'read', 'update'], COMMERCIAL, cond);
    }
    everyoneReadsOrg(b, { actor, ledTeamIds, teamIds: [] });
    // Rates and publishes their own team's scorecards (not their own: the director rates a group leader).
    const ledTeam = { teamId: { $in: ledTeamIds } };
    b.can(['read', 'rate', 'publish'], 'Scorecard', ledTeam);
    b.can('read', 'CommissionStatement', ledTeam);
    b.can(['create', 'update'], 'Training');
    ownPerformance(b, { actor, ledTeamIds, teamIds: [] });
    // Their own scorecard is rated by the director and shown to them once published, like everyone's.
    b.cannot(['rate', 'publish'], 'Scorecard', { memberId: actor.memberId });
    b.cannot('read', 'Scorecard', { memberId: actor.memberId, published: false });
    b.cannot('read', 'CommissionStatement', { memberId: actor.memberId, published: false });
  },
  account_manager: (b, ctx) => {
    const own = { ownerId: ctx.actor.memberId };
    // "Manage own": everything on their own accounts but deleting; `assign` keeps them the owner (checked on the
    // account after the change), so they set assistants and the service team but cannot give accounts away.
    b.can(['create', 'read', 'update', 'export', 'changeTier', 'assign'], 'Account', own);
    b.can('manage', ARCHIVE, own);
    b.can('manage', SERVICE, own);
    b.can(['create', 'read', 'update'], COMMERCIAL, own);
    everyoneReadsOrg(b, ctx);
    ownPerformance(b, ctx);
  },
  assistant_account_manager: (b, ctx) => {
    const assisted = { assistantIds: ctx.actor.memberId };
    b.can(['read', 'update'], 'Account', assisted);
    b.can(['create', 'read', 'update'], ARCHIVE, assisted);
    b.can(['create', 'read', 'update'], SERVICE, assisted);
    b.can(['create', 'read', 'update'], COMMERCIAL, assisted);
    everyoneReadsOrg(b, ctx);
    ownPerformance(b, ctx);
  },
  customer_service: (b, ctx) => {
    const serviced = { serviceTeamId: { $in: ctx.teamIds } };
    b.can('read', 'Account', accountBasic, serviced);
    b.can('read', ['Contact', 'AccountPlan'], serviced);
    b.can(['create', 'read', 'update'], 'CommunicationRecord', serviced);
    b.can(['create', 'read', 'update'], SERVICE, serviced);
    everyoneReadsOrg(b, ctx);
    ownPerformance(b, ctx);
  },
  market_researcher: (b, ctx) => {
    b.can('create', 'Account', { status: 'prospect' });
    b.can('read', 'Account', accountBasic);
    // Contacts without phone or e-mail; no records or plans.
    b.can('read', 'Contact', contactBasic);
    everyoneReadsOrg(b, ctx);
    ownPerformance(b, ctx);
  },
  clerk: (b, ctx) => {
    // The archive, without financial fields.
    b.can('read', 'Account', accountBasic);
    b.can('read', ARCHIVE);
    b.can('read', SERVICE);
    b.can('read', COMMERCIAL);
    b.can('export', 'Account');
    everyoneReadsOrg(b, ctx);
    ownPerformance(b, ctx);
    // 内勤 keeps the training records (sessions, attendance, assessment scores).
    b.can(['create', 'update'], 'Training');
  },
  executive: (b, ctx) => {
    b.can(['read', 'export'], 'Account');
    b.can('read', ARCHIVE);
    b.can('read', SERVICE);
    b.can('read', COMMERCIAL);
    everyoneReadsOrg(b, ctx);
    b.can(['read', 'export'], ['Scorecard', 'CommissionStatement']);
    b.can('read', [...PERFORMANCE_SUBJECTS]);
  },
  // Audit and investigations only: no business data.
  security_officer: () => undefined,
  // Settings, organisation, API keys and the job console: no business data.
  admin: (b) => {
    b.can('manage', 'Settings');
    b.can('manage', ORG);
  },
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

/**
 * Capabilities only a person signed in with their own token holds, never an API key (issue 14, point 2): a key
 * cannot make keys, open the job console or run its jobs, or repoint the CRM connection.
 */
const PERSON_ONLY: readonly Capability[] = ['jobs:console', 'api-keys:manage'];

/** Whether this caller (roles and kind of credential) holds the capability. */
export function actorHasCapability(actor: Pick<Actor, 'roles' | 'kind'>, capability: Capability): boolean {
  if (actor.kind === 'api_key' && PERSON_ONLY.includes(capability)) return false;
  return hasCapability(actor.roles, capability);
}
