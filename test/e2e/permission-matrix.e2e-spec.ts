import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Role, ROLES } from '@app/contracts';
import { ACCOUNT_MATRIX, ACCOUNT_RELATIONS, AccountRelation, isRedacted, MatrixOutcome } from '@app/authz';
import { TestSystem } from '../support/system';
import { serviceDatabaseUrl } from '../support/env';
import { createWorkspace, Fixture, memberToken, tokenFor, ROLE_PLAYER } from '../support/fixtures';
import { expectProblem } from '../support/e2e-helpers';

/*
 * The permission matrix of DESIGN §4 (issue 3, point 9), end to end: gateway → NATS → account-management →
 * PostgreSQL. Every role × action × relation has one written-down expectation; CASL itself has unit tests
 * (libs/authz/src/ability.spec.ts), this checks what a caller actually gets over HTTP, including the scoping in
 * SQL and 404-versus-403.
 *
 * Outcomes:
 * - allow:    2xx, financial fields present (lists and exports: the account is there, with its figures);
 * - redacted: 2xx, financial fields null and named in `redacted` (exports: the row is there, those cells empty);
 * - deny:     403, the caller may do this to no account like it (ADR 0003: no right of that kind, or a record they
 *             can see but not change);
 * - hidden:   404 for one record the caller may not see, or another workspace's (lists and exports: absent);
 * - invalid:  400 naming ownerId: the owner is not a member of the caller's workspace (another workspace's
 *             member is as unknown as a made-up id; nothing about them is disclosed).
 */

type Outcome = 'allow' | 'redacted' | 'deny' | 'hidden' | 'invalid';
type Action = 'list' | 'get' | 'create' | 'update' | 'changeTier' | 'assign' | 'export' | 'handover';
type Relation = 'own' | 'team' | 'otherTeam' | 'otherWorkspace';
type Row = readonly [own: Outcome, team: Outcome, otherTeam: Outcome, otherWorkspace: Outcome];

const ACTIONS: readonly Action[] = [
  'list',
  'get',
  'create',
  'update',
  'changeTier',
  'assign',
  'export',
  'handover',
];
const RELATIONS: readonly Relation[] = ['own', 'team', 'otherTeam', 'otherWorkspace'];
/** The roles of DESIGN §4, written out so that a role added to the code without a row here is noticed. */
const DESIGN_ROLES: readonly Role[] = [
  'director',
  'deputy_director',
  'group_leader',
  'account_manager',
  'assistant_account_manager',
  'customer_service',
  'market_researcher',
  'clerk',
  'executive',
  'security_officer',
  'admin',
];

const ALL_DENIED: Row = ['deny', 'deny', 'deny', 'deny'];

/*
 * Relations, from createWorkspace: team1 = leader1 (leads it), am1, am2, assistant; team2 = leader2, am3; a service
 * team; a research team. "own" = owned by the actor. "team" = owned by someone else in the team the actor belongs
 * to or leads (group leader: am1's; account manager am1: am2's; the assistant: am1's account they assist on;
 * customer service: am1's account looked after by their service team; every other role, the market researcher
 * included as no one else in the research team owns accounts: am1's account of team1). "otherTeam" = am3's, team2,
 * no service team. "otherWorkspace" = an account (or a member) of a second workspace.
 * For create, the relation is the owner given; for handover it is the leaver (own = the actor leaves).
 *
 *                       own         team's      other team's  other workspace's
 */
const TABLE: Record<Role, Record<Action, Row>> = {
  director: {
    list: ['allow', 'allow', 'allow', 'hidden'],
    get: ['allow', 'allow', 'allow', 'hidden'],
    create: ['allow', 'allow', 'allow', 'invalid'],
    update: ['allow', 'allow', 'allow', 'hidden'],
    changeTier: ['allow', 'allow', 'allow', 'hidden'],
    assign: ['allow', 'allow', 'allow', 'hidden'],
    export: ['allow', 'allow', 'allow', 'hidden'],
    handover: ['allow', 'allow', 'allow', 'hidden'],
  },
  deputy_director: {
    list: ['allow', 'allow', 'allow', 'hidden'],
    get: ['allow', 'allow', 'allow', 'hidden'],
    create: ['allow', 'allow', 'allow', 'invalid'],
    update: ['allow', 'allow', 'allow', 'hidden'],
    changeTier: ['allow', 'allow', 'allow', 'hidden'],
    assign: ['allow', 'allow', 'allow', 'hidden'],
    export: ['allow', 'allow', 'allow', 'hidden'],
    handover: ['allow', 'allow', 'allow', 'hidden'],
  },
  group_leader: {
    list: ['allow', 'allow', 'hidden', 'hidden'],
    get: ['allow', 'allow', 'hidden', 'hidden'],
    create: ['allow', 'allow', 'deny', 'invalid'],
    update: ['allow', 'allow', 'hidden', 'hidden'],
    changeTier: ['allow', 'allow', 'hidden', 'hidden'],
    assign: ['allow', 'allow', 'hidden', 'hidden'],
    export: ['allow', 'allow', 'hidden', 'hidden'],
    // Staff departure is for the director or deputy (issue 3, point 7).
    handover: ALL_DENIED,
  },
  account_manager: {
    list: ['allow', 'hidden', 'hidden', 'hidden'],
    get: ['allow', 'hidden', 'hidden', 'hidden'],
    create: ['allow', 'deny', 'deny', 'invalid'],
    update: ['allow', 'hidden', 'hidden', 'hidden'],
    changeTier: ['allow', 'hidden', 'hidden', 'hidden'],
    // "Manage own": assistants and service team of their own accounts (giving the account away is refused).
    assign: ['allow', 'hidden', 'hidden', 'hidden'],
    export: ['allow', 'hidden', 'hidden', 'hidden'],
    handover: ALL_DENIED,
  },
  assistant_account_manager: {
    // They read and update the accounts they assist on, not even one they own.
    list: ['hidden', 'allow', 'hidden', 'hidden'],
    get: ['hidden', 'allow', 'hidden', 'hidden'],
    create: ALL_DENIED,
    update: ['hidden', 'allow', 'hidden', 'hidden'],
    changeTier: ALL_DENIED,
    assign: ALL_DENIED,
    export: ALL_DENIED,
    handover: ALL_DENIED,
  },
  customer_service: {
    list: ['hidden', 'redacted', 'hidden', 'hidden'],
    get: ['hidden', 'redacted', 'hidden', 'hidden'],
    create: ALL_DENIED,
    update: ALL_DENIED,
    changeTier: ALL_DENIED,
    assign: ALL_DENIED,
    export: ALL_DENIED,
    handover: ALL_DENIED,
  },
  market_researcher: {
    list: ['redacted', 'redacted', 'redacted', 'hidden'],
    get: ['redacted', 'redacted', 'redacted', 'hidden'],
    // Prospects only (the default stage), for any owner; they then read basic fields only.
    create: ['redacted', 'redacted', 'redacted', 'invalid'],
    update: ALL_DENIED,
    changeTier: ALL_DENIED,
    assign: ALL_DENIED,
    export: ALL_DENIED,
    handover: ALL_DENIED,
  },
  clerk: {
    list: ['redacted', 'redacted', 'redacted', 'hidden'],
    get: ['redacted', 'redacted', 'redacted', 'hidden'],
    create: ALL_DENIED,
    update: ALL_DENIED,
    changeTier: ALL_DENIED,
    assign: ALL_DENIED,
    export: ['redacted', 'redacted', 'redacted', 'hidden'],
    handover: ALL_DENIED,
  },
  executive: {
    list: ['allow', 'allow', 'allow', 'hidden'],
    get: ['allow', 'allow', 'allow', 'hidden'],
    create: ALL_DENIED,
    update: ALL_DENIED,
    changeTier: ALL_DENIED,
    assign: ALL_DENIED,
    export: ['allow', 'allow', 'allow', 'hidden'],
    handover: ALL_DENIED,
  },
  // No business data: refused before any record is looked at, whatever the workspace.
  security_officer: {
    list: ALL_DENIED,
    get: ALL_DENIED,
    create: ALL_DENIED,
    update: ALL_DENIED,
    changeTier: ALL_DENIED,
    assign: ALL_DENIED,
    export: ALL_DENIED,
    handover: ALL_DENIED,
  },
  // Settings and organisation, but no business data: moving customers at a departure is not theirs either.
  admin: {
    list: ALL_DENIED,
    get: ALL_DENIED,
    create: ALL_DENIED,
    update: ALL_DENIED,
    changeTier: ALL_DENIED,
    assign: ALL_DENIED,
    export: ALL_DENIED,
    handover: ALL_DENIED,
  },
};

/**
 * Cells where the system does not do what the table says, keyed `role/action/relation`; each is skipped with
 * the reason. Empty when everything agrees.
 */
const KNOWN_BUGS: Record<string, string> = {};

type TeamKey = keyof Fixture['teams'];

const ACTOR = ROLE_PLAYER;

/** The team each actor belongs to in the fixture (null: none). */
const OWN_TEAM: Record<Role, TeamKey | null> = {
  director: null,
  deputy_director: null,
  group_leader: 'team1',
  account_manager: 'team1',
  assistant_account_manager: 'team1',
  customer_service: 'service',
  market_researcher: 'research',
  clerk: null,
  executive: null,
  security_officer: null,
  admin: null,
};

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

function accountPhrase(role: Role, relation: Relation): string {
  switch (relation) {
    case 'own':
      return 'their own account';
    case 'team':
      return (
        (
          {
            group_leader: 'an account of the team they lead',
            account_manager: "a teammate's account",
            assistant_account_manager: 'an account they assist on',
            customer_service: 'an account their service team looks after',
          } as Partial<Record<Role, string>>
        )[role] ?? 'an account of sales team 1'
      );
    case 'otherTeam':
      return "another team's account";
    case 'otherWorkspace':
      return "another workspace's account";
  }
}

function createPhrase(role: Role, relation: Relation): string {
  switch (relation) {
    case 'own':
      return 'an account they own';
    case 'team':
      return (
        (
          {
            group_leader: 'an account for a member of the team they lead',
            account_manager: 'an account for a teammate',
            assistant_account_manager: 'an account of their team that they assist on',
            customer_service: 'an account for their service team',
          } as Partial<Record<Role, string>>
        )[role] ?? 'an account for a member of sales team 1'
      );
    case 'otherTeam':
      return "an account for another team's member";
    case 'otherWorkspace':
      return "an account for another workspace's member";
  }
}

function leaverPhrase(role: Role, relation: Relation): string {
  switch (relation) {
    case 'own':
      return 'their own accounts when they leave';
    case 'team':
      return (
        (
          {
            group_leader: 'the accounts of a member of the team they lead who leaves',
            account_manager: 'the accounts of a teammate who leaves',
            assistant_account_manager: 'the accounts of a teammate who leaves',
            customer_service: 'the accounts of a member of their service team who leaves',
          } as Partial<Record<Role, string>>
        )[role] ?? 'the accounts of a member of sales team 1 who leaves'
      );
    case 'otherTeam':
      return 'the accounts of a member of another team who leaves';
    case 'otherWorkspace':
      return 'the accounts of a member of another workspace who leaves';
  }
}

const STATUS: Record<Outcome, string> = {
  allow: '200',
  redacted: '200',
  deny: '403',
  hidden: '404',
  invalid: '400',
};

function caseName(role: Role, action: Action, relation: Relation, outcome: Outcome): string {
  const who = ROLE_NAMES[role];
  const what = accountPhrase(role, relation);
  const ok = outcome === 'allow' || outcome === 'redacted';
  const can = ok ? 'can' : 'cannot';
  const redacted = outcome === 'redacted' ? ' with financial fields redacted' : '';
  const status = action === 'create' && ok ? '201' : STATUS[outcome];
  switch (action) {
    case 'list':
      if (outcome === 'deny') return `${who} cannot list accounts, so not ${what} either (403)`;
      return ok
        ? `${who} finds ${what} in the account list${redacted}`
        : `${who} does not find ${what} in the account list`;
    case 'export':
      if (outcome === 'deny') return `${who} cannot export accounts, so not ${what} either (403)`;
      return ok
        ? `${who} finds ${what} in the CSV export${outcome === 'redacted' ? ' with financial cells left empty' : ''}`
        : `${who} does not find ${what} in the CSV export`;
    case 'get':
      return `${who} ${can} open ${what}${redacted} (${status})`;
    case 'create':
      return `${who} ${can} create ${createPhrase(role, relation)}${redacted} (${status})`;
    case 'update':
      return `${who} ${can} update ${what} (${status})`;
    case 'changeTier':
      return `${who} ${can} change the tier of ${what} (${status})`;
    case 'assign':
      return `${who} ${can} assign assistants to ${what} (${status})`;
    case 'handover':
      return `${who} ${can} hand over ${leaverPhrase(role, relation)} (${status})`;
  }
}

interface Case {
  role: Role;
  action: Action;
  relation: Relation;
  outcome: Outcome;
  name: string;
  key: string;
}

const CASES: Case[] = ROLES.flatMap((role) =>
  ACTIONS.flatMap((action) =>
    RELATIONS.map((relation, i) => {
      const outcome = TABLE[role][action][i];
      return {
        role,
        action,
        relation,
        outcome,
        name: caseName(role, action, relation, outcome),
        key: `${role}/${action}/${relation}`,
      };
    }),
  ),
);

/** Actions that work on one existing account: each (role, action, relation) gets an account of its own. */
const ACCOUNT_ACTIONS: readonly Action[] = ['list', 'get', 'update', 'changeTier', 'assign', 'export'];
const FINANCIAL = ['annualPurchase', 'profitContributionPct'];
const SEEDED_PURCHASE = { amountMinor: 150000000, currency: 'CNY' };

/** RFC 4180 CSV as the export writes it (BOM, CRLF, quoted cells). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

interface AccountView {
  id: string;
  ownerId: string;
  tier: string;
  version: number;
  assistantIds: string[];
  annualPurchase: unknown;
  profitContributionPct: unknown;
  redacted: string[];
}

/** Financial fields shown (allow) or nulled and named (redacted); `seeded` accounts carry known figures. */
function expectFinancials(view: AccountView, outcome: Outcome, seeded: boolean): void {
  if (outcome === 'redacted') {
    expect(view.annualPurchase).toBeNull();
    expect(view.profitContributionPct).toBeNull();
    expect(view.redacted).toEqual(expect.arrayContaining(FINANCIAL));
  } else {
    for (const f of FINANCIAL) expect(view.redacted).not.toContain(f);
    if (seeded) {
      expect(view.annualPurchase).toEqual(SEEDED_PURCHASE);
      expect(view.profitContributionPct).toBe(12.5);
    }
  }
}

describe('the permission matrix of DESIGN §4, end to end', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  let db: Client;
  const tokens = new Map<Role, string>();
  let directorToken: string;
  let otherDirectorToken: string;
  /** `role/action/relation` → the account and the unique word in its name (for ?q=). */
  const accounts = new Map<string, { id: string; word: string; workspaceId: string }>();
  /** `role/relation` → the member who leaves, the account they own, and who asks (the leaver, for "own"). */
  const leavers = new Map<string, { memberId: string; accountId: string; token: string }>();

  const word = () => `pm${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(async () => {
    await system.start();
    [f, other] = await Promise.all([createWorkspace(system.env), createWorkspace(system.env)]);
    for (const role of ROLES) tokens.set(role, await memberToken(system.jwtSecret, f, ACTOR[role]));
    directorToken = await memberToken(system.jwtSecret, f, 'director');
    otherDirectorToken = await memberToken(system.jwtSecret, other, 'director');

    db = new Client({ connectionString: serviceDatabaseUrl(system.env, 'account-management') });
    await db.connect();
    const insertAccount = async (
      ws: string,
      owner: string,
      serviceTeam: string | null,
      assistants: string[],
      w = word(),
    ) => {
      const id = randomUUID();
      await db.query(
        `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, owner_id,
           service_team_id, assistant_ids, annual_purchase_minor, currency, profit_contribution_pct)
         VALUES ($1, $2, $3, $4, 'platinum', 'industry', 'active', $5, $6, $7, 150000000, 'CNY', 12.5)`,
        [id, ws, `crm-${id}`, `权限矩阵${w}有限公司`, owner, serviceTeam, assistants],
      );
      return { id, word: w, workspaceId: ws };
    };
    const insertMember = async (ws: string, roles: Role[], team: string | null) => {
      const id = randomUUID();
      await db.query(
        `INSERT INTO members (id, workspace_id, name, roles, team_id, status) VALUES ($1, $2, $3, $4, $5, 'active')`,
        [id, ws, `throwaway ${roles.join(',')}`, roles, team],
      );
      return id;
    };

    await db.query('BEGIN');
    for (const role of ROLES) {
      const me = f.members[ACTOR[role]].id;
      for (const action of ACCOUNT_ACTIONS) {
        const at = (relation: Relation) => `${role}/${action}/${relation}`;
        const t = teamAccountOf(role);
        accounts.set(at('own'), await insertAccount(f.workspaceId, me, null, []));
        accounts.set(
          at('team'),
          await insertAccount(f.workspaceId, t.ownerId, t.serviceTeamId, t.assistantIds),
        );
        accounts.set(at('otherTeam'), await insertAccount(f.workspaceId, f.members.am3.id, null, []));
        // The other workspace's account is served and assisted there, so only the workspace tells it apart.
        accounts.set(
          at('otherWorkspace'),
          await insertAccount(other.workspaceId, other.members.am1.id, other.teams.service, [
            other.members.assistant.id,
          ]),
        );
      }
      // Staff departure: a throwaway leaver per relation, each owning one account. For "own" the actor leaves:
      // a throwaway member with the role (and team) of the actor, so the fixture's actors stay active.
      const ownTeam = OWN_TEAM[role];
      const self = await insertMember(f.workspaceId, [role], ownTeam ? f.teams[ownTeam] : null);
      const leaverIn: Record<Relation, [string, string]> = {
        own: [f.workspaceId, self],
        team: [f.workspaceId, await insertMember(f.workspaceId, ['account_manager'], teamOf(role))],
        otherTeam: [f.workspaceId, await insertMember(f.workspaceId, ['account_manager'], f.teams.team2)],
        otherWorkspace: [
          other.workspaceId,
          await insertMember(other.workspaceId, ['account_manager'], other.teams.team1),
        ],
      };
      for (const relation of RELATIONS) {
        const [ws, memberId] = leaverIn[relation];
        const account = await insertAccount(ws, memberId, null, []);
        leavers.set(`${role}/${relation}`, {
          memberId,
          accountId: account.id,
          token:
            relation === 'own'
              ? await tokenFor(system.jwtSecret, { sub: self, workspaceId: f.workspaceId, roles: [role] })
              : tokens.get(role)!,
        });
      }
    }
    await db.query('COMMIT');
  });

  afterAll(async () => {
    await db?.end();
    await system.stop();
  });

  /** The "team's" account of each role: who owns it, and its service team and assistants. */
  function teamAccountOf(role: Role): {
    ownerId: string;
    serviceTeamId: string | null;
    assistantIds: string[];
  } {
    switch (role) {
      case 'account_manager':
        return { ownerId: f.members.am2.id, serviceTeamId: null, assistantIds: [] };
      case 'assistant_account_manager':
        return { ownerId: f.members.am1.id, serviceTeamId: null, assistantIds: [f.members.assistant.id] };
      case 'customer_service':
        return { ownerId: f.members.am1.id, serviceTeamId: f.teams.service, assistantIds: [] };
      default:
        return { ownerId: f.members.am1.id, serviceTeamId: null, assistantIds: [] };
    }
  }

  /** The team a "team's" leaver belongs to. */
  function teamOf(role: Role): string {
    return role === 'customer_service' ? f.teams.service : f.teams.team1;
  }

  const api = () => request(system.baseUrl);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** A fresh ETag and the current state, read by the director of the account's workspace. */
  async function fresh(account: { id: string; workspaceId: string }) {
    const token = account.workspaceId === f.workspaceId ? directorToken : otherDirectorToken;
    const res = await api().get(`/api/v1/accounts/${account.id}`).set(bearer(token)).expect(200);
    return { etag: res.headers.etag as string, view: res.body as AccountView };
  }

  async function versionOf(id: string): Promise<number> {
    const r = await db.query<{ version: number }>(`SELECT version FROM accounts WHERE id = $1`, [id]);
    return r.rows[0].version;
  }

  function expectRefusal(res: request.Response, outcome: Outcome, notFoundCode: string): void {
    if (outcome === 'deny') expectProblem(res, 403, 'forbidden');
    else if (outcome === 'hidden') expectProblem(res, 404, notFoundCode);
    else throw new Error(`not a refusal: ${outcome}`);
  }

  async function readCase(c: Case): Promise<void> {
    const account = accounts.get(c.key)!;
    const token = tokens.get(c.role)!;
    const ok = c.outcome === 'allow' || c.outcome === 'redacted';
    if (c.action === 'get') {
      const res = await api().get(`/api/v1/accounts/${account.id}`).set(bearer(token));
      if (!ok) return expectRefusal(res, c.outcome, 'account_not_found');
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(account.id);
      return expectFinancials(res.body as AccountView, c.outcome, true);
    }
    if (c.action === 'list') {
      const res = await api().get('/api/v1/accounts').query({ q: account.word }).set(bearer(token));
      if (c.outcome === 'deny') return expectProblem(res, 403, 'forbidden');
      expect(res.status).toBe(200);
      const items = (res.body.items as AccountView[]).filter((a) => a.id === account.id);
      if (c.outcome === 'hidden') return expect(items).toEqual([]);
      expect(items).toHaveLength(1);
      return expectFinancials(items[0], c.outcome, true);
    }
    // export
    const res = await api()
      .get('/api/v1/accounts/export')
      .query({ q: account.word })
      .set(bearer(token))
      .set('Accept-Language', 'en');
    if (c.outcome === 'deny') return expectProblem(res, 403, 'forbidden');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(res.text);
    const col = (name: string) => {
      const i = header.indexOf(name);
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    const found = rows.filter((r) => r[col('id')] === account.id);
    if (c.outcome === 'hidden') return expect(found).toEqual([]);
    expect(found).toHaveLength(1);
    const figures = [found[0][col('annualPurchaseMinor')], found[0][col('profitContributionPct')]];
    expect(figures).toEqual(c.outcome === 'redacted' ? ['', ''] : ['150000000', '12.5']);
  }

  async function createCase(c: Case): Promise<void> {
    const owner: Record<Relation, Record<string, unknown>> = {
      own: { ownerId: f.members[ACTOR[c.role]].id },
      team: (() => {
        const t = teamAccountOf(c.role);
        return {
          ownerId: t.ownerId,
          ...(t.serviceTeamId ? { serviceTeamId: t.serviceTeamId } : {}),
          ...(t.assistantIds.length ? { assistantIds: t.assistantIds } : {}),
        };
      })(),
      otherTeam: { ownerId: f.members.am3.id },
      otherWorkspace: { ownerId: other.members.am1.id },
    };
    const crmCompanyId = `crm-${randomUUID()}`;
    const res = await api()
      .post('/api/v1/accounts')
      .set(bearer(tokens.get(c.role)!))
      .send({
        crmCompanyId,
        name: `权限矩阵${word()}有限公司`,
        tier: 'platinum',
        category: 'industry',
        ...owner[c.relation],
      });
    if (c.outcome === 'allow' || c.outcome === 'redacted') {
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        ownerId: owner[c.relation].ownerId,
        crmCompanyId,
        status: 'prospect',
      });
      return expectFinancials(res.body as AccountView, c.outcome, false);
    }
    if (c.outcome === 'invalid') {
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('ownerId');
    } else expectRefusal(res, c.outcome, 'account_not_found');
    const n = await db.query(`SELECT 1 FROM accounts WHERE crm_company_id = $1`, [crmCompanyId]);
    expect(n.rowCount).toBe(0);
  }

  async function changeCase(c: Case): Promise<void> {
    const account = accounts.get(c.key)!;
    const { etag, view } = await fresh(account);
    const token = tokens.get(c.role)!;
    let res: request.Response;
    const nextTier = view.tier === 'platinum' ? 'white_gold' : 'platinum';
    const nextAssistants = view.assistantIds.includes(f.members.am2.id)
      ? view.assistantIds.filter((a) => a !== f.members.am2.id)
      : [...view.assistantIds, f.members.am2.id];
    if (c.action === 'update') {
      res = await api()
        .patch(`/api/v1/accounts/${account.id}`)
        .set(bearer(token))
        .set('If-Match', etag)
        .send({ region: `区域${word()}` });
    } else if (c.action === 'changeTier') {
      res = await api()
        .post(`/api/v1/accounts/${account.id}/tier`)
        .set(bearer(token))
        .set('If-Match', etag)
        .send({ tier: nextTier, reason: '权限矩阵测试' });
    } else {
      res = await api()
        .post(`/api/v1/accounts/${account.id}/assignment`)
        .set(bearer(token))
        .set('If-Match', etag)
        .send({ assistantIds: nextAssistants });
    }
    if (c.outcome === 'allow' || c.outcome === 'redacted') {
      expect(res.status).toBe(200);
      const after = (c.action === 'changeTier' ? res.body.account : res.body) as AccountView;
      expect(after).toMatchObject({ id: account.id, version: view.version + 1 });
      if (c.action === 'changeTier') {
        expect(after.tier).toBe(nextTier);
        expect(res.body.change.status).toBe('applied');
      }
      if (c.action === 'assign') expect(after.assistantIds).toEqual(nextAssistants);
      return expectFinancials(after, c.outcome, true);
    }
    expectRefusal(res, c.outcome, 'account_not_found');
    expect(await versionOf(account.id)).toBe(view.version);
  }

  async function handoverCase(c: Case): Promise<void> {
    const leaver = leavers.get(`${c.role}/${c.relation}`)!;
    const successorId = f.members.am2.id;
    const res = await api()
      .post(`/api/v1/members/${leaver.memberId}/departure`)
      .set(bearer(leaver.token))
      .send({ successorId, reason: '权限矩阵测试' });
    const state = async () =>
      (
        await db.query<{ status: string; owner_id: string }>(
          `SELECT m.status, a.owner_id FROM members m, accounts a WHERE m.id = $1 AND a.id = $2`,
          [leaver.memberId, leaver.accountId],
        )
      ).rows[0];
    if (c.outcome === 'allow') {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ memberId: leaver.memberId, successorId });
      expect(res.body.accountsMoved).toEqual([
        expect.objectContaining({ accountId: leaver.accountId, as: 'owner', to: successorId }),
      ]);
      return expect(await state()).toEqual({ status: 'departed', owner_id: successorId });
    }
    expectRefusal(res, c.outcome, 'not_found');
    expect(await state()).toEqual({ status: 'active', owner_id: leaver.memberId });
  }

  async function run(c: Case): Promise<void> {
    switch (c.action) {
      case 'list':
      case 'get':
      case 'export':
        return readCase(c);
      case 'create':
        return createCase(c);
      case 'update':
      case 'changeTier':
      case 'assign':
        return changeCase(c);
      case 'handover':
        return handoverCase(c);
    }
  }

  it('the table covers every role of DESIGN §4 × 8 actions × 4 relations, one expectation each', () => {
    expect([...ROLES].sort()).toEqual([...DESIGN_ROLES].sort());
    expect(Object.keys(TABLE).sort()).toEqual([...DESIGN_ROLES].sort());
    for (const role of DESIGN_ROLES) {
      expect(Object.keys(TABLE[role]).sort()).toEqual([...ACTIONS].sort());
      for (const action of ACTIONS) expect(TABLE[role][action]).toHaveLength(RELATIONS.length);
    }
    expect(CASES).toHaveLength(11 * 8 * 4);
    const outcomes: Outcome[] = ['allow', 'redacted', 'deny', 'hidden', 'invalid'];
    for (const c of CASES) expect(outcomes).toContain(c.outcome);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const key of Object.keys(KNOWN_BUGS)) expect(CASES.map((c) => c.key)).toContain(key);
  });

  it('its expectations agree with the shared role table of libs/authz (ACCOUNT_MATRIX in matrix.ts, checked against the rules)', () => {
    // "team" here is the account the assistant assists on and the one customer service's team looks after.
    const sharedRelation = (role: Role, r: Relation): AccountRelation =>
      r !== 'team'
        ? r
        : role === 'assistant_account_manager'
          ? 'assisted'
          : role === 'customer_service'
            ? 'service'
            : 'team';
    const word = (o: MatrixOutcome): Outcome => (isRedacted(o) ? 'redacted' : o);
    const here: Record<string, Outcome> = {};
    const shared: Record<string, Outcome> = {};
    // Creating (400 for another workspace's owner) and handing over (a staff departure) are this suite's own.
    for (const c of CASES.filter((x) => x.action !== 'create' && x.action !== 'handover')) {
      const i = ACCOUNT_RELATIONS.indexOf(sharedRelation(c.role, c.relation));
      const row = ACCOUNT_MATRIX.Account[c.role];
      const read = row.read![i];
      let o: MatrixOutcome;
      if (c.action === 'list' || c.action === 'get') o = read;
      else if (c.action === 'export') o = row.export![i] === 'allow' ? read : row.export![i];
      else o = row[c.action as 'update' | 'changeTier' | 'assign']![i];
      here[c.key] = c.outcome;
      shared[c.key] = word(o);
    }
    expect(here).toEqual(shared);
  });

  for (const role of ROLES) {
    describe(ROLE_NAMES[role], () => {
      for (const c of CASES.filter((x) => x.role === role)) {
        (KNOWN_BUGS[c.key] ? it.skip : it)(c.name, () => run(c));
      }
    });
  }
});
