import request from 'supertest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { QUEUE_PREFIX, QueueName, redisConnectionOptions } from '@app/jobs';
import { ROOT, TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { eventually, expectProblem } from '../support/e2e-helpers';

type Who = keyof Fixture['members'];

/** Twenty's delivery headers: the timestamp and body are signed, the nonce is not. */
function signed(secret: string, body: string, at = Date.now(), nonce = randomBytes(16).toString('hex')) {
  const timestamp = String(at);
  return {
    'Content-Type': 'application/json',
    'X-Twenty-Webhook-Timestamp': timestamp,
    'X-Twenty-Webhook-Signature': createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex'),
    'X-Twenty-Webhook-Nonce': nonce,
  };
}

/**
 * Issue 14, point 11: a captured webhook delivery cannot be replayed by changing its nonce (Twenty does not sign
 * the nonce, so the signature itself is what may be received only once), and an Idempotency-Key belongs to the
 * caller who sent it: another member replaying it gets their own answer, never the first caller's.
 */
describe('replays and shared keys (issue 14, point 11)', () => {
  const system = new TestSystem({ extraEnv: { gateway: { KAM_CRM_ALLOWED_HOSTS: '127.0.0.1' } } });
  let f: Fixture;
  const tokens: Partial<Record<Who, string>> = {};
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  let queue: Queue;

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of ['admin', 'director', 'researcher', 'am1'] as Who[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    await request(system.baseUrl)
      .put('/api/v1/admin/crm')
      .set({ Authorization: `Bearer ${tokens.admin}` })
      .send({ baseUrl: 'http://127.0.0.1:9', apiKey: `twenty-${randomUUID()}`, webhookSecret: secret })
      .expect(200);
    queue = new Queue(QueueName.CrmSync, {
      connection: redisConnectionOptions(system.env.redisUrl),
      prefix: QUEUE_PREFIX,
    });
    queue.on('error', () => undefined);
  });
  afterAll(async () => {
    await queue?.close().catch(() => undefined);
    await system.stop();
  });

  const api = () => request(system.baseUrl);
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];

  describe('a captured webhook delivery', () => {
    const accountName = async () =>
      (
        await db<{ name: string }>(`SELECT name FROM account_management.accounts WHERE id = $1`, [
          f.accounts.am1Own,
        ])
      )[0].name;
    const delivery = (name: string) =>
      JSON.stringify(
        JSON.parse(
          fs
            .readFileSync(
              path.join(ROOT, 'test', 'fixtures', 'twenty-webhooks', 'company-updated.json'),
              'utf8',
            )
            .split('__KAM_WORKSPACE__')
            .join(f.workspaceId)
            .split('__EVENT_DATE__')
            .join(new Date().toISOString())
            .split('__COMPANY_ID__')
            .join(`crm-${f.accounts.am1Own}`)
            .split('__NAME__')
            .join(name),
        ),
      );
    const eventJobs = async () =>
      (await queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed'])).filter(
        (j) => j?.name === 'ProcessTwentyEventJob' && j.data?.workspaceId === f.workspaceId,
      );

    it('is accepted once; sent again with a fresh nonce inside the 5 minutes it is refused and nothing is enqueued', async () => {
      const body = delivery('华为技术有限公司(第一次)');
      const original = signed(secret, body);
      await api().post(`/webhooks/twenty/${f.workspaceId}`).set(original).send(body).expect(202);
      await eventually('the delivery applied', async () =>
        (await accountName()) === '华为技术有限公司(第一次)' ? true : undefined,
      );
      // The account changes again afterwards; the first delivery's job record is gone (completed jobs are
      // trimmed), so only the replay check stands between a replay and the old name coming back.
      const later = delivery('华为技术有限公司(之后)');
      await api()
        .post(`/webhooks/twenty/${f.workspaceId}`)
        .set(signed(secret, later))
        .send(later)
        .expect(202);
      await eventually('the later delivery applied', async () =>
        (await accountName()) === '华为技术有限公司(之后)' ? true : undefined,
      );
      for (const j of await eventJobs()) await j.remove();

      const replay = { ...original, 'X-Twenty-Webhook-Nonce': randomBytes(16).toString('hex') };
      const res = await api().post(`/webhooks/twenty/${f.workspaceId}`).set(replay).send(body);
      expectProblem(res, 409, 'webhook_signature_replayed');
      // The same signature in upper-case hex is the same signature.
      const shouted = {
        ...original,
        'X-Twenty-Webhook-Signature': original['X-Twenty-Webhook-Signature'].toUpperCase(),
        'X-Twenty-Webhook-Nonce': randomBytes(16).toString('hex'),
      };
      expectProblem(
        await api().post(`/webhooks/twenty/${f.workspaceId}`).set(shouted).send(body),
        409,
        'webhook_signature_replayed',
      );
      // The workspace id in upper case is the same workspace: the same remembered signatures.
      expectProblem(
        await api()
          .post(`/webhooks/twenty/${f.workspaceId.toUpperCase()}`)
          .set({ ...original, 'X-Twenty-Webhook-Nonce': randomBytes(16).toString('hex') })
          .send(body),
        409,
        'webhook_signature_replayed',
      );
      expect(await eventJobs()).toEqual([]);
      expect(await accountName()).toBe('华为技术有限公司(之后)');
    });
  });

  describe('an Idempotency-Key', () => {
    const account = () => ({
      crmCompanyId: `crm-${randomUUID()}`,
      name: '苏州新盛能源有限公司',
      tier: 'platinum',
      category: 'regional',
      ownerId: f.members.am1.id,
      annualPurchase: { amountMinor: 250_000_000, currency: 'CNY' },
    });

    it("replayed by the market researcher with the director's key and body is the researcher's own request, never the director's answer", async () => {
      const key = `create-${randomUUID()}`;
      const body = account();
      const send = (who: Who) =>
        api().post('/api/v1/accounts').set(as(who)).set('Idempotency-Key', key).send(body);
      const first = await send('director').expect(201);
      expect(first.body).toMatchObject({ ownerId: f.members.am1.id, annualPurchase: body.annualPurchase });

      const theirs = await send('researcher');
      expect(theirs.body.id).toBeUndefined();
      expectProblem(theirs, 403, 'forbidden');
      expect(JSON.stringify(theirs.body)).not.toContain(first.body.id);

      // The director's own retry still gets the stored answer: the same account, created once.
      const again = await send('director').expect(201);
      expect(again.body.id).toBe(first.body.id);
      const rows = await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM account_management.accounts WHERE crm_company_id = $1`,
        [body.crmCompanyId],
      );
      expect(rows[0].n).toBe(1);
    });

    it('the same key used by two members for their own records gives each their own record', async () => {
      const key = `create-${randomUUID()}`;
      const order = { amount: { amountMinor: 880_000, currency: 'CNY' }, orderedOn: '2026-11-20' };
      const byDirector = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/orders`)
        .set(as('director'))
        .set('Idempotency-Key', key)
        .send(order)
        .expect(201);
      const byAm1 = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/orders`)
        .set(as('am1'))
        .set('Idempotency-Key', key)
        .send(order)
        .expect(201);
      expect(byAm1.body.id).not.toBe(byDirector.body.id);
      expect([byDirector.body.memberId, byAm1.body.memberId]).toEqual([
        f.members.director.id,
        f.members.am1.id,
      ]);
    });
  });
});
