import { subject } from '@casl/ability';
import { Role, ROLES } from '@app/contracts';
import { ActorContext, Capability, defineAbilityFor, hasCapability } from './ability';
import { AccountSubject, ACCOUNT_FINANCIAL_FIELDS } from './subjects';

/*
 * The actor is always the same member; only their roles change. They belong to a customer service team
 * (SERVICE_TEAM) and lead a sales team (LED_TEAM), so each relation below is met by exactly one account.
 */
const ME = '11111111-1111-4111-8111-111111111111';
const COLLEAGUE = '22222222-2222-4222-8222-222222222222';
const SERVICE_TEAM = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const LED_TEAM = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const OTHER_TEAM = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';

function ctxFor(
  roles: Role[],
  teams: Partial<Pick<ActorContext, 'teamIds' | 'ledTeamIds'>> = {},
): ActorContext {
  return {
    actor: { workspaceId: 'ws-1', memberId: ME, roles, requestId: 'req-1' },
    teamIds: teams.teamIds ?? [SERVICE_TEAM],
    ledTeamIds: teams.ledTeamIds ?? [LED_TEAM],
  };
}

type Relation = 'own' | 'team' | 'service' | 'assisted' | 'other';
type CrudAction = 'create' | 'read' | 'update' | 'delete';

const RELATIONS: Relation[] = ['own', 'team', 'service', 'assisted', 'other'];
const ACTIONS: CrudAction[] = ['create', 'read', 'update', 'delete'];

/** An active account related to the actor in exactly one way. */
function accountOf(relation: Relation): AccountSubject {
  const base: AccountSubject = {
    ownerId: COLLEAGUE,
    ownerTeamId: OTHER_TEAM,
    serviceTeamId: OTHER_TEAM,
    assistantIds: [],
    status: 'active',
  };
  switch (relation) {
    case 'own':
      return { ...base, ownerId: ME };
    case 'team':
      return { ...base, ownerTeamId: LED_TEAM };
    case 'service':
      return { ...base, serviceTeamId: SERVICE_TEAM };
    case 'assisted':
      return { ...base, assistantIds: [COLLEAGUE, ME] };
    case 'other':
      return base;
  }
}

const asAccount = (a: AccountSubject) => subject('Account', { ...a });

const ROLE_NAMES: Record<Role, string> = {
  director: 'a director',
  deputy_director: 'a deputy director',
  group_leader: 'a group leader',
  account_manager: 'an account manager',
  assistant_account_manager: 'an assistant account manager',
  customer_service: 'a customer service agent',
  market_researcher: 'a market researcher',
  clerk: 'a clerk',
  executive: 'an executive',
  security_officer: 'a security officer',
  admin: 'an admin',
};

const RELATION_NAMES: Record<Relation, string> = {
  own: 'an account they own',
  team: 'an account owned by someone in the team they lead',
  service: 'an account their service team looks after',
  assisted: 'an account they assist on',
  other: "someone else's account they have nothing to do with",
};

/** DESIGN §4 Account row, as implemented in ability.ts: "action:relation" pairs each role is allowed. */
const all = (actions: CrudAction[], relations: Relation[] = RELATIONS) =>
  actions.flatMap((a) => relations.map((r) => `${a}:${r}`));

const ALLOWED: Record<Role, string[]> = {
  director: all(ACTIONS),
  deputy_director: all(ACTIONS),
  // Key accounts are never deleted by their managers: no customer is lost (only the director and deputy may).
  group_leader: all(['create', 'read', 'update'], ['own', 'team']),
  account_manager: all(['create', 'read', 'update'], ['own']),
  assistant_account_manager: all(['read', 'update'], ['assisted']),
  customer_service: all(['read'], ['service']),
  // Creating is limited to prospects; these accounts are active (prospects are checked below).
  market_researcher: all(['read']),
  clerk: all(['read']),
  executive: all(['read']),
  security_officer: [],
  admin: [],
};

const matrix = ROLES.flatMap((role) =>
  ACTIONS.flatMap((action) =>
    RELATIONS.map((relation) => {
      const allowed = ALLOWED[role].includes(`${action}:${relation}`);
      return {
        name: `${ROLE_NAMES[role]} ${allowed ? 'can' : 'cannot'} ${action} ${RELATION_NAMES[relation]}`,
        role,
        action,
        relation,
        allowed,
      };
    }),
  ),
);

describe('who may do what with a key account (DESIGN §4)', () => {
  it('the table covers every role, action and relation', () => {
    expect(matrix).toHaveLength(ROLES.length * ACTIONS.length * RELATIONS.length);
    expect(new Set(matrix.map((m) => m.name)).size).toBe(matrix.length);
  });

  it.each(matrix)('$name', ({ role, action, relation, allowed }) => {
    const ability = defineAbilityFor(ctxFor([role]));
    expect(ability.can(action, asAccount(accountOf(relation)))).toBe(allowed);
  });

  it.each([
    [
      'a market researcher can create a new prospect for a colleague',
      ['market_researcher'],
      'prospect',
      true,
    ],
    [
      'a market researcher cannot create an account that is already active',
      ['market_researcher'],
      'active',
      false,
    ],
    ['a market researcher cannot create a lost account', ['market_researcher'], 'lost', false],
    ['a clerk cannot create even a prospect', ['clerk'], 'prospect', false],
    ['an executive cannot create even a prospect', ['executive'], 'prospect', false],
  ] as [string, Role[], string, boolean][])('%s', (_name, roles, status, allowed) => {
    const ability = defineAbilityFor(ctxFor(roles));
    expect(ability.can('create', asAccount({ ...accountOf('other'), status }))).toBe(allowed);
  });

  it.each([
    [
      "a group leader who leads no team cannot update a team member's account",
      ctxFor(['group_leader'], { ledTeamIds: [] }),
      'update',
      accountOf('team'),
      false,
    ],
    [
      'a group leader who leads no team can still update an account they own',
      ctxFor(['group_leader'], { ledTeamIds: [] }),
      'update',
      accountOf('own'),
      true,
    ],
    [
      'a group leader cannot update an account whose owner has no team',
      ctxFor(['group_leader']),
      'update',
      { ...accountOf('other'), ownerTeamId: null },
      false,
    ],
    [
      'a customer service agent in no team cannot read any account',
      ctxFor(['customer_service'], { teamIds: [] }),
      'read',
      accountOf('service'),
      false,
    ],
  ] as [string, ActorContext, CrudAction, AccountSubject, boolean][])(
    '%s',
    (_name, ctx, action, account, allowed) => {
      expect(defineAbilityFor(ctx).can(action, asAccount(account))).toBe(allowed);
    },
  );

  it.each([
    [
      'an account manager who also does customer service can read their service team’s accounts',
      ['account_manager', 'customer_service'],
      'read',
      'service',
      true,
    ],
    [
      'an account manager who also does customer service cannot update their service team’s accounts',
      ['account_manager', 'customer_service'],
      'update',
      'service',
      false,
    ],
    [
      'an account manager who also does customer service can still update an account they own',
      ['account_manager', 'customer_service'],
      'update',
      'own',
      true,
    ],
    [
      'an assistant who is also a clerk can read any account',
      ['assistant_account_manager', 'clerk'],
      'read',
      'other',
      true,
    ],
    [
      'an assistant who is also a clerk cannot update an account they do not assist on',
      ['assistant_account_manager', 'clerk'],
      'update',
      'other',
      false,
    ],
    ['a member with no role cannot read any account', [], 'read', 'own', false],
  ] as [string, Role[], CrudAction, Relation, boolean][])(
    '%s (roles add up)',
    (_name, roles, action, relation, allowed) => {
      expect(defineAbilityFor(ctxFor(roles)).can(action, asAccount(accountOf(relation)))).toBe(allowed);
    },
  );
});

describe('who may see the financial figures of a key account (DESIGN §4)', () => {
  /** Each role with an account it can read, and whether the financial figures are visible on it. */
  const rows: [Role, Relation, boolean][] = [
    ['director', 'other', true],
    ['deputy_director', 'other', true],
    ['group_leader', 'own', true],
    ['group_leader', 'team', true],
    ['account_manager', 'own', true],
    ['assistant_account_manager', 'assisted', true],
    ['executive', 'other', true],
    ['customer_service', 'service', false],
    ['market_researcher', 'other', false],
    ['clerk', 'other', false],
  ];
  const label = {
    annualPurchase: 'the annual purchase',
    profitContributionPct: 'the profit contribution',
    qualification: 'the qualification reasons',
  };
  const table = rows.flatMap(([role, relation, visible]) =>
    ACCOUNT_FINANCIAL_FIELDS.map((field) => ({
      name: `${ROLE_NAMES[role]} ${visible ? 'can' : 'cannot'} see ${label[field]} of ${RELATION_NAMES[relation]}`,
      role,
      relation,
      field,
      visible,
    })),
  );

  it.each(table)('$name', ({ role, relation, field, visible }) => {
    const ability = defineAbilityFor(ctxFor([role]));
    const account = asAccount(accountOf(relation));
    expect(ability.can('read', account)).toBe(true);
    expect(ability.can('read', account, 'name')).toBe(true);
    expect(ability.can('read', account, field)).toBe(visible);
  });

  it.each(
    [
      ['account_manager', 'other'],
      ['group_leader', 'other'],
      ['assistant_account_manager', 'own'],
      ['customer_service', 'other'],
      ['security_officer', 'own'],
      ['admin', 'own'],
    ].map(([role, relation]) => ({
      name: `${ROLE_NAMES[role as Role]} cannot see the annual purchase of ${RELATION_NAMES[relation as Relation]}`,
      role: role as Role,
      relation: relation as Relation,
    })),
  )('$name', ({ role, relation }) => {
    const ability = defineAbilityFor(ctxFor([role]));
    expect(ability.can('read', asAccount(accountOf(relation)))).toBe(false);
    expect(ability.can('read', asAccount(accountOf(relation)), 'annualPurchase')).toBe(false);
  });
});

describe('who may use the admin tools', () => {
  const caps: Capability[] = ['jobs:console', 'api-keys:manage'];
  const table = ROLES.flatMap((role) =>
    caps.map((capability) => ({
      name: `${ROLE_NAMES[role]} ${role === 'admin' ? 'can' : 'cannot'} ${capability === 'jobs:console' ? 'open the job console' : 'manage API keys'}`,
      role,
      capability,
      allowed: role === 'admin',
    })),
  );

  it.each(table)('$name', ({ role, capability, allowed }) => {
    expect(hasCapability([role], capability)).toBe(allowed);
  });

  it.each(
    ROLES.map((role) => {
      const allowed = role === 'admin' || role === 'director';
      return {
        name: `${ROLE_NAMES[role]} ${allowed ? 'can' : 'cannot'} change workspace settings`,
        role,
        allowed,
      };
    }),
  )('$name', ({ role, allowed }) => {
    expect(hasCapability([role], 'settings:manage')).toBe(allowed);
  });

  it.each([
    ['a member with no role cannot open the job console', [], false],
    ['an account manager who is also admin can open the job console', ['account_manager', 'admin'], true],
    ['a director and executive together cannot open the job console', ['director', 'executive'], false],
  ] as [string, Role[], boolean][])('%s', (_name, roles, allowed) => {
    expect(hasCapability(roles, 'jobs:console')).toBe(allowed);
  });
});

/*
 * Scorecards (DESIGN §4 "Scorecard": director manages and approves, group leader rates own team, everyone reads
 * their own, executive reads all), judged by the evaluated member, their team and whether the card is published.
 */
describe('scorecards', () => {
  type CardRelation = 'own-draft' | 'own-published' | 'team-draft' | 'team-published' | 'other-published';
  const cardOf = (r: CardRelation) =>
    subject('Scorecard', {
      ownerId: '',
      memberId: r.startsWith('own') ? ME : COLLEAGUE,
      teamId: r.startsWith('team') ? LED_TEAM : r.startsWith('own') ? LED_TEAM : OTHER_TEAM,
      published: r.endsWith('published'),
    });
  const CARD_RELATIONS: CardRelation[] = [
    'own-draft',
    'own-published',
    'team-draft',
    'team-published',
    'other-published',
  ];
  type CardAction = 'read' | 'rate' | 'publish' | 'acknowledge' | 'appeal' | 'approve' | 'decideAppeal';
  const CARD_ACTIONS: CardAction[] = [
    'read',
    'rate',
    'publish',
    'acknowledge',
    'appeal',
    'approve',
    'decideAppeal',
  ];
  const all = () => Object.fromEntries(CARD_RELATIONS.map((r) => [r, true]));
  const none = () => Object.fromEntries(CARD_RELATIONS.map((r) => [r, false]));
  const only = (...rs: CardRelation[]) => Object.fromEntries(CARD_RELATIONS.map((r) => [r, rs.includes(r)]));
  const staff = {
    read: only('own-published'),
    rate: none(),
    publish: none(),
    acknowledge: only('own-published'),
    appeal: only('own-published'),
    approve: none(),
    decideAppeal: none(),
  };
  const EXPECTED: Record<Role, Record<CardAction, Record<string, boolean>>> = {
    director: Object.fromEntries(CARD_ACTIONS.map((a) => [a, all()])) as Record<
      CardAction,
      Record<string, boolean>
    >,
    deputy_director: {
      read: all(),
      rate: all(),
      publish: all(),
      acknowledge: none(),
      appeal: none(),
      approve: none(),
      decideAppeal: none(),
    },
    group_leader: {
      // Their own card is rated by the director and shown to them once published, like everyone's.
      read: only('own-published', 'team-draft', 'team-published'),
      rate: only('team-draft', 'team-published'),
      publish: only('team-draft', 'team-published'),
      acknowledge: only('own-published'),
      appeal: only('own-published'),
      approve: none(),
      decideAppeal: none(),
    },
    account_manager: staff,
    assistant_account_manager: staff,
    customer_service: staff,
    market_researcher: staff,
    clerk: staff,
    executive: { ...Object.fromEntries(CARD_ACTIONS.map((a) => [a, none()])), read: all() } as Record<
      CardAction,
      Record<string, boolean>
    >,
    security_officer: Object.fromEntries(CARD_ACTIONS.map((a) => [a, none()])) as Record<
      CardAction,
      Record<string, boolean>
    >,
    admin: Object.fromEntries(CARD_ACTIONS.map((a) => [a, none()])) as Record<
      CardAction,
      Record<string, boolean>
    >,
  };
  const cases = ROLES.flatMap((role) =>
    CARD_ACTIONS.flatMap((action) =>
      CARD_RELATIONS.map((relation) => [role, action, relation, EXPECTED[role][action][relation]] as const),
    ),
  );
  it.each(cases)('%s: %s a scorecard (%s) → %s', (role, action, relation, allowed) => {
    expect(defineAbilityFor(ctxFor([role])).can(action, cardOf(relation))).toBe(allowed);
  });

  it.each([
    ['director', true, true],
    ['deputy_director', false, true],
    ['executive', false, true],
    ['group_leader', false, false],
    ['account_manager', false, false],
    ['admin', false, false],
  ] as const)('%s: locks a cycle %s, reads pay bases %s', (role, lock, readPay) => {
    const a = defineAbilityFor(ctxFor([role]));
    expect(a.can('lock', 'PerformanceCycle')).toBe(lock);
    expect(a.can('read', 'PayBase')).toBe(readPay);
  });
});
