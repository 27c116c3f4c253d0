import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Role, ROLES } from '@app/contracts';
import { TestSystem } from '../support/system';
import { serviceDatabaseUrl } from '../support/env';
import { createWorkspace, Fixture, memberToken, ROLE_PLAYER } from '../support/fixtures';
import { eventually, expectProblem } from '../support/e2e-helpers';

/*
 * Issue 14, point 7: the cooperation timeline (GET /accounts/:id/timeline) shows only the entries of records the
 * caller may read, with the same redactions as the record's own endpoint. Before, the market researcher, who gets
 * 403 on contracts, projects and complaints, read contract titles, project names, complaint severities and order
 * ids there.
 *
 * One key account that every business role reaches (owned by am1 of sales team 1, which leader1 leads; the
 * assistant assists on it; the service team looks after it), with one record of every kind, each leaving its entry
 * on the timeline. For each role × kind of record, the table says whether the role sees that kind's entries on the
 * timeline; the same role's answer from the record's own endpoint is checked to agree (200 where the entries show,
 * 403 or 404 where they do not), and no entry shows a value the endpoint redacts for that role.
 */

type Kind =
  | 'Account'
  | 'Contact'
  | 'CommunicationRecord'
  | 'AccountPlan'
  | 'Revisit'
  | 'Complaint'
  | 'Survey'
  | 'Contract'
  | 'Order'
  | 'Project'
  | 'Risk'
  | 'Tender';
const KINDS: readonly Kind[] = [
  'Account',
  'Contact',
  'CommunicationRecord',
  'AccountPlan',
  'Revisit',
  'Complaint',
  'Survey',
  'Contract',
  'Order',
  'Project',
  'Risk',
  'Tender',
];

/** The timeline entry each record of the fixture leaves (the account's own: a change of its region). */
const ENTRY: Record<Kind, string> = {
  Account: 'updated',
  Contact: 'contact_added',
  CommunicationRecord: 'communication_recorded',
  AccountPlan: 'plan_created',
  Revisit: 'revisit_completed',
  Complaint: 'complaint_opened',
  Survey: 'survey_created',
  Contract: 'contract_created',
  Order: 'order_recorded',
  Project: 'project_created',
  Risk: 'risk_created',
  Tender: 'tender_created',
};

const EVERYTHING = KINDS;
/**
 * DESIGN §4, read for this account (a role's own, team's, assisted or serviced account): which kinds of entries the
 * role sees on its timeline; `refused` when the timeline itself is refused (no business data at all).
 */
const SEES: Record<Role, readonly Kind[] | 'refused'> = {
  director: EVERYTHING,
  deputy_director: EVERYTHING,
  group_leader: EVERYTHING,
  account_manager: EVERYTHING,
  assistant_account_manager: EVERYTHING,
  // "read accounts of own service team" (contacts, plans, records) and the service records; no commercial records,
  // projects or risks.
  customer_service: [
    'Account',
    'Contact',
    'CommunicationRecord',
    'AccountPlan',
    'Revisit',
    'Complaint',
    'Survey',
  ],
  // "read basic fields of all" and contacts without phone or e-mail: nothing else.
  market_researcher: ['Account', 'Contact'],
  // "read archive", service records "read", commercial records with amounts hidden.
  clerk: EVERYTHING,
  executive: EVERYTHING,
  security_officer: 'refused',
  admin: 'refused',
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
const NOUNS: Record<Kind, string> = {
  Account: 'changes to the account itself',
  Contact: 'contacts',
  CommunicationRecord: 'visits and calls',
  AccountPlan: 'account plans',
  Revisit: 'revisits',
  Complaint: 'complaints',
  Survey: 'satisfaction surveys',
  Contract: 'contracts',
  Order: 'orders',
  Project: 'projects',
  Risk: 'risks',
  Tender: 'tenders',
};

interface Entry {
  kind: string;
  details: Record<string, unknown>;
}
interface Item {
  id: string;
  redacted?: string[];
}

describe('the cooperation timeline shows each role only the records it may read (permission matrix)', () => {
  const system = new TestSystem();
  let f: Fixture;
  let db: Client;
  let accountId: string;
  const tokens = new Map<Role, string>();
  /** The fixture's record of each kind. */
  const ids = new Map<Kind, string>();
  const api = () => request(system.baseUrl);
  const as = (role: Role) => ({ Authorization: `Bearer ${tokens.get(role) as string}` });

  /** The record's own endpoint: the account's tab (the complaints list filtered by account, for complaints). */
  const OWN_ENDPOINT: Record<Kind, () => string> = {
    Account: () => `/api/v1/accounts/${accountId}`,
    Contact: () => `/api/v1/accounts/${accountId}/contacts`,
    CommunicationRecord: () => `/api/v1/accounts/${accountId}/records`,
    AccountPlan: () => `/api/v1/accounts/${accountId}/plans`,
    Revisit: () => `/api/v1/accounts/${accountId}/revisits`,
    Complaint: () => `/api/v1/complaints?accountId=${accountId}`,
    Survey: () => `/api/v1/accounts/${accountId}/surveys`,
    Contract: () => `/api/v1/accounts/${accountId}/contracts`,
    Order: () => `/api/v1/accounts/${accountId}/orders`,
    Project: () => `/api/v1/accounts/${accountId}/projects`,
    Risk: () => `/api/v1/accounts/${accountId}/risks`,
    Tender: () => `/api/v1/accounts/${accountId}/tenders`,
  };

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const role of ROLES) tokens.set(role, await memberToken(system.jwtSecret, f, ROLE_PLAYER[role]));
    db = new Client({ connectionString: serviceDatabaseUrl(system.env, 'account-management') });
    await db.connect();
    // Platinum: revisited every 45 days; last contacted 45 days ago, a revisit falls due today.
    accountId = randomUUID();
    await db.query(
      `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, owner_id,
         service_team_id, assistant_ids, annual_purchase_minor, currency, profit_contribution_pct, last_contact_at)
       VALUES ($1, $2, $3, '南京时间线电子有限公司', 'platinum', 'industry', 'active', $4, $5, $6, 150000000, 'CNY',
               12.5, now() - interval '45 days')`,
      [
        accountId,
        f.workspaceId,
        `crm-${accountId}`,
        f.members.am1.id,
        f.teams.service,
        [f.members.assistant.id],
      ],
    );
    ids.set('Account', accountId);

    // The daily sweep makes the revisit (before the visit below moves the last contact); the director records
    // its outcome.
    await api().post('/api/v1/admin/jobs/revisits/run').set(as('admin')).send({}).expect(200);
    const revisit = await eventually('the revisit the sweep makes', async () => {
      const r = await db.query<{ id: string }>(`SELECT id FROM revisits WHERE account_id = $1`, [accountId]);
      return r.rows[0]?.id;
    });
    ids.set('Revisit', revisit);
    await api()
      .post(`/api/v1/revisits/${revisit}/completion`)
      .set(as('director'))
      .set('If-Match', '"1"')
      .send({ satisfaction: 4 })
      .expect(200);

    const amount = { amountMinor: 12_800_000, currency: 'CNY' };
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const create: [Kind, string, Record<string, unknown>][] = [
      [
        'Contact',
        'contacts',
        {
          name: '王建国',
          buyingRole: 'decision_maker',
          phone: '+86 138 0013 8000',
          email: 'wang@example.com',
        },
      ],
      [
        'CommunicationRecord',
        'records',
        {
          kind: 'visit',
          occurredAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
          summary: '拜访采购总监',
        },
      ],
      [
        'AccountPlan',
        'plans',
        {
          period: '2041-Q4',
          objectives: [{ objective: '年采购额提升 20%', measures: ['季度业务回顾'] }],
          budget: { amountMinor: 5_000_000, currency: 'CNY' },
        },
      ],
      [
        'Complaint',
        'complaints',
        {
          channel: 'phone',
          category: '产品质量',
          severity: 'high',
          description: '到货延迟两天',
          receivedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        },
      ],
      ['Survey', 'surveys', {}],
      [
        'Contract',
        'contracts',
        {
          kind: 'sales_contract',
          title: '2027 年度框架采购协议',
          amount,
          startsOn: '2027-01-01',
          endsOn: '2027-12-31',
          discountPct: 0,
        },
      ],
      ['Order', 'orders', { amount, orderedOn: '2026-11-20', description: '年度框架协议首批订货' }],
      ['Project', 'projects', { name: '供应链优化项目', objective: '缩短交付周期 20%' }],
      ['Risk', 'risks', { risk: '竞争对手低价介入', severity: 'medium', likelihood: 'low' }],
      [
        'Tender',
        'tenders',
        { title: '市政府信息化设备采购', deadlineAt: `${inDays(30)}T17:00:00+08:00`, amount },
      ],
    ];
    for (const [kind, path, body] of create) {
      const res = await api().post(`/api/v1/accounts/${accountId}/${path}`).set(as('director')).send(body);
      if (res.status !== 201) throw new Error(`fixture ${kind}: ${res.status} ${res.text}`);
      ids.set(kind, (res.body as Item).id);
    }
    await api()
      .patch(`/api/v1/accounts/${accountId}`)
      .set(as('director'))
      .set('If-Match', '"1"')
      .send({ region: '华东' })
      .expect(200);
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await system.stop();
  });

  const timelines = new Map<Role, Promise<request.Response>>();
  const timelineOf = (role: Role) => {
    if (!timelines.has(role))
      timelines.set(role, api().get(`/api/v1/accounts/${accountId}/timeline?limit=500`).set(as(role)).then());
    return timelines.get(role) as Promise<request.Response>;
  };
  const entriesOf = async (role: Role): Promise<Entry[]> => {
    const res = await timelineOf(role);
    expect(res.status).toBe(200);
    return (res.body as { items: Entry[] }).items;
  };

  it('as the director, the fixture left one entry of every kind on the timeline', async () => {
    const kinds = (await entriesOf('director')).map((e) => e.kind);
    for (const kind of KINDS) expect(kinds).toContain(ENTRY[kind]);
  });

  it.each(ROLES.filter((r) => SEES[r] === 'refused'))(
    `%s gets no timeline at all (403), as for the account itself`,
    async (role) => {
      expectProblem(await timelineOf(role), 403, 'forbidden');
      expectProblem(await api().get(OWN_ENDPOINT.Account()).set(as(role)), 403, 'forbidden');
    },
  );

  const CELLS = ROLES.flatMap((role) => {
    const sees = SEES[role];
    if (sees === 'refused') return [];
    return KINDS.map((kind) => {
      const shown = sees.includes(kind);
      const name = `${ROLE_NAMES[role]} ${shown ? 'sees' : 'does not see'} the ${NOUNS[kind]} on the timeline, as ${
        shown ? 'in' : 'refused from'
      } their own tab`;
      return { name, role, kind, shown };
    });
  });

  it.each(CELLS)('$name', async ({ role, kind, shown }) => {
    const entries = (await entriesOf(role)).filter((e) => e.kind === ENTRY[kind]);
    const own = await api().get(OWN_ENDPOINT[kind]()).set(as(role));
    if (!shown) {
      expect(entries).toEqual([]);
      expect([403, 404]).toContain(own.status);
      return;
    }
    expect(entries.length).toBeGreaterThan(0);
    expect(own.status).toBe(200);
    // What the record's own endpoint hides from this role is not on the timeline either.
    const body = own.body as Item | Item[] | { items: Item[] };
    const items = Array.isArray(body) ? body : 'items' in body ? body.items : [body];
    const item = items.find((x) => x.id === ids.get(kind));
    expect(item).toBeDefined();
    const hidden = item?.redacted ?? [];
    for (const e of entries) for (const field of hidden) expect(e.details[field] ?? null).toBeNull();
  });

  it('the table covers every role and every kind of record', () => {
    expect(Object.keys(SEES).sort()).toEqual([...ROLES].sort());
    expect(CELLS.length).toBe(ROLES.filter((r) => SEES[r] !== 'refused').length * KINDS.length);
  });
});
