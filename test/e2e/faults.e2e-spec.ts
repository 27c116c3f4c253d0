import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';

/**
 * A service that dies mid-work: the gateway answers 503 (never a hang, never a 500) and every create it
 * acknowledged is still there, exactly once, when the service is back.
 */
describe('account-management killed with kill -9', () => {
  const system = new TestSystem();
  let f: Fixture;
  let token: string;

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    token = await memberToken(system.jwtSecret, f, 'am1');
  });
  afterAll(() => system.stop());

  const create = (crmCompanyId: string, key: string) =>
    request(system.baseUrl)
      .post('/api/v1/accounts')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', key)
      .timeout(10000)
      .send({
        crmCompanyId,
        name: `故障测试客户 ${crmCompanyId.slice(-6)}`,
        tier: 'silver',
        category: 'industry',
      });

  it('answers 503 within 5 s while it is down, recovers after a restart, and loses no acknowledged create', async () => {
    const acknowledged = new Map<string, string>(); // crmCompanyId → account id
    const attempted: { crm: string; key: string }[] = [];
    let statuses: number[] = [];

    // A steady writer: creates until told to stop; every create carries an Idempotency-Key.
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const crm = `crm-${randomUUID()}`;
        const key = randomUUID();
        attempted.push({ crm, key });
        const res = await create(crm, key);
        statuses.push(res.status);
        if (res.status === 201) acknowledged.set(crm, res.body.id);
      }
    })();
    while (acknowledged.size < 20) await new Promise((r) => setTimeout(r, 10));

    await system.kill('account-management');
    const killedAt = Date.now();
    statuses = [];
    const res = await request(system.baseUrl)
      .get(`/api/v1/accounts/${f.accounts.am1Own}`)
      .set('Authorization', `Bearer ${token}`)
      .timeout(10000);
    const answeredIn = Date.now() - killedAt;
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('service_unavailable');
    expect(res.headers['retry-after']).toBeDefined();
    expect(answeredIn).toBeLessThan(5000);

    // Let the writer run against the dead service for a moment: every answer must be 201 or 503.
    while (statuses.length < 5) await new Promise((r) => setTimeout(r, 10));
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);

    system.spawnApp('account-management', 'account-management-restarted');
    const restartedAt = Date.now();
    let ok = false;
    while (!ok && Date.now() - restartedAt < 30000) {
      const r = await request(system.baseUrl)
        .get(`/api/v1/accounts/${f.accounts.am1Own}`)
        .set('Authorization', `Bearer ${token}`);
      ok = r.status === 200;
      if (!ok) {
        expect([503]).toContain(r.status);
        await new Promise((r2) => setTimeout(r2, 50));
      }
    }
    expect(ok).toBe(true);
    const recoveredIn = Date.now() - restartedAt;
    writing = false;
    await writer;

    const acknowledgedBeforeRetry = acknowledged.size;
    // A client retries what was not acknowledged, with the same key: applied at most once.
    for (const a of attempted) {
      if (acknowledged.has(a.crm)) continue;
      const r = await create(a.crm, a.key);
      expect(r.status).toBe(201);
      acknowledged.set(a.crm, r.body.id);
    }
    // And a retry of an acknowledged one changes nothing.
    const first = attempted[0];
    const replay = await create(first.crm, first.key).expect(201);
    expect(replay.body.id).toBe(acknowledged.get(first.crm));

    const rows = await withDb(adminUrl(system.env), (db) =>
      db.query<{ crm_company_id: string; id: string }>(
        `SELECT crm_company_id, id FROM account_management.accounts WHERE workspace_id = $1 AND crm_company_id = ANY($2)`,
        [f.workspaceId, [...acknowledged.keys()]],
      ),
    );
    expect(rows.rowCount).toBe(acknowledged.size);
    for (const r of rows.rows) expect(acknowledged.get(r.crm_company_id)).toBe(r.id);
    process.stdout.write(
      `faults: kill -9 account-management → 503 in ${answeredIn} ms; back ${recoveredIn} ms after restart; ` +
        `${acknowledgedBeforeRetry} creates acknowledged under load, ${attempted.length - acknowledgedBeforeRetry} refused with 503 ` +
        `and retried with their Idempotency-Key; all ${acknowledged.size} present exactly once\n`,
    );
  });
});
