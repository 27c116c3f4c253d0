import request from 'supertest';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { TestSystem, ROOT, freePort } from '../support/system';
import { adminUrl } from '../support/env';
import { createWorkspace, Fixture, memberToken, tokenFor, withDb } from '../support/fixtures';
import { eventually, expectProblem } from '../support/e2e-helpers';

/*
 * Issue 14, points 3, 4 and 12: who a caller is, as the gateway and the services see it. Ids are canonical
 * (lower-case) before any rule sees them; tokens live no longer than the deployment allows; the development token
 * mint is never open by accident; a member nobody knows is told so; nobody decides their own request.
 */
describe('who is calling: canonical ids, bounded tokens, no open token mint', () => {
  const system = new TestSystem();
  let f: Fixture;
  const tokens: Record<string, string> = {};
  const api = () => request(system.baseUrl);
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
  const as = (who: keyof Fixture['members']) => bearer(tokens[who]);
  /** A token of a fixture member whose ids are written in upper case. */
  const upperToken = (who: keyof Fixture['members']) =>
    tokenFor(system.jwtSecret, {
      sub: f.members[who].id.toUpperCase(),
      workspaceId: f.workspaceId.toUpperCase(),
      roles: f.members[who].roles,
    });

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as (keyof Fixture['members'])[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
  });
  afterAll(() => system.stop());

  describe('ids in any case are the same id (point 4)', () => {
    const month = '2026-06';
    let leaderCard: string;

    beforeAll(async () => {
      const opened = await api().post('/api/v1/performance/cycles').set(as('director')).send({ month });
      expect(opened.status).toBe(201);
      const [row] = await db<{ id: string }>(
        `SELECT id FROM performance_evaluation.scorecards WHERE workspace_id = $1 AND month = $2 AND member_id = $3`,
        [f.workspaceId, month, f.members.leader1.id],
      );
      leaderCard = row.id;
    });

    const cardState = async () =>
      db(`SELECT status, version FROM performance_evaluation.scorecards WHERE id = $1`, [leaderCard]);

    it('a group leader whose token spells their id in upper case still cannot rate their own scorecard', async () => {
      const before = await cardState();
      const card = await api()
        .get(`/api/v1/performance/scorecards/${leaderCard}`)
        .set(as('director'))
        .expect(200);
      const criterion = (card.body.items as { criterionKey: string; kind: string; maxPoints: string }[]).find(
        (i) => i.kind === 'manual',
      )!;
      const res = await api()
        .post(`/api/v1/performance/scorecards/${leaderCard}/ratings`)
        .set(bearer(await upperToken('leader1')))
        .set('If-Match', card.headers.etag as string)
        .send({ ratings: [{ criterionKey: criterion.criterionKey, points: criterion.maxPoints }] });
      expect([403, 404]).toContain(res.status);
      expect(await cardState()).toEqual(before);
    });

    it('nor read it while it is unpublished', async () => {
      const res = await api()
        .get(`/api/v1/performance/scorecards/${leaderCard}`)
        .set(bearer(await upperToken('leader1')));
      expect([403, 404]).toContain(res.status);
    });

    it('an account id written in upper case in the path opens the same account, with its id in lower case', async () => {
      const res = await api()
        .get(`/api/v1/accounts/${f.accounts.am1Own.toUpperCase()}`)
        .set(as('am1'))
        .expect(200);
      expect(res.body.id).toBe(f.accounts.am1Own);
    });

    it('an account manager with an upper-case token reads their own account as themselves', async () => {
      const res = await api()
        .get(`/api/v1/accounts/${f.accounts.am1Own}`)
        .set(bearer(await upperToken('am1')))
        .expect(200);
      expect(res.body.ownerId).toBe(f.members.am1.id);
      // …and nobody else's.
      expectProblem(
        await api()
          .get(`/api/v1/accounts/${f.accounts.am2Own}`)
          .set(bearer(await upperToken('am1'))),
        404,
      );
    });

    it('an id written in upper case in a body is stored in lower case', async () => {
      const current = await api()
        .get(`/api/v1/accounts/${f.accounts.am2Own}`)
        .set(as('director'))
        .expect(200);
      await api()
        .post(`/api/v1/accounts/${f.accounts.am2Own}/assignment`)
        .set(as('director'))
        .set('If-Match', current.headers.etag as string)
        .send({
          ownerId: f.members.am2.id.toUpperCase(),
          assistantIds: [f.members.assistant.id.toUpperCase()],
        })
        .expect(200);
      const [row] = await db<{ owner_id: string; assistant_ids: string[] }>(
        `SELECT owner_id::text, assistant_ids::text[] FROM account_management.accounts WHERE id = $1`,
        [f.accounts.am2Own],
      );
      expect(row).toEqual({ owner_id: f.members.am2.id, assistant_ids: [f.members.assistant.id] });
      // The assistant reads it as an assistant: the rule compared their own id with the stored one.
      await api().get(`/api/v1/accounts/${f.accounts.am2Own}`).set(as('assistant')).expect(200);
    });

    it('an id that is not a uuid in a token, a path or a body is refused', async () => {
      const notUuid = await tokenFor(system.jwtSecret, {
        sub: `${f.members.am1.id}x`,
        workspaceId: f.workspaceId,
        roles: ['account_manager'],
      });
      expectProblem(await api().get('/api/v1/accounts').set(bearer(notUuid)), 401, 'token_invalid');
      expectProblem(
        await api().get(`/api/v1/accounts/${f.accounts.am1Own}x`).set(as('am1')),
        400,
        'validation_failed',
      );
    });
  });

  describe('tokens live no longer than the deployment allows (point 12)', () => {
    it('a token valid until the year 5138 is refused', async () => {
      const forever = await tokenFor(
        system.jwtSecret,
        { sub: f.members.am1.id, workspaceId: f.workspaceId, roles: ['account_manager'] },
        { ttlSeconds: 100_000_000_000 },
      );
      const res = await api().get('/api/v1/accounts').set(bearer(forever)).set('Accept-Language', 'en');
      expectProblem(res, 401, 'token_lifetime_exceeded');
      expect(res.body.detail).toMatch(/24 h/);
    });

    it('a token of 25 hours is refused; one of 23 hours is accepted', async () => {
      const claims = { sub: f.members.am1.id, workspaceId: f.workspaceId, roles: ['account_manager'] };
      expectProblem(
        await api()
          .get('/api/v1/accounts')
          .set(bearer(await tokenFor(system.jwtSecret, claims, { ttlSeconds: 25 * 3600 }))),
        401,
        'token_lifetime_exceeded',
      );
      await api()
        .get('/api/v1/accounts')
        .set(bearer(await tokenFor(system.jwtSecret, claims, { ttlSeconds: 23 * 3600 })))
        .expect(200);
    });
  });

  describe('members the system has never seen (point 12)', () => {
    it('a valid token for an unknown member is told member_unknown, in Chinese too', async () => {
      const stranger = await tokenFor(system.jwtSecret, {
        sub: randomUUID(),
        workspaceId: f.workspaceId,
        roles: ['director'],
      });
      const res = await api().get('/api/v1/accounts').set(bearer(stranger)).set('Accept-Language', 'zh-CN');
      expectProblem(res, 401, 'member_unknown');
      expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
    });

    it('a departed member is still told member_departed', async () => {
      expectProblem(await api().get('/api/v1/accounts').set(as('departed')), 401, 'member_departed');
    });
  });

  describe('a token acts only with roles the member holds', () => {
    const claiming = (who: keyof Fixture['members'], roles: string[]) =>
      tokenFor(system.jwtSecret, {
        sub: f.members[who].id,
        workspaceId: f.workspaceId,
        roles: roles as Fixture['members'][typeof who]['roles'],
      });

    it("an account manager's token claiming the director's role reads no salaries: 403, and it is in the access log", async () => {
      const forged = await claiming('am2', ['director']);
      expectProblem(await api().get('/api/v1/performance/pay-bases').set(bearer(forged)), 403, 'forbidden');
      await eventually('the refusal in the access log', async () => {
        const rows = await db(
          `SELECT details FROM document_security.access_log WHERE workspace_id = $1 AND member_id = $2 AND action = 'denied'`,
          [f.workspaceId, f.members.am2.id],
        );
        return rows.length ? rows : undefined;
      });
    });

    it('a token naming a held role and one not held acts with the held one only', async () => {
      const mixed = await claiming('am1', ['account_manager', 'director']);
      await api().get('/api/v1/accounts').set(bearer(mixed)).expect(200);
      expectProblem(await api().get('/api/v1/performance/pay-bases').set(bearer(mixed)), 403, 'forbidden');
    });
  });

  describe('nobody decides their own request; grants are bounded (point 12)', () => {
    let documentId: string;

    beforeAll(async () => {
      const up = await api()
        .post('/api/v1/documents')
        .set(as('director'))
        .field('kind', 'report')
        .field('classification', 'secret')
        .field('title', '年度大客户名单')
        .attach('file', Buffer.from('名单\n'), { filename: 'list.txt', contentType: 'text/plain' });
      expect(up.status).toBe(201);
      documentId = up.body.id as string;
    });

    it('the director cannot approve their own export request; the executive can', async () => {
      const req = await api()
        .post('/api/v1/export-requests')
        .set(as('director'))
        .send({ kind: 'documents', documentIds: [documentId], reason: '年度审计' })
        .expect(201);
      const own = await api()
        .post(`/api/v1/export-requests/${req.body.id}/decision`)
        .set(as('director'))
        .send({ decision: 'approve' });
      expectProblem(own, 403, 'own_request');
      const [row] = await db<{ status: string }>(
        `SELECT status FROM document_security.export_requests WHERE id = $1`,
        [req.body.id],
      );
      expect(row.status).toBe('pending');
      const decided = await api()
        .post(`/api/v1/export-requests/${req.body.id}/decision`)
        .set(as('executive'))
        .send({ decision: 'approve', note: '同意' })
        .expect(200);
      expect(decided.body).toMatchObject({ status: 'approved', decidedBy: f.members.executive.id });
    });

    it('a grant until 2099 is refused; a grant for eleven months is accepted', async () => {
      const grant = (expiresAt: string) =>
        api()
          .post(`/api/v1/documents/${documentId}/grants`)
          .set(as('director'))
          .send({ granteeType: 'member', granteeId: f.members.am1.id, expiresAt, reason: '投标评审需要' });
      const before = await db(
        `SELECT count(*)::int AS n FROM document_security.document_grants WHERE document_id = $1`,
        [documentId],
      );
      expectProblem(await grant('2099-01-01T00:00:00+08:00'), 400, 'validation_failed');
      expect(
        await db(`SELECT count(*)::int AS n FROM document_security.document_grants WHERE document_id = $1`, [
          documentId,
        ]),
      ).toEqual(before);
      const inElevenMonths = new Date(Date.now() + 330 * 24 * 3600 * 1000).toISOString();
      expect((await grant(inElevenMonths)).status).toBe(201);
    });
  });

  describe("an admin's run-now never runs in the future (point 8)", () => {
    const RUNS = [
      '/api/v1/admin/jobs/complaints/run',
      '/api/v1/admin/jobs/revisits/run',
      '/api/v1/admin/jobs/contracts/run',
      '/api/v1/admin/jobs/health/run',
      '/api/v1/admin/jobs/tenders/run',
      '/api/v1/admin/jobs/surveys/run',
      '/api/v1/admin/jobs/performance/open-cycles/run',
      '/api/v1/admin/jobs/performance/rating-reminders/run',
      '/api/v1/admin/jobs/documents/policy-reminders/run',
    ];

    it('a complaint minutes old is not marked breached and escalated by a sweep "as of 2099"', async () => {
      const opened = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/complaints`)
        .set(as('am1'))
        .send({
          channel: 'phone',
          category: '产品质量',
          severity: 'high',
          description: '交付的设备无法开机',
          receivedAt: new Date().toISOString(),
        });
      expect(opened.status).toBe(201);
      const res = await api()
        .post('/api/v1/admin/jobs/complaints/run')
        .set(as('admin'))
        .set('Accept-Language', 'en')
        .send({ asOf: '2099-01-01T00:00:00+08:00' });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.detail).toContain('asOf');
      const [row] = await db(
        `SELECT breached_response, breached_resolution, escalation_level
         FROM account_management.complaints WHERE id = $1`,
        [opened.body.id],
      );
      expect(row).toEqual({ breached_response: false, breached_resolution: false, escalation_level: 0 });
    });

    it.each(RUNS)('%s refuses an asOf beyond a minute ahead', async (route) => {
      const ahead = new Date(Date.now() + 5 * 60_000).toISOString();
      expectProblem(await api().post(route).set(as('admin')).send({ asOf: ahead }), 400, 'validation_failed');
    });

    it('an asOf a few seconds ahead (clock skew) is still now', async () => {
      const res = await api()
        .post('/api/v1/admin/jobs/complaints/run')
        .set(as('admin'))
        .send({ asOf: new Date(Date.now() + 10_000).toISOString() });
      expect(res.status).toBe(200);
    });
  });

  describe('the development token mint (point 3)', () => {
    it('npm start leaves it off unless the user sets KAM_DEV_AUTH=1 themselves', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const apps = require(path.join(ROOT, 'scripts/lib/apps.js')) as {
        startContext: (servers: object, opts: object, env: NodeJS.ProcessEnv) => { devAuth: boolean };
      };
      expect(apps.startContext({}, { profile: 'dev' }, {}).devAuth).toBe(false);
      expect(apps.startContext({}, { profile: 'dev' }, { KAM_DEV_AUTH: '0' }).devAuth).toBe(false);
      expect(apps.startContext({}, { profile: 'dev' }, { KAM_DEV_AUTH: '1' }).devAuth).toBe(true);
    });

    it('a gateway told to mint tokens while listening beyond loopback refuses to start', async () => {
      const env = {
        ...system.appEnv('gateway', await freePort()),
        KAM_DEV_AUTH: '1',
        KAM_HTTP_HOST: '0.0.0.0',
      };
      const out = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [path.join(process.env.KAM_TEST_DIST ?? path.join(ROOT, 'dist'), 'apps/gateway/src/main.js')],
          { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000, killSignal: 'SIGKILL' },
        );
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stderr }));
      });
      expect(out.code).toBe(78);
      expect(out.stderr).toMatch(/KAM_DEV_AUTH/);
      expect(out.stderr).toMatch(/loopback/);
    });

    describe('a loopback gateway with KAM_DEV_AUTH=1', () => {
      const dev = new TestSystem({ devAuth: true, apps: ['gateway'] });
      beforeAll(() => dev.start());
      afterAll(() => dev.stop());

      it('refuses a request that a proxy forwarded from beyond loopback', async () => {
        const res = await request(dev.baseUrl)
          .post('/api/v1/dev/token')
          .set('X-Forwarded-For', '203.0.113.7')
          .send({ workspaceId: f.workspaceId, memberId: f.members.director.id, roles: ['director'] });
        expectProblem(res, 403, 'forbidden');
        expect(res.body.token).toBeUndefined();
      });

      it('never mints a token that lives longer than the deployment allows', async () => {
        const res = await request(dev.baseUrl)
          .post('/api/v1/dev/token')
          .send({
            workspaceId: f.workspaceId,
            memberId: f.members.director.id,
            roles: ['director'],
            ttlSeconds: 2592000,
          });
        expectProblem(res, 400, 'validation_failed');
      });
    });
  });
});
