import request from 'supertest';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { eventually, expectProblem } from '../support/e2e-helpers';
import { FakeTwenty, fakeId, twentyCompany, twentyOpportunity } from '../support/fake-twenty';

type Who = keyof Fixture['members'];

/** A server that only records who came: the place a malicious CRM would send the API key to. */
async function recordingServer(host = '127.0.0.1') {
  const seen: { path: string; authorization: string | undefined }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  let connections = 0;
  server.on('connection', () => connections++);
  return {
    seen,
    connections: () => connections,
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Issue 14, point 5: the CRM connection is not a way out of the deployment. The admin's baseUrl must be https to a
 * public host unless the deployment allow-lists a host (KAM_CRM_ALLOWED_HOSTS); the addresses are checked again
 * before every request; a redirect is never followed; a changed connection is told to the director and written
 * to the access log; and the pay statement says how much of the sales came from CRM orders.
 *
 * The test stack allow-lists the loopback fake Twenty (127.0.0.1) explicitly; a second gateway without the
 * allow-list shows the same URL refused.
 */
describe('the CRM connection cannot be pointed inside the network (issue 14, point 5)', () => {
  const system = new TestSystem({ extraEnv: { gateway: { KAM_CRM_ALLOWED_HOSTS: '127.0.0.1' } } });
  let f: Fixture;
  const tokens: Partial<Record<Who, string>> = {};
  let fake: FakeTwenty;
  const apiKey = `twenty-${randomUUID()}`;
  const secret = `whsec_${randomUUID()}`;
  /** The second gateway, started without KAM_CRM_ALLOWED_HOSTS. */
  let strictUrl: string;
  let strict: Awaited<ReturnType<TestSystem['spawnReplica']>>;
  /** The won opportunity of am1's account: 321,000.00 CNY, closed in June 2025. */
  const CRM_ORDER_MINOR = 32_100_000;

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of ['admin', 'director', 'deputy', 'am1', 'security'] as Who[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    const am1Crm = `crm-${f.accounts.am1Own}`;
    const won = twentyOpportunity(fakeId(3, 0), 0, am1Crm, 'CUSTOMER', CRM_ORDER_MINOR / 100);
    won.closeDate = '2025-06-20T00:00:00.000Z';
    fake = await new FakeTwenty({
      apiKey,
      companies: [twentyCompany(am1Crm, 0, '深圳华为技术有限公司'), twentyCompany(fakeId(1, 1), 1)],
      people: [],
      opportunities: [won],
    }).start();
    strict = await system.spawnReplica('gateway', 'gateway-without-allow-list', {
      KAM_CRM_ALLOWED_HOSTS: '',
    });
    strictUrl = `http://127.0.0.1:${strict.httpPort}`;
    await eventually(
      'the gateway without the allow-list',
      async () => ((await fetch(`${strictUrl}/health`)).status === 200 ? true : undefined),
      { timeoutMs: 45_000, intervalMs: 200 },
    );
  }, 120_000);
  afterAll(async () => {
    await system.stop();
    await fake?.stop();
  });

  const api = (base = system.baseUrl) => request(base);
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const put = (body: Record<string, unknown>, base = system.baseUrl, locale = 'en') =>
    api(base).put('/api/v1/admin/crm').set(as('admin')).set('Accept-Language', locale).send(body);
  const run = async () =>
    (
      await db<{ run_id: string; status: string; last_error: string | null }>(
        `SELECT run_id, status, last_error FROM gateway.crm_sync_runs WHERE workspace_id = $1`,
        [f.workspaceId],
      )
    )[0];
  const startSync = () => api().post('/api/v1/admin/crm/sync').set(as('admin')).expect(202);
  const crmNotifications = async (who: Who) => {
    const res = await api().get('/api/v1/notifications?limit=200').set(as(who)).expect(200);
    return (
      res.body.items as { kind: string; title: string; body: string | null; link: Record<string, unknown> }[]
    ).filter((n) => n.kind === 'crm_connection_changed');
  };
  const connectionLog = async () => {
    const res = await api()
      .get(`/api/v1/access-log?memberId=${f.members.admin.id}&limit=500`)
      .set(as('security'))
      .expect(200);
    return (
      res.body.items as {
        action: string;
        subject: string;
        memberId: string;
        details: Record<string, unknown>;
      }[]
    ).filter((e) => e.subject === 'crm_connection');
  };
  /** The log is written from the gateway's outbox: waits until it has `n` connection entries. */
  const connectionLogOf = (n: number) =>
    eventually(`${n} connection entries`, async () => {
      const log = await connectionLog();
      return log.length >= n ? log : undefined;
    });

  describe('where the connection may point', () => {
    it('without the allow-list, the loopback fake Twenty over http is refused with a 400 naming baseUrl (English and Chinese), and nothing is stored', async () => {
      const en = await put({ baseUrl: fake.url, apiKey, webhookSecret: secret }, strictUrl, 'en');
      expectProblem(en, 400, 'crm_base_url_not_allowed');
      expect(en.body.detail).toContain('baseUrl');
      expect(en.body.detail).toContain('KAM_CRM_ALLOWED_HOSTS');
      expect(en.body.errors).toEqual([{ field: 'baseUrl', message: expect.stringContaining('http') }]);
      const zh = await put({ baseUrl: fake.url, apiKey, webhookSecret: secret }, strictUrl, 'zh-CN');
      expectProblem(zh, 400, 'crm_base_url_not_allowed');
      expect(zh.body.detail).toContain('baseUrl');
      expect(zh.body.detail).toMatch(/[\u4e00-\u9fff]/);
      expectProblem(
        await api(strictUrl).get('/api/v1/admin/crm').set(as('admin')),
        404,
        'crm_not_configured',
      );
      expect(fake.requests).toHaveLength(0);
    });

    it.each([
      ['plain http to a public host', 'http://crm.example.com'],
      ['a loopback address', 'https://127.0.0.1'],
      ['another address of 127/8', 'https://127.8.9.10:8443'],
      ['a 10/8 address', 'https://10.1.2.3'],
      ['a 172.16/12 address', 'https://172.31.255.254'],
      ['a 192.168/16 address', 'https://192.168.1.10'],
      ['the cloud metadata address (link-local)', 'https://169.254.169.254/latest'],
      ['a carrier-grade NAT address (100.64/10)', 'https://100.64.0.1'],
      ['0.0.0.0', 'https://0.0.0.0'],
      ['IPv6 loopback', 'https://[::1]:3000'],
      ['an IPv6 unique-local address (fc00::/7)', 'https://[fd12:3456::1]'],
      ['an IPv6 link-local address (fe80::/10)', 'https://[fe80::1]'],
      ['loopback written as IPv4-mapped IPv6', 'https://[::ffff:127.0.0.1]'],
      ['a private address written as IPv4-mapped IPv6', 'https://[::ffff:10.0.0.1]'],
      ['a name that resolves to loopback', 'https://localhost:3000'],
    ])('refuses %s (%s) with a 400 naming baseUrl', async (_what, baseUrl) => {
      const res = await put({ baseUrl, apiKey, webhookSecret: secret }, strictUrl);
      expectProblem(res, 400, 'crm_base_url_not_allowed');
      expect(res.body.errors[0].field).toBe('baseUrl');
    });

    it('with the allow-list (127.0.0.1), the same URL is accepted; other private addresses stay refused', async () => {
      // From here on one gateway: the one without the allow-list would refuse the sync jobs it picks up.
      strict.child.kill('SIGTERM');
      await strict.exited;
      for (const baseUrl of ['https://10.0.0.1', 'http://[::1]:3000', 'https://192.168.0.1'])
        expectProblem(await put({ baseUrl, apiKey, webhookSecret: secret }), 400, 'crm_base_url_not_allowed');
      expectProblem(await api().get('/api/v1/admin/crm').set(as('admin')), 404, 'crm_not_configured');
      const ok = await put({ baseUrl: fake.url, apiKey, webhookSecret: secret }).expect(200);
      expect(ok.body.baseUrl).toBe(fake.url);
    });

    it('the sync imports from the allow-listed CRM, and the won opportunity becomes an order of am1', async () => {
      await startSync();
      await eventually(
        'the sync to complete',
        async () => ((await run())?.status === 'completed' ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const orders = await db<{ member_id: string; amount_minor: string; source: string }>(
        `SELECT member_id, amount_minor, source FROM account_management.orders WHERE workspace_id = $1`,
        [f.workspaceId],
      );
      expect(orders).toEqual([
        { member_id: f.members.am1.id, amount_minor: String(CRM_ORDER_MINOR), source: 'crm_opportunity' },
      ]);
    }, 90_000);

    it('a connection whose address is no longer allowed when the sync runs (e.g. its name now points inside) sends nothing', async () => {
      const inside = await recordingServer('127.0.0.2');
      let refused = '';
      try {
        // What a DNS change would do to a stored connection: it now leads to an address the allow-list does not
        // name. The addresses are checked before every request, not only when the connection was saved.
        await db(`UPDATE gateway.crm_connections SET base_url = $2 WHERE workspace_id = $1`, [
          f.workspaceId,
          inside.url,
        ]);
        const before = (await run())!.run_id;
        await startSync();
        const failed = await eventually(
          'the sync to fail',
          async () => {
            const r = await run();
            return r && r.run_id !== before && r.status === 'failed' ? r : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 200 },
        );
        expect(failed.last_error).toMatch(/127\.0\.0\.2.*not allowed|not allowed.*127\.0\.0\.2/);
        expect(inside.connections()).toBe(0);
        expect(inside.seen).toEqual([]);
        refused = failed.run_id;
      } finally {
        await db(`UPDATE gateway.crm_connections SET base_url = $2 WHERE workspace_id = $1`, [
          f.workspaceId,
          fake.url,
        ]);
        await inside.stop();
      }
      // The refused run ended at once (failed, not retried); a new one from the restored connection completes.
      await startSync();
      await eventually(
        'a new sync that completes',
        async () => {
          const r = await run();
          return r && r.run_id !== refused && r.status === 'completed' ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    }, 150_000);
  });

  describe('redirects', () => {
    it('a 302 from the CRM fails the sync and is never followed: the redirect target gets nothing, not the API key', async () => {
      const target = await recordingServer();
      try {
        fake.redirectTo(`${target.url}/steal`);
        const before = (await run())!.run_id;
        const asked = fake.requests.length;
        await startSync();
        const failed = await eventually(
          'the sync to fail on the redirect',
          async () => {
            const r = await run();
            return r && r.run_id !== before && r.status === 'failed' ? r : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 200 },
        );
        expect(failed.last_error).toMatch(/redirect/i);
        // Asked once, answered 302, not asked again (a redirect is not retried either).
        expect(fake.requests.slice(asked).map((r) => r.status)).toEqual([302]);
        expect(target.seen).toEqual([]);
        expect(target.connections()).toBe(0);
      } finally {
        fake.redirectTo(null);
        await target.stop();
      }
    }, 60_000);
  });

  describe('a changed connection is told to the director and written to the access log', () => {
    it('setting up the connection told the director (not others) which host, and the access log names the admin', async () => {
      const notes = await crmNotifications('director');
      expect(notes).toHaveLength(1);
      expect(notes[0].title).toContain('127.0.0.1');
      expect(notes[0].link).toMatchObject({ host: '127.0.0.1', changedBy: f.members.admin.id });
      expect(await crmNotifications('deputy')).toHaveLength(0);
      expect(await crmNotifications('am1')).toHaveLength(0);
      const log = await connectionLogOf(1);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({
        action: 'configure',
        memberId: f.members.admin.id,
        details: { host: '127.0.0.1', changed: ['baseUrl', 'apiKey', 'webhookSecret'] },
      });
    });

    it('saving the same connection again is no change: no notification, no entry', async () => {
      await put({ baseUrl: fake.url }).expect(200);
      await put({ baseUrl: fake.url, apiKey, webhookSecret: secret }).expect(200);
      expect(await crmNotifications('director')).toHaveLength(1);
      expect(await connectionLog()).toHaveLength(1);
    });

    it('a new API key, then a new host: each is told and logged with the host only, never the key or secret', async () => {
      const newKey = `twenty-${randomUUID()}`;
      await put({ baseUrl: fake.url, apiKey: newKey }).expect(200);
      const elsewhere = 'https://crm.example.com';
      // example.com does not resolve here: a host that does not resolve yet is stored (the sync checks again).
      const moved = await put({ baseUrl: elsewhere, webhookSecret: `whsec_${randomUUID()}` });
      expect(moved.status).toBe(200);
      const notes = await crmNotifications('director');
      expect(notes).toHaveLength(3);
      const log = await connectionLogOf(3);
      expect(log).toHaveLength(3);
      expect(log.map((e) => e.details)).toEqual([
        expect.objectContaining({
          host: 'crm.example.com',
          previousHost: '127.0.0.1',
          changed: ['baseUrl', 'webhookSecret'],
          via: 'gateway',
        }),
        expect.objectContaining({ host: '127.0.0.1', changed: ['apiKey'], via: 'gateway' }),
        expect.objectContaining({
          host: '127.0.0.1',
          changed: ['baseUrl', 'apiKey', 'webhookSecret'],
          via: 'gateway',
        }),
      ]);
      for (const e of log)
        expect(Object.keys(e.details).sort()).toEqual(
          ['changed', 'host', 'method', 'previousHost', 'requestId', 'route', 'via'].filter(
            (k) => k !== 'previousHost' || 'previousHost' in e.details,
          ),
        );
      expect(notes[0].title).toContain('crm.example.com');
      const everything = JSON.stringify([notes, log]);
      for (const s of [apiKey, newKey, secret]) expect(everything).not.toContain(s);
      // Back to the fake, so the statement below comes from the same data.
      await put({ baseUrl: fake.url, apiKey }).expect(200);
    });
  });

  describe('orders from the CRM in the pay statement', () => {
    it("the statement that approves am1's pay shows how much of the sales came from CRM orders (amount and count)", async () => {
      const month = '2025-06';
      const MANUAL_MINOR = 2_000_000;
      await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/orders`)
        .set(as('director'))
        .send({
          memberId: f.members.am1.id,
          amount: { amountMinor: MANUAL_MINOR, currency: 'CNY' },
          orderedOn: '2025-06-10',
        })
        .expect(201);
      await api().post('/api/v1/performance/cycles').set(as('director')).send({ month }).expect(201);
      const cards = await api()
        .get(`/api/v1/performance/scorecards?month=${month}&limit=500`)
        .set(as('director'))
        .expect(200);
      const card = (cards.body.items as { id: string; memberId: string }[]).find(
        (c) => c.memberId === f.members.am1.id,
      )!;
      const statement = await api()
        .get(`/api/v1/performance/scorecards/${card.id}/statement`)
        .set(as('director'))
        .expect(200);
      expect(statement.body.sales).toEqual({
        salesMinor: String(CRM_ORDER_MINOR + MANUAL_MINOR),
        ordersCount: 2,
        fromCrm: { amountMinor: String(CRM_ORDER_MINOR), ordersCount: 1 },
      });
      expect(statement.body.notes).toContainEqual(expect.stringMatching(/CRM/));
    });
  });
});
