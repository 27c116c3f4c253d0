import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { ALL_APPS, TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, tokenFor } from '../support/fixtures';
import { eventually } from '../support/e2e-helpers';

const SERVICES = ['account-management', 'performance-evaluation', 'document-security'];

/** What an IT admin watches: the health endpoint, the logs, and a clean stop. */
describe('health, logs and shutdown of the KAM services', () => {
  const system = new TestSystem();
  let f: Fixture;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of ['director', 'admin', 'executive'] as const)
      tokens[who] = await memberToken(system.jwtSecret, f, who);
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const health = () => api().get('/health');

  /** Every JSON log line of an app (non-JSON lines are returned as strings, so callers can complain). */
  const logLines = (app: (typeof ALL_APPS)[number]): (Record<string, unknown> | string)[] =>
    system
      .logs(app)
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return l;
        }
      });
  const gatewayLineOf = (requestId: string) =>
    logLines('gateway').find(
      (l) =>
        typeof l === 'object' && (l.requestId === requestId || (l.req as { id?: string })?.id === requestId),
    ) as Record<string, unknown> | undefined;

  describe('the health endpoint', () => {
    it('reports PostgreSQL, Redis, NATS and each of the three services as up', async () => {
      const res = await health().expect(200);
      expect(res.body.status).toBe('up');
      expect(res.body.checks).toEqual(expect.objectContaining({ postgres: 'up', redis: 'up', nats: 'up' }));
      for (const s of SERVICES) expect(res.body.services[s]).toMatchObject({ status: 'up' });
    });

    it('needs no token', async () => {
      await health().set('Authorization', 'Bearer garbage').expect(200);
    });
  });

  describe('logs', () => {
    let apiKey: string;
    const secrets: Record<string, string> = {};
    let bearerRequestId: string;

    beforeAll(async () => {
      const created = await api()
        .post('/api/v1/api-keys')
        .set('Authorization', `Bearer ${tokens.executive}`)
        .send({ name: 'log check', roles: ['executive'] })
        .expect(201);
      apiKey = created.body.key;
      const forged = await tokenFor('a-different-secret-that-is-also-long-enough-42', {
        sub: f.members.director.id,
        workspaceId: f.workspaceId,
        roles: ['director'],
      });
      Object.assign(secrets, {
        'director bearer token': tokens.director,
        'director token signature': tokens.director.split('.')[2],
        'admin token': tokens.admin,
        'admin token signature': tokens.admin.split('.')[2],
        'API key': apiKey,
        'API key secret': apiKey.slice('kam_'.length + 32 + 1),
        'refused token signature': forged.split('.')[2],
      });

      // Requests carrying each kind of secret, successful and refused.
      const bearer = await api()
        .get('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(200);
      bearerRequestId = bearer.headers['x-request-id'];
      await api().get('/api/v1/accounts').set('Authorization', `Bearer ${forged}`).expect(401);
      await api().get('/api/v1/accounts').set('X-Api-Key', apiKey).expect(200);
      await api().get('/api/v1/accounts').set('X-Api-Key', `${apiKey}x`).expect(401);
      const signIn = await api().get(`/admin/queues?token=${tokens.admin}`).redirects(0).expect(303);
      const cookie = (signIn.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      await api()
        .get('/admin/queues/summary')
        .set('Cookie', cookie)
        .set('Accept', 'application/json')
        .expect(200);
      await api().get(`/api/v1/accounts?token=${tokens.admin}`).set('X-Api-Key', apiKey).expect(400);
      // The last request's line is in the log: everything before it has been written too.
      const last = await api().get('/api/v1/accounts').set('X-Api-Key', apiKey).expect(200);
      await eventually('the last request in the gateway log', () =>
        gatewayLineOf(last.headers['x-request-id']),
      );
    });

    it('no token, API key or secret part of one appears in any service log', () => {
      expect(Object.keys(secrets)).toHaveLength(7);
      expect(secrets['API key secret']).toHaveLength(43);
      for (const app of ALL_APPS) {
        const text = system.logs(app);
        expect(text.length).toBeGreaterThan(0);
        for (const [what, secret] of Object.entries(secrets)) {
          expect({ app, what, found: text.includes(secret) }).toEqual({ app, what, found: false });
        }
      }
    });

    it('the request line of a bearer-token call is in the log with its headers redacted', () => {
      const line = gatewayLineOf(bearerRequestId);
      expect(line).toBeDefined();
      expect(JSON.stringify(line)).not.toContain('Bearer');
      expect(line?.req).toMatchObject({ method: 'GET', url: '/api/v1/accounts' });
    });

    it('every line of every service log is JSON naming the service', () => {
      for (const app of ALL_APPS) {
        const lines = logLines(app);
        expect(lines.length).toBeGreaterThan(0);
        const notJson = lines.filter((l) => typeof l === 'string');
        expect({ app, notJson }).toEqual({ app, notJson: [] });
        for (const l of lines)
          expect(l).toMatchObject({ app, level: expect.any(Number), time: expect.any(Number) });
      }
    });

    it('the x-request-id of an answer appears in the gateway log, on the line of that request', async () => {
      const res = await api()
        .get('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(200);
      const id = res.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const line = await eventually('the request line', () => gatewayLineOf(id));
      expect(line).toMatchObject({
        requestId: id,
        req: { id, url: '/api/v1/accounts' },
        res: { statusCode: 200 },
      });
    });

    it('a request id sent by the CRM is kept, answered and logged; a malformed one is replaced', async () => {
      const mine = `crm-trace-${randomUUID()}`;
      const res = await api()
        .get('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.director}`)
        .set('X-Request-Id', mine)
        .expect(200);
      expect(res.headers['x-request-id']).toBe(mine);
      await eventually('the CRM request id in the gateway log', () => gatewayLineOf(mine));
      const bad = await api()
        .get('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.director}`)
        .set('X-Request-Id', 'has spaces and "quotes"')
        .expect(200);
      expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('a refused request is logged with its request id, and its problem names the same id', async () => {
      const res = await api().get('/api/v1/accounts').set('Authorization', 'Bearer garbage').expect(401);
      const id = res.headers['x-request-id'];
      expect(id).toBeDefined();
      expect(res.body.instance).toBe(`urn:kam:request:${id}`);
      await eventually('the refused request in the gateway log', () => gatewayLineOf(id));
    });

    it('a job console sign-in and a denied console visit are logged with their request id', async () => {
      const signIn = await api().get(`/admin/queues?token=${tokens.admin}`).redirects(0).expect(303);
      expect(signIn.headers['x-request-id']).toBeDefined();
      await eventually('the console sign-in in the gateway log', () =>
        gatewayLineOf(signIn.headers['x-request-id']),
      );
      const denied = await api().get('/admin/queues').expect(401);
      expect(denied.headers['x-request-id']).toBeDefined();
      expect(denied.body.instance).toBe(`urn:kam:request:${denied.headers['x-request-id']}`);
      await eventually('the denied console visit in the gateway log', () =>
        gatewayLineOf(denied.headers['x-request-id']),
      );
    });

    it('a request refused for its body is logged with its request id', async () => {
      const plain = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.director}`)
        .set('Content-Type', 'text/plain')
        .send('hello')
        .expect(415);
      expect(plain.headers['x-request-id']).toBeDefined();
      expect(plain.body.instance).toBe(`urn:kam:request:${plain.headers['x-request-id']}`);
      await eventually('the refused body in the gateway log', () =>
        gatewayLineOf(plain.headers['x-request-id']),
      );
    });
  });

  describe('when a service goes down', () => {
    it('health turns 503 within 5 s and names document-security as down', async () => {
      await system.kill('document-security');
      const res = await eventually(
        'health to report the outage',
        async () => {
          const r = await health();
          return r.status === 503 ? r : undefined;
        },
        { timeoutMs: 5000 },
      );
      expect(res.body.status).toBe('down');
      expect(res.body.services['document-security'].status).toBe('down');
      expect(res.body.services['account-management'].status).toBe('up');
      expect(res.body.services['performance-evaluation'].status).toBe('up');
      expect(res.body.checks).toEqual(expect.objectContaining({ postgres: 'up', redis: 'up', nats: 'up' }));
    });

    it('health is back to 200 once document-security runs again', async () => {
      system.spawnApp('document-security');
      await system.waitHealthy(30000);
      const res = await health().expect(200);
      for (const s of SERVICES) expect(res.body.services[s]).toMatchObject({ status: 'up' });
    });
  });

  describe('stopping', () => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | 'still running';

    it('the gateway stops within 10 s of SIGTERM', async () => {
      const gateway = system.apps.get('gateway');
      expect(gateway?.child.exitCode).toBeNull();
      const timeout = new Promise<'still running'>((resolve) =>
        setTimeout(() => resolve('still running'), 10000).unref(),
      );
      exit = await Promise.race([system.stopApp('gateway', 'SIGTERM'), timeout]);
      expect(exit).not.toBe('still running');
      await expect(health()).rejects.toThrow();
    });

    it('the gateway exits with code 0 after SIGTERM', () => {
      expect(exit).toEqual({ code: 0, signal: null });
    });
  });
});
