import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { eventually } from '../support/e2e-helpers';
import {
  FakeTwenty,
  fakeId,
  SeenRequest,
  twentyCompany,
  twentyOpportunity,
  twentyPerson,
} from '../support/fake-twenty';

const COMPANIES = 5000;
const PAGES = Math.ceil(COMPANIES / 60);
/** Twenty allows 100 requests a minute; the fake's minute (and the gateway's limiter window) is shortened. */
const WINDOW_MS = 1500;
const LIMIT = 100;

/**
 * The sync with Twenty's REST API (issue 7) against a local Twenty-shaped server with 5,000 companies, people
 * and opportunities: everything imported once, never more than 100 requests in a window, a run killed halfway
 * resumes from its saved cursor, and tier, health and owner are written back to custom fields.
 */
describe('CRM sync with Twenty', () => {
  // The fake Twenty listens on loopback over plain http: the deployment allow-lists it (issue 14, point 5).
  const system = new TestSystem({
    extraEnv: {
      gateway: {
        KAM_CRM_RATE_WINDOW_MS: String(WINDOW_MS),
        KAM_CRM_RATE_LIMIT: String(LIMIT),
        KAM_CRM_ALLOWED_HOSTS: '127.0.0.1',
      },
    },
  });
  let f: Fixture;
  let admin: string;
  let fake: FakeTwenty;
  const apiKey = `twenty-${randomUUID()}`;
  let am1Crm: string;
  let am2Crm: string;

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    admin = await memberToken(system.jwtSecret, f, 'admin');
    am1Crm = `crm-${f.accounts.am1Own}`;
    am2Crm = `crm-${f.accounts.am2Own}`;
    // Two of the 5,000 companies are key accounts of the workspace; the rest are not.
    const companies = Array.from({ length: COMPANIES }, (_, i) =>
      twentyCompany(i === 10 ? am1Crm : i === 2500 ? am2Crm : fakeId(1, i), i),
    );
    companies[10].name = '深圳华为技术有限公司';
    const people = Array.from({ length: COMPANIES }, (_, i) =>
      twentyPerson(fakeId(2, i), i, i < 3 ? am1Crm : fakeId(1, i)),
    );
    const opportunities = Array.from({ length: COMPANIES }, (_, i) =>
      i === 0
        ? twentyOpportunity(fakeId(3, i), i, am1Crm, 'CUSTOMER', 500000)
        : i === 1
          ? twentyOpportunity(fakeId(3, i), i, am1Crm, 'PROPOSAL')
          : twentyOpportunity(fakeId(3, i), i, fakeId(1, i), 'CUSTOMER'),
    );
    fake = await new FakeTwenty({
      apiKey,
      companies,
      people,
      opportunities,
      windowMs: WINDOW_MS,
      limitPerWindow: LIMIT,
    }).start();
    await request(system.baseUrl)
      .put('/api/v1/admin/crm')
      .set('Authorization', `Bearer ${admin}`)
      .send({ baseUrl: fake.url, apiKey, webhookSecret: `whsec_${randomUUID()}` })
      .expect(200);
  }, 120_000);
  afterAll(async () => {
    await system.stop();
    await fake?.stop();
  });

  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const run = async () =>
    (
      await db<{
        run_id: string;
        status: string;
        phase: string;
        cursor: string | null;
        counts: Record<string, number>;
      }>(`SELECT run_id, status, phase, cursor, counts FROM gateway.crm_sync_runs WHERE workspace_id = $1`, [
        f.workspaceId,
      ])
    )[0];
  const candidates = async () =>
    (
      await db<{ n: number; distinct: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT crm_company_id)::int AS distinct
         FROM account_management.crm_prospect_candidates WHERE workspace_id = $1`,
        [f.workspaceId],
      )
    )[0];
  const startSync = () =>
    request(system.baseUrl)
      .post('/api/v1/admin/crm/sync')
      .set('Authorization', `Bearer ${admin}`)
      .expect(202);
  const companyPages = () => fake.requests.filter((r) => r.method === 'GET' && r.path === '/rest/companies');

  it('imports 5,000 companies, is killed halfway, resumes from its cursor without duplicates, never over the limit', async () => {
    // SIGKILL the gateway once 40 of the 84 company pages have been served.
    let kill: Promise<void> | undefined;
    const onRequest = (r: SeenRequest) => {
      if (!kill && r.path === '/rest/companies' && r.status === 200 && companyPages().length >= 40)
        kill = system.kill('gateway');
    };
    fake.on('request', onRequest);
    await startSync();
    await eventually('the kill', () => (kill ? true : undefined), { timeoutMs: 60_000 });
    await kill;
    fake.off('request', onRequest);

    const halfway = await run();
    expect(halfway.status).toBe('running');
    expect(halfway.phase).toBe('companies');
    expect(halfway.cursor).not.toBeNull();
    const partial = await candidates();
    expect(partial.n).toBeGreaterThan(0);
    expect(partial.n).toBeLessThan(COMPANIES - 2);
    const pagesBeforeKill = companyPages().length;

    // The restarted gateway's worker finds the job whose lock has lapsed and goes on from the saved cursor.
    system.spawnApp('gateway', 'gateway-restarted');
    await system.waitHealthy();
    const done = await eventually(
      'the resumed run to complete',
      async () => {
        const r = await run();
        return r.status === 'completed' ? r : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(done.run_id).toBe(halfway.run_id);

    // Every company once: 4,998 candidates and the 2 key accounts.
    expect(await candidates()).toEqual({ n: COMPANIES - 2, distinct: COMPANIES - 2 });
    // Resumed, not restarted: at most the page in flight at the kill is fetched again.
    expect(companyPages().length).toBeGreaterThanOrEqual(PAGES);
    expect(companyPages().length).toBeLessThanOrEqual(PAGES + 2);
    expect(pagesBeforeKill).toBeLessThan(PAGES);
    // Each page asked for at most 60 records, by cursor.
    expect(fake.requests.every((r) => r.path !== '/rest/companies' || r.status === 200)).toBe(true);

    // Never over Twenty's limit: at most 100 requests in any window, and the fake never had to say 429.
    expect(fake.maxPerWindow()).toBeLessThanOrEqual(LIMIT);
    expect(fake.rateLimited).toBe(0);
    // More than one window's worth of requests, so the limiter really had to hold requests back.
    expect(fake.requests.length).toBeGreaterThan(2 * LIMIT);

    // People of key-account companies are contacts; the won opportunity is an order; the others are not.
    const contacts = await db<{ crm_person_id: string }>(
      `SELECT crm_person_id FROM account_management.contacts WHERE account_id = $1 AND crm_person_id IS NOT NULL
       ORDER BY crm_person_id`,
      [f.accounts.am1Own],
    );
    expect(contacts.map((c) => c.crm_person_id)).toEqual([fakeId(2, 0), fakeId(2, 1), fakeId(2, 2)]);
    const orders = await db<{ crm_opportunity_id: string; amount_minor: string }>(
      `SELECT crm_opportunity_id, amount_minor FROM account_management.orders
       WHERE workspace_id = $1 AND source = 'crm_opportunity'`,
      [f.workspaceId],
    );
    expect(orders).toEqual([{ crm_opportunity_id: fakeId(3, 0), amount_minor: '50000000' }]);

    // Tier, health and owner written back to custom fields, created first through the metadata API.
    expect(fake.createdFields.map((x) => [x.name, x.type])).toEqual([
      ['kamTier', 'TEXT'],
      ['kamHealth', 'NUMBER'],
      ['kamOwner', 'TEXT'],
    ]);
    expect(fake.company(am1Crm)).toMatchObject({ kamTier: 'gold', kamOwner: 'am1', kamHealth: null });
    expect(fake.company(am2Crm)).toMatchObject({ kamTier: 'platinum', kamOwner: 'am2' });
    expect(done.counts).toMatchObject({ companiesWrittenBack: 2, fieldsCreated: 3 });
  }, 240_000);

  it('a second run changes nothing new, waits out a 429 for its Retry-After, and finds the fields in place', async () => {
    const first = await run();
    const requestsBefore = fake.requests.length;
    fake.force429(1, 1);
    await startSync();
    const done = await eventually(
      'the second run to complete',
      async () => {
        const r = await run();
        return r.run_id !== first.run_id && r.status === 'completed' ? r : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const mine = fake.requests.slice(requestsBefore);
    const refused = mine.findIndex((r) => r.status === 429);
    expect(refused).toBe(0);
    // The retry came after Retry-After (1 s), not at once.
    expect(mine[1].at - mine[0].at).toBeGreaterThanOrEqual(950);

    expect(await candidates()).toEqual({ n: COMPANIES - 2, distinct: COMPANIES - 2 });
    const orders = await db<{ n: number }>(
      `SELECT count(*)::int AS n FROM account_management.orders WHERE workspace_id = $1 AND source = 'crm_opportunity'`,
      [f.workspaceId],
    );
    expect(orders[0].n).toBe(1);
    expect(done.counts).toMatchObject({ companies: COMPANIES, candidates: COMPANIES - 2, ordersCreated: 0 });
    expect(done.counts.fieldsCreated).toBe(0);
    expect(fake.createdFields).toHaveLength(3);
    expect(fake.maxPerWindow()).toBeLessThanOrEqual(LIMIT);
    expect(fake.rateLimited).toBe(0);
  }, 240_000);

  it('shows the last run to the admin, without the API key', async () => {
    const res = await request(system.baseUrl)
      .get('/api/v1/admin/crm')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.body.sync).toMatchObject({ status: 'completed', phase: 'done' });
    expect(JSON.stringify(res.body)).not.toContain(apiKey);
    const logs = system.logs('gateway');
    expect(logs).not.toContain(apiKey);
  });
});
