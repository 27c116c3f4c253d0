import request from 'supertest';
import { TestSystem } from '../support/system';
import { adminUrl } from '../support/env';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { eventually, expectProblem } from '../support/e2e-helpers';

/*
 * Issue 14, point 2: API keys never carry more than the member who makes them, belong to that member, expire,
 * show their last use, and die with their owner's departure (listed in the handover report).
 */
describe('API keys: never more than their owner, never after their owner', () => {
  const system = new TestSystem();
  let f: Fixture;
  const tokens: Record<string, string> = {};
  const api = () => request(system.baseUrl);
  const as = (who: keyof Fixture['members']) => ({ Authorization: `Bearer ${tokens[who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const createKey = (who: keyof Fixture['members'], body: Record<string, unknown>) =>
    api().post('/api/v1/api-keys').set(as(who)).send(body);
  const keysNamed = async (name: string) =>
    (
      await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM gateway.api_keys WHERE workspace_id = $1 AND name = $2`,
        [f.workspaceId, name],
      )
    )[0].n;

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as (keyof Fixture['members'])[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
  });
  afterAll(() => system.stop());

  describe('what a key may carry', () => {
    it('the admin cannot mint a key that reads finances and salaries; nothing is stored', async () => {
      const res = await api()
        .post('/api/v1/admin/api-keys')
        .set(as('admin'))
        .set('Accept-Language', 'en')
        .send({ name: 'escalation', roles: ['director', 'executive'] });
      expectProblem(res, 403, 'api_key_roles_exceed');
      expect(res.body.detail).toContain('director');
      expect(await keysNamed('escalation')).toBe(0);
    });

    it("the admin's integration key manages settings and sees no business data, no console and no keys", async () => {
      const made = await createKey('admin', { name: 'HR sync', roles: ['admin'] }).expect(201);
      const key = made.body.key as string;
      await api().get('/api/v1/settings').set('X-Api-Key', key).expect(200);
      expectProblem(await api().get('/api/v1/accounts').set('X-Api-Key', key), 403, 'forbidden');
      expectProblem(
        await api().get('/api/v1/performance/scorecards?month=2026-06').set('X-Api-Key', key),
        403,
        'forbidden',
      );
      expectProblem(
        await api().post('/api/v1/admin/jobs/revisits/run').set('X-Api-Key', key).send({}),
        403,
        'forbidden',
      );
      expectProblem(await api().get('/api/v1/admin/crm').set('X-Api-Key', key), 403, 'forbidden');
      expectProblem(await api().get('/admin/queues/api/queues').set('X-Api-Key', key), 403, 'forbidden');
      expectProblem(
        await api()
          .post('/api/v1/api-keys')
          .set('X-Api-Key', key)
          .send({ name: 'next', roles: ['admin'] }),
        403,
        'forbidden',
      );
      expect(await keysNamed('next')).toBe(0);
    });

    it('a director cannot mint an executive key; an executive mints their own for a BI tool', async () => {
      expectProblem(
        await createKey('director', { name: 'BI', roles: ['executive'] }),
        403,
        'api_key_roles_exceed',
      );
      const made = await createKey('executive', { name: 'BI', roles: ['executive'] }).expect(201);
      expect(made.body.view).toMatchObject({
        name: 'BI',
        roles: ['executive'],
        ownerId: f.members.executive.id,
        createdBy: f.members.executive.id,
        lastUsedAt: null,
        revokedAt: null,
      });
      const days = (Date.parse(made.body.view.expiresAt) - Date.now()) / 86400_000;
      expect(days).toBeGreaterThan(89.9);
      expect(days).toBeLessThanOrEqual(90);
    });

    it.each([
      ['more than a year', 366],
      ['no days at all', 0],
      ['a fraction of a day', 1.5],
    ])('a key that would live %s is refused', async (_label, expiresInDays) => {
      expectProblem(
        await createKey('executive', { name: 'too long', roles: ['executive'], expiresInDays }),
        400,
        'validation_failed',
      );
      expect(await keysNamed('too long')).toBe(0);
    });

    it('a key for a full year is accepted', async () => {
      const made = await createKey('executive', {
        name: 'yearly',
        roles: ['executive'],
        expiresInDays: 365,
      }).expect(201);
      expect(Date.parse(made.body.view.expiresAt) - Date.now()).toBeGreaterThan(364 * 86400_000);
    });
  });

  describe('a key acts as its owner', () => {
    it("an account manager's key reads their own accounts and nobody else's", async () => {
      const key = (await createKey('am1', { name: 'own tool', roles: ['account_manager'] }).expect(201)).body
        .key as string;
      const list = await api().get('/api/v1/accounts?limit=200').set('X-Api-Key', key).expect(200);
      const ids = (list.body.items as { id: string }[]).map((a) => a.id).sort();
      expect(ids).toEqual([f.accounts.am1Own, f.accounts.am1Serviced].sort());
    });

    it('shows when it was last used', async () => {
      const made = await createKey('executive', { name: 'used', roles: ['executive'] }).expect(201);
      await api().get('/api/v1/accounts').set('X-Api-Key', made.body.key).expect(200);
      const seen = await eventually('the last use recorded', async () => {
        const mine = await api().get('/api/v1/api-keys').set(as('executive')).expect(200);
        const k = (mine.body as { id: string; lastUsedAt: string | null }[]).find(
          (x) => x.id === made.body.view.id,
        );
        return k?.lastUsedAt ?? undefined;
      });
      expect(Date.now() - Date.parse(seen)).toBeLessThan(60_000);
    });

    it('members list only their own keys; the admin lists every key of the workspace', async () => {
      const mine = await api().get('/api/v1/api-keys').set(as('executive')).expect(200);
      expect(new Set((mine.body as { ownerId: string }[]).map((k) => k.ownerId))).toEqual(
        new Set([f.members.executive.id]),
      );
      const all = await api().get('/api/v1/admin/api-keys').set(as('admin')).expect(200);
      const owners = new Set((all.body as { ownerId: string }[]).map((k) => k.ownerId));
      expect(owners).toEqual(new Set([f.members.executive.id, f.members.admin.id, f.members.am1.id]));
    });

    it("a member cannot revoke someone else's key; the admin can", async () => {
      const made = await createKey('executive', { name: 'revocable', roles: ['executive'] }).expect(201);
      expectProblem(await api().delete(`/api/v1/api-keys/${made.body.view.id}`).set(as('director')), 404);
      await api().get('/api/v1/accounts').set('X-Api-Key', made.body.key).expect(200);
      await api().delete(`/api/v1/api-keys/${made.body.view.id}`).set(as('admin')).expect(204);
      expectProblem(
        await api().get('/api/v1/accounts').set('X-Api-Key', made.body.key),
        401,
        'token_invalid',
      );
    });

    it('an expired key is refused', async () => {
      const made = await createKey('executive', { name: 'expiring', roles: ['executive'] }).expect(201);
      await db(
        `UPDATE gateway.api_keys SET created_at = now() - interval '91 days', expires_at = now() - interval '1 day'
         WHERE id = $1`,
        [made.body.view.id],
      );
      expectProblem(
        await api().get('/api/v1/accounts').set('X-Api-Key', made.body.key),
        401,
        'token_invalid',
      );
    });
  });

  describe("an owner's departure", () => {
    it('revokes their keys, and the handover report lists them', async () => {
      const made = await createKey('am2', { name: 'am2 spreadsheet', roles: ['account_manager'] }).expect(
        201,
      );
      await api().get('/api/v1/accounts').set('X-Api-Key', made.body.key).expect(200);
      const report = await api()
        .post(`/api/v1/members/${f.members.am2.id}/departure`)
        .set(as('director'))
        .send({ successorId: f.members.am1.id, reason: '离职' })
        .expect(200);
      expect(report.body.apiKeysRevoked).toEqual([
        expect.objectContaining({
          id: made.body.view.id,
          name: 'am2 spreadsheet',
          roles: ['account_manager'],
        }),
      ]);
      expectProblem(await api().get('/api/v1/accounts').set('X-Api-Key', made.body.key), 401);
      const [row] = await db<{ revoked_reason: string }>(
        `SELECT revoked_reason FROM gateway.api_keys WHERE id = $1`,
        [made.body.view.id],
      );
      expect(row.revoked_reason).toBe('owner_departed');
      const again = await api()
        .get(`/api/v1/members/${f.members.am2.id}/handover-report`)
        .set(as('director'))
        .expect(200);
      expect(again.body.apiKeysRevoked.map((k: { id: string }) => k.id)).toEqual([made.body.view.id]);
    });

    it('a key of a member marked departed elsewhere is refused at its next use', async () => {
      const made = await createKey('am3', { name: 'am3 tool', roles: ['account_manager'] }).expect(201);
      await api().get('/api/v1/accounts').set('X-Api-Key', made.body.key).expect(200);
      await db(`UPDATE account_management.members SET status = 'departed' WHERE id = $1`, [f.members.am3.id]);
      await eventually('the key refused', async () => {
        const res = await api().get('/api/v1/accounts').set('X-Api-Key', made.body.key);
        return res.status === 401 ? res : undefined;
      });
      const res = await api().get('/api/v1/accounts').set('X-Api-Key', made.body.key);
      expect(res.status).toBe(401);
    });
  });
});
