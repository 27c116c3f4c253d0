import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, tokenFor, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { expectProblem } from '../support/e2e-helpers';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** The secret part of an API key `kam_<32 hex id>_<base64url secret>` (the secret itself may contain `_`). */
const secretOf = (key: string) => /^kam_[0-9a-f]{32}_(.+)$/.exec(key)?.[1] ?? '';

/** Who may call the gateway, and how it says no (DESIGN §6: JWT, API keys, problem+json). */
describe('signing in to the key-account API', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const who of ['director', 'am1', 'security', 'admin', 'executive'] as const)
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    tokens.otherAdmin = await memberToken(system.jwtSecret, other, 'admin');
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const listAccounts = (auth?: string) => {
    const r = api().get('/api/v1/accounts').set('Accept-Language', 'en');
    return auth === undefined ? r : r.set('Authorization', auth);
  };
  const director = () => ({ sub: f.members.director.id, workspaceId: f.workspaceId, roles: ['director'] });

  describe('user tokens', () => {
    it('a valid token of the director opens the account list (control case)', async () => {
      const res = await listAccounts(`Bearer ${tokens.director}`).expect(200);
      expect(res.body.items.map((a: { id: string }) => a.id)).toEqual(
        expect.arrayContaining(Object.values(f.accounts)),
      );
    });

    it('a request without any credentials is 401 unauthenticated', async () => {
      expectProblem(await listAccounts(), 401, 'unauthenticated');
    });

    it.each([
      ['the word Bearer alone', 'Bearer'],
      ['a Basic credential', 'Basic x'],
      ['a token without a scheme', 'abc.def.ghi'],
      ['two tokens', 'Bearer a b'],
    ])('a malformed Authorization header (%s) is 401', async (_label, header) => {
      expectProblem(await listAccounts(header), 401, ['token_invalid', 'unauthenticated']);
    });

    it('a garbage token is 401 token_invalid', async () => {
      expectProblem(await listAccounts('Bearer not-a-jwt'), 401, 'token_invalid');
      expectProblem(await listAccounts('Bearer aaaa.bbbb.cccc'), 401, 'token_invalid');
    });

    it('an expired token is 401 token_invalid', async () => {
      const expired = await tokenFor(system.jwtSecret, director(), { ttlSeconds: -3600 });
      expectProblem(await listAccounts(`Bearer ${expired}`), 401, 'token_invalid');
    });

    it('a token signed with another secret is 401 token_invalid', async () => {
      const forged = await tokenFor('another-secret-that-is-long-enough-0123456789', director());
      expectProblem(await listAccounts(`Bearer ${forged}`), 401, 'token_invalid');
    });

    it('an unsigned token (alg none) is 401 token_invalid', async () => {
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...director(), iat: now, exp: now + 3600 })}.`;
      expectProblem(await listAccounts(`Bearer ${unsigned}`), 401, 'token_invalid');
    });

    it('a token whose signature was kept but whose roles were edited is 401 token_invalid', async () => {
      const [header, , signature] = tokens.am1.split('.');
      const now = Math.floor(Date.now() / 1000);
      const payload = b64url({ ...director(), sub: f.members.am1.id, iat: now, exp: now + 3600 });
      expectProblem(await listAccounts(`Bearer ${header}.${payload}.${signature}`), 401, 'token_invalid');
    });

    it.each([
      ['an unknown role', ['superuser']],
      ['a known and an unknown role', ['director', 'root']],
      ['no roles at all', []],
    ])('a token with %s is 401 token_invalid', async (_label, roles) => {
      const t = await tokenFor(system.jwtSecret, { ...director(), roles: roles as string[] });
      expectProblem(await listAccounts(`Bearer ${t}`), 401, 'token_invalid');
    });

    it('a token without a workspace is 401 token_invalid', async () => {
      const t = await new SignJWT({ roles: ['director'] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(f.members.director.id)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(system.jwtSecret));
      expectProblem(await listAccounts(`Bearer ${t}`), 401, 'token_invalid');
    });

    it('a token without an expiry is 401 token_invalid', async () => {
      const t = await new SignJWT({ workspaceId: f.workspaceId, roles: ['director'] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(f.members.director.id)
        .setIssuedAt()
        .sign(new TextEncoder().encode(system.jwtSecret));
      expectProblem(await listAccounts(`Bearer ${t}`), 401, 'token_invalid');
    });

    it('a security officer is known but may not list key accounts: 403 forbidden', async () => {
      expectProblem(await listAccounts(`Bearer ${tokens.security}`), 403, 'forbidden');
    });

    it("a departed member's token is refused by the account service", async () => {
      const departed = await memberToken(system.jwtSecret, f, 'departed');
      expectProblem(await listAccounts(`Bearer ${departed}`), 401, 'member_departed');
    });

    it("a departed admin's token no longer manages API keys or opens the job console", async () => {
      const gone = await createWorkspace(system.env);
      await withDb(adminUrl(system.env), (db) =>
        db.query(`UPDATE account_management.members SET status = 'departed' WHERE id = $1`, [
          gone.members.admin.id,
        ]),
      );
      const token = await memberToken(system.jwtSecret, gone, 'admin');
      expectProblem(
        await api()
          .post('/api/v1/admin/api-keys')
          .set('Authorization', `Bearer ${token}`)
          .send({ name: 'after leaving', roles: ['director'] }),
        401,
        'member_departed',
      );
      expectProblem(await api().get(`/admin/queues?token=${token}`).redirects(0), 401, 'member_departed');
    });

    it('the refusal is in the caller language', async () => {
      const zh = await api().get('/api/v1/accounts').set('Accept-Language', 'zh-CN').expect(401);
      const en = await api().get('/api/v1/accounts').set('Accept-Language', 'en').expect(401);
      expect(zh.body.detail).toBe('需要登录认证');
      expect(en.body.detail).toBe('Authentication is required');
    });
  });

  describe('development tokens', () => {
    it('the dev token endpoint does not exist unless development sign-in is switched on', async () => {
      const res = await api()
        .post('/api/v1/dev/token')
        .send({ workspaceId: f.workspaceId, memberId: f.members.director.id, roles: ['director'] });
      expectProblem(res, 404);
      expect(res.body.token).toBeUndefined();
    });

    describe('with KAM_DEV_AUTH=1', () => {
      // A second gateway on the same servers; the three services of the first system answer it.
      const dev = new TestSystem({ devAuth: true, apps: ['gateway'] });
      beforeAll(() => dev.start());
      afterAll(() => dev.stop());

      it('mints a token that opens the account list of the workspace it names', async () => {
        const minted = await request(dev.baseUrl)
          .post('/api/v1/dev/token')
          .send({ workspaceId: f.workspaceId, memberId: f.members.director.id, roles: ['director'] })
          .expect(201);
        expect(typeof minted.body.token).toBe('string');
        const res = await request(dev.baseUrl)
          .get('/api/v1/accounts')
          .set('Authorization', `Bearer ${minted.body.token}`)
          .expect(200);
        expect(res.body.items.map((a: { id: string }) => a.id)).toEqual(
          expect.arrayContaining(Object.values(f.accounts)),
        );
        // The minted token is a normal user token: the other gateway accepts it too.
        await listAccounts(`Bearer ${minted.body.token}`).expect(200);
      });

      it('refuses to mint a token for an unknown role', async () => {
        const res = await request(dev.baseUrl)
          .post('/api/v1/dev/token')
          .send({ workspaceId: f.workspaceId, memberId: f.members.director.id, roles: ['root'] });
        expectProblem(res, 400, 'validation_failed');
      });
    });
  });

  describe('API keys for service callers', () => {
    let key: string;
    let keyId: string;

    const createKey = (token: string, body: Record<string, unknown>) =>
      api().post('/api/v1/admin/api-keys').set('Authorization', `Bearer ${token}`).send(body);

    beforeAll(async () => {
      const res = await createKey(tokens.executive, { name: 'CRM nightly sync', roles: ['executive'] });
      expect(res.status).toBe(201);
      key = res.body.key;
      keyId = res.body.view.id;
    });

    it('an executive creates a key of their own; the full key is shown once, with its roles', async () => {
      const res = await createKey(tokens.executive, { name: 'BI export', roles: ['executive'] }).expect(201);
      expect(res.body.key).toMatch(/^kam_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
      expect(res.body.view).toMatchObject({
        name: 'BI export',
        roles: ['executive'],
        createdBy: f.members.executive.id,
        ownerId: f.members.executive.id,
        revokedAt: null,
      });
      const list = await api()
        .get('/api/v1/admin/api-keys')
        .set('Authorization', `Bearer ${tokens.admin}`)
        .expect(200);
      expect(list.body.map((k: { id: string }) => k.id)).toEqual(
        expect.arrayContaining([keyId, res.body.view.id]),
      );
      expect(secretOf(res.body.key)).toHaveLength(43);
      expect(list.text).not.toContain(secretOf(res.body.key));
    });

    it("an executive key lists the accounts of its own workspace and none of another's", async () => {
      const res = await api().get('/api/v1/accounts?limit=200').set('X-Api-Key', key).expect(200);
      const ids = res.body.items.map((a: { id: string }) => a.id);
      expect(ids).toEqual(expect.arrayContaining(Object.values(f.accounts)));
      for (const id of Object.values(other.accounts)) expect(ids).not.toContain(id);
    });

    it('a key acts with its own roles only: a read-only executive key cannot create an account', async () => {
      const res = await api()
        .post('/api/v1/accounts')
        .set('X-Api-Key', key)
        .send({
          crmCompanyId: `crm-${randomUUID()}`,
          name: '南京远航物流有限公司',
          tier: 'silver',
          category: 'regional',
        });
      expectProblem(res, 403, 'forbidden');
    });

    it('the database keeps no plain key and no plain secret', async () => {
      const secret = secretOf(key);
      expect(secret).toHaveLength(43);
      const rows = await withDb(adminUrl(system.env), (db) =>
        db.query(`SELECT * FROM gateway.api_keys WHERE id = $1`, [keyId]),
      );
      expect(rows.rows).toHaveLength(1);
      const renderings = Object.values(rows.rows[0] as Record<string, unknown>).flatMap((v) =>
        Buffer.isBuffer(v)
          ? [v.toString('hex'), v.toString('base64'), v.toString('base64url'), v.toString('latin1')]
          : [v instanceof Date ? v.toISOString() : JSON.stringify(v)],
      );
      for (const text of renderings) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(secret);
      }
    });

    it('an unknown or tampered key is 401', async () => {
      expectProblem(
        await api().get('/api/v1/accounts').set('X-Api-Key', 'kam_not-a-key'),
        401,
        'token_invalid',
      );
      const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
      expectProblem(await api().get('/api/v1/accounts').set('X-Api-Key', tampered), 401, 'token_invalid');
    });

    it('an admin of another workspace cannot revoke this workspace’s key', async () => {
      expectProblem(
        await api()
          .delete(`/api/v1/admin/api-keys/${keyId}`)
          .set('Authorization', `Bearer ${tokens.otherAdmin}`),
        404,
      );
      await api().get('/api/v1/accounts').set('X-Api-Key', key).expect(200);
    });

    it('a revoked key is refused with 401', async () => {
      const res = await createKey(tokens.executive, { name: 'to revoke', roles: ['executive'] }).expect(201);
      await api().get('/api/v1/accounts').set('X-Api-Key', res.body.key).expect(200);
      await api()
        .delete(`/api/v1/admin/api-keys/${res.body.view.id}`)
        .set('Authorization', `Bearer ${tokens.admin}`)
        .expect(204);
      expectProblem(await api().get('/api/v1/accounts').set('X-Api-Key', res.body.key), 401, 'token_invalid');
    });

    it.each([
      ['the director', 'director', ['executive']],
      ['an account manager', 'am1', ['director']],
      ['a security officer', 'security', ['director']],
      ['the admin', 'admin', ['director']],
    ])('%s cannot create a key with roles they do not hold: 403', async (_label, who, roles) => {
      const res = await createKey(tokens[who], { name: 'sneaky', roles });
      expectProblem(res, 403, 'api_key_roles_exceed');
      const rows = await withDb(adminUrl(system.env), (db) =>
        db.query(`SELECT count(*)::int AS n FROM gateway.api_keys WHERE name = 'sneaky'`),
      );
      expect(rows.rows[0].n).toBe(0);
    });

    it('an API key itself cannot manage API keys', async () => {
      expectProblem(
        await api()
          .post('/api/v1/admin/api-keys')
          .set('X-Api-Key', key)
          .send({ name: 'escalate', roles: ['director'] }),
        403,
        'forbidden',
      );
    });
  });

  describe('request bodies', () => {
    const post = () =>
      api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .set('Accept-Language', 'en');

    it('a body that is not valid JSON is a 400 problem naming the body', async () => {
      const res = await post().set('Content-Type', 'application/json').send('{"name": "深圳');
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('(body)');
      expect(res.body.detail).toContain('(body)');
    });

    it('a body sent as text/plain is 415', async () => {
      const res = await post()
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ name: 'x', crmCompanyId: 'y' }));
      expectProblem(res, 415, 'unsupported_media_type');
    });

    it('a body over 1 MB is 413 and creates nothing', async () => {
      const crmCompanyId = `crm-${randomUUID()}`;
      const res = await post().send({
        crmCompanyId,
        name: '超大请求有限公司',
        tier: 'silver',
        category: 'regional',
        notes: 'x'.repeat(1024 * 1024 + 10),
      });
      expectProblem(res, 413, 'payload_too_large');
      const rows = await withDb(adminUrl(system.env), (db) =>
        db.query(`SELECT count(*)::int AS n FROM account_management.accounts WHERE crm_company_id = $1`, [
          crmCompanyId,
        ]),
      );
      expect(rows.rows[0].n).toBe(0);
    });

    it('a body just under 1 MB is not refused for its size', async () => {
      const res = await post().send({ name: 'x'.repeat(900 * 1024) });
      expect(res.status).not.toBe(413);
      expectProblem(res, 400, 'validation_failed');
    });
  });
});
