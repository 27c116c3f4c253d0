import request from 'supertest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { TestSystem, ROOT } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { eventually, expectProblem } from '../support/e2e-helpers';

type Who = keyof Fixture['members'];
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'twenty-webhooks');

/** A recorded Twenty webhook body with its placeholders filled in. */
function recorded(file: string, fill: Record<string, string>): Record<string, unknown> {
  let text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
  for (const [k, v] of Object.entries(fill)) text = text.split(`__${k}__`).join(v);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The headers Twenty's CallWebhookJob sends: timestamp in ms, HMAC-SHA256 of `${timestamp}:${body}`, a nonce. */
function signed(secret: string, body: string, at = Date.now(), nonce = randomBytes(16).toString('hex')) {
  const timestamp = String(at);
  return {
    'Content-Type': 'application/json',
    'X-Twenty-Webhook-Timestamp': timestamp,
    'X-Twenty-Webhook-Signature': createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex'),
    'X-Twenty-Webhook-Nonce': nonce,
  };
}

/** Twenty → KAM webhooks (issue 7): signed deliveries change key accounts, contacts and orders; others nothing. */
describe('CRM webhooks from Twenty', () => {
  // The connection's base URL is a loopback address over plain http: the deployment allow-lists it (issue 14,
  // point 5).
  const system = new TestSystem({ extraEnv: { gateway: { KAM_CRM_ALLOWED_HOSTS: '127.0.0.1' } } });
  let f: Fixture;
  const tokens: Partial<Record<Who, string>> = {};
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  const apiKey = `twenty-api-key-${randomUUID()}`;
  let crmOf: (account: keyof Fixture['accounts']) => string;

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of ['admin', 'director', 'researcher', 'am1'] as Who[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    crmOf = (a) => `crm-${f.accounts[a]}`;
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const deliver = (body: string, headers: Record<string, string>, workspaceId = f.workspaceId) =>
    api().post(`/webhooks/twenty/${workspaceId}`).set(headers).send(body);
  const fill = (extra: Record<string, string> = {}) => ({
    KAM_WORKSPACE: f.workspaceId,
    EVENT_DATE: new Date().toISOString(),
    ...extra,
  });
  const accountName = async (a: keyof Fixture['accounts']) =>
    (
      await db<{ name: string }>(`SELECT name FROM account_management.accounts WHERE id = $1`, [
        f.accounts[a],
      ])
    )[0].name;
  /** Everything a refused delivery must leave as it was. */
  const state = async () =>
    (
      await db(
        `SELECT (SELECT string_agg(name, '|' ORDER BY id) FROM account_management.accounts WHERE workspace_id = $1) AS names,
                (SELECT coalesce(sum(version), 0)::int FROM account_management.accounts WHERE workspace_id = $1) AS versions,
                (SELECT count(*)::int FROM account_management.crm_prospect_candidates WHERE workspace_id = $1) AS candidates,
                (SELECT count(*)::int FROM account_management.contacts WHERE workspace_id = $1) AS contacts,
                (SELECT count(*)::int FROM account_management.orders WHERE workspace_id = $1) AS orders,
                (SELECT count(*)::int FROM account_management.account_timeline WHERE workspace_id = $1) AS timeline`,
        [f.workspaceId],
      )
    )[0];

  describe('the connection (admin only, secrets never shown)', () => {
    it('is refused to a director: only the admin manages integration credentials', async () => {
      const res = await api()
        .put('/api/v1/admin/crm')
        .set(as('director'))
        .send({ baseUrl: 'http://127.0.0.1:9', apiKey, webhookSecret: secret });
      expectProblem(res, 403, 'forbidden');
    });

    it('is stored with the API key and webhook secret encrypted, and read back without them', async () => {
      const put = await api()
        .put('/api/v1/admin/crm')
        .set(as('admin'))
        .send({ baseUrl: 'http://127.0.0.1:9', apiKey, webhookSecret: secret })
        .expect(200);
      expect(put.body).toMatchObject({
        baseUrl: 'http://127.0.0.1:9',
        apiKeySet: true,
        webhookSecretSet: true,
      });
      const got = await api().get('/api/v1/admin/crm').set(as('admin')).expect(200);
      expect(got.body.webhookUrl).toBe(`/webhooks/twenty/${f.workspaceId}`);
      expect(JSON.stringify(got.body)).not.toContain(secret);
      expect(JSON.stringify(got.body)).not.toContain(apiKey);
      const rows = await db<{ k: Buffer; s: Buffer }>(
        `SELECT api_key_sealed AS k, webhook_secret_sealed AS s FROM gateway.crm_connections WHERE workspace_id = $1`,
        [f.workspaceId],
      );
      expect(rows[0].k.includes(Buffer.from(apiKey))).toBe(false);
      expect(rows[0].s.includes(Buffer.from(secret))).toBe(false);
    });

    it('keeps the stored secrets when an update leaves them out', async () => {
      await api()
        .put('/api/v1/admin/crm')
        .set(as('admin'))
        .send({ baseUrl: 'http://127.0.0.1:10' })
        .expect(200);
      const got = await api().get('/api/v1/admin/crm').set(as('admin')).expect(200);
      expect(got.body.baseUrl).toBe('http://127.0.0.1:10');
    });
  });

  describe('signed deliveries', () => {
    it('company.updated of a key account renames it (202 at once, applied by a job)', async () => {
      const body = JSON.stringify(
        recorded(
          'company-updated.json',
          fill({ COMPANY_ID: crmOf('am1Own'), NAME: '华为技术有限公司(深圳)' }),
        ),
      );
      const res = await deliver(body, signed(secret, body)).expect(202);
      expect(res.body).toEqual({ accepted: true });
      await eventually('the account renamed', async () =>
        (await accountName('am1Own')) === '华为技术有限公司(深圳)' ? true : undefined,
      );
      const timeline = await db<{ details: Record<string, unknown> }>(
        `SELECT details FROM account_management.account_timeline WHERE account_id = $1 AND kind = 'updated'`,
        [f.accounts.am1Own],
      );
      expect(timeline.map((t) => t.details)).toContainEqual({ changed: ['name'], source: 'crm' });
    });

    it('company.created of an unknown company records a prospect candidate that a market researcher promotes', async () => {
      const crmId = randomUUID();
      const body = JSON.stringify(
        recorded('company-created.json', fill({ COMPANY_ID: crmId, NAME: '比亚迪股份有限公司' })),
      );
      await deliver(body, signed(secret, body)).expect(202);
      const candidate = await eventually('the candidate', async () => {
        const res = await api()
          .get('/api/v1/crm/prospect-candidates?q=比亚迪')
          .set(as('researcher'))
          .expect(200);
        return (res.body.items as { id: string; crmCompanyId: string; city: string }[]).find(
          (c) => c.crmCompanyId === crmId,
        );
      });
      expect(candidate.city).toBe('深圳');
      // A clerk may not create key accounts, so does not see the candidates either.
      const clerk = await memberToken(system.jwtSecret, f, 'clerk');
      expectProblem(
        await api()
          .get('/api/v1/crm/prospect-candidates')
          .set({ Authorization: `Bearer ${clerk}` }),
        403,
        'forbidden',
      );
      const promoted = await api()
        .post(`/api/v1/crm/prospect-candidates/${candidate.id}/promote`)
        .set(as('researcher'))
        .send({ tier: 'silver', category: 'potential' })
        .expect(201);
      expect(promoted.body.candidate.status).toBe('promoted');
      const account = await api()
        .get(`/api/v1/accounts/${promoted.body.accountId}`)
        .set(as('director'))
        .expect(200);
      expect(account.body).toMatchObject({
        crmCompanyId: crmId,
        name: '比亚迪股份有限公司',
        status: 'prospect',
      });
      expectProblem(
        await api()
          .post(`/api/v1/crm/prospect-candidates/${candidate.id}/promote`)
          .set(as('researcher'))
          .send({ tier: 'silver', category: 'potential' }),
        409,
        'prospect_candidate_not_open',
      );
    });

    it('person.created of a key account company adds a contact; opportunity won records an order once', async () => {
      const personId = randomUUID();
      const opportunityId = randomUUID();
      const ids = { COMPANY_ID: crmOf('am2Own'), PERSON_ID: personId, OPPORTUNITY_ID: opportunityId };
      const person = JSON.stringify(recorded('person-created.json', fill(ids)));
      await deliver(person, signed(secret, person)).expect(202);
      const contact = await eventually(
        'the contact',
        async () =>
          (
            await db<{ name: string; title: string; phone: string; email: string }>(
              `SELECT name, title, phone, email FROM account_management.contacts WHERE account_id = $1 AND crm_person_id = $2`,
              [f.accounts.am2Own, personId],
            )
          )[0],
      );
      expect(contact).toEqual({
        name: '伟 李',
        title: '采购总监',
        phone: '+86 13800138000',
        email: 'li.wei@huawei.example.cn',
      });

      const won = JSON.stringify(recorded('opportunity-updated.json', fill(ids)));
      await deliver(won, signed(secret, won)).expect(202);
      const order = await eventually(
        'the order',
        async () =>
          (
            await db<{
              amount_minor: string;
              currency: string;
              member_id: string;
              source: string;
              ordered_on: string;
            }>(
              `SELECT amount_minor, currency, member_id, source, to_char(ordered_on, 'YYYY-MM-DD') AS ordered_on
             FROM account_management.orders WHERE workspace_id = $1 AND crm_opportunity_id = $2`,
              [f.workspaceId, opportunityId],
            )
          )[0],
      );
      // 1,250,000 CNY (amountMicros 1.25e12) is 125,000,000 fen, credited to the account's owner.
      expect(order).toEqual({
        amount_minor: '125000000',
        currency: 'CNY',
        member_id: f.members.am2.id,
        source: 'crm_opportunity',
        ordered_on: '2025-06-30',
      });
      // Twenty retries with a new timestamp and nonce: the same event, the same single order.
      const again = JSON.stringify(JSON.parse(won));
      await deliver(again, signed(secret, again)).expect(202);
      const marker = JSON.stringify(
        recorded('company-updated.json', fill({ COMPANY_ID: crmOf('am3Own'), NAME: '恒达汽车(广州)' })),
      );
      await deliver(marker, signed(secret, marker)).expect(202);
      await eventually('the marker applied', async () =>
        (await accountName('am3Own')) === '恒达汽车(广州)' ? true : undefined,
      );
      const count = await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM account_management.orders WHERE crm_opportunity_id = $1`,
        [opportunityId],
      );
      expect(count[0].n).toBe(1);
    });
  });

  describe('refused deliveries change nothing', () => {
    it('a tampered body, an old timestamp, a repeated nonce, a wrong secret or an unknown workspace is refused', async () => {
      const before = await state();
      const good = JSON.stringify(
        recorded('company-updated.json', fill({ COMPANY_ID: crmOf('leader1Own'), NAME: '被篡改的名称' })),
      );

      // Tampered: signed, then the name changed on the way.
      const headers = signed(secret, good);
      const tampered = good.replace('被篡改的名称', '另一个名称');
      expectProblem(await deliver(tampered, headers), 401, 'webhook_signature_invalid');

      // Signed with another secret.
      expectProblem(await deliver(good, signed('not-the-secret', good)), 401, 'webhook_signature_invalid');

      // No signature at all.
      const { ['X-Twenty-Webhook-Signature']: _, ...unsigned } = signed(secret, good);
      expectProblem(await deliver(good, unsigned), 401, 'webhook_signature_invalid');

      // Correctly signed six minutes ago.
      expectProblem(
        await deliver(good, signed(secret, good, Date.now() - 6 * 60 * 1000)),
        401,
        'webhook_timestamp_stale',
      );

      // Unknown workspace: looks like a bad signature.
      expectProblem(
        await deliver(good, signed(secret, good), randomUUID()),
        401,
        'webhook_signature_invalid',
      );

      // Replayed: the first delivery is accepted, the identical second one refused.
      const replay = JSON.stringify(
        recorded('company-updated.json', fill({ COMPANY_ID: crmOf('am1Serviced'), NAME: '东方通信(上海)' })),
      );
      const once = signed(secret, replay);
      await deliver(replay, once).expect(202);
      expectProblem(await deliver(replay, once), 409, 'webhook_replayed');
      await eventually('the accepted delivery applied', async () =>
        (await accountName('am1Serviced')) === '东方通信(上海)' ? true : undefined,
      );

      const after = await state();
      // Only the one accepted delivery changed anything: one rename, one version, one timeline entry.
      expect(after.candidates).toBe(before.candidates);
      expect(after.contacts).toBe(before.contacts);
      expect(after.orders).toBe(before.orders);
      expect(after.versions).toBe((before.versions as number) + 1);
      expect(after.timeline).toBe((before.timeline as number) + 1);
      expect(await accountName('leader1Own')).toBe('杭州瑞丰医药有限公司');
    });

    it('never writes the webhook secret or the API key to the logs', () => {
      const logs = system.logs('gateway') + system.logs('account-management');
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(apiKey);
    });
  });
});
