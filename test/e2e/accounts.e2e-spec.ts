import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';

/** The key-account slice through gateway → NATS → account-management → PostgreSQL. */
describe('key accounts through the whole path', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as (keyof Fixture['members'])[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    tokens.otherDirector = await memberToken(system.jwtSecret, other, 'director');
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const newAccount = (over: Record<string, unknown> = {}) => ({
    crmCompanyId: `crm-${randomUUID()}`,
    name: '苏州新盛能源有限公司',
    tier: 'platinum',
    category: 'regional',
    ...over,
  });

  describe('create', () => {
    it('an account manager creates an account they own, with an ETag and a Location', async () => {
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .send(newAccount())
        .expect(201);
      expect(res.body).toMatchObject({
        ownerId: f.members.am1.id,
        tier: 'platinum',
        status: 'prospect',
        version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      expect(res.headers.location).toBe(`/api/v1/accounts/${res.body.id}`);
    });

    it('the same Idempotency-Key applies a create once and replays the same answer', async () => {
      const key = randomUUID();
      const body = newAccount();
      const send = () =>
        api()
          .post('/api/v1/accounts')
          .set('Authorization', `Bearer ${tokens.am1}`)
          .set('Idempotency-Key', key)
          .send(body);
      const [a, b] = await Promise.all([send(), send()]);
      const c = await send();
      expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
      expect(new Set([a.body.id, b.body.id, c.body.id]).size).toBe(1);
      const rows = await withDb(adminUrl(system.env), (db) =>
        db.query(`SELECT count(*)::int AS n FROM account_management.accounts WHERE crm_company_id = $1`, [
          body.crmCompanyId,
        ]),
      );
      expect(rows.rows[0].n).toBe(1);
    });

    it('reusing an Idempotency-Key for a different body is 409 and creates nothing', async () => {
      const key = randomUUID();
      await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .set('Idempotency-Key', key)
        .send(newAccount())
        .expect(201);
      const other = newAccount();
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .set('Idempotency-Key', key)
        .send(other)
        .expect(409);
      expect(res.body.code).toBe('idempotency_key_reused');
      const rows = await withDb(adminUrl(system.env), (db) =>
        db.query(`SELECT count(*)::int AS n FROM account_management.accounts WHERE crm_company_id = $1`, [
          other.crmCompanyId,
        ]),
      );
      expect(rows.rows[0].n).toBe(0);
    });

    it('unknown fields in a body are rejected with 400 naming them, not ignored', async () => {
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .set('Accept-Language', 'en')
        .send(newAccount({ secretBonus: 1 }))
        .expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('secretBonus');
    });

    it('a tier that is not on the workspace ladder is a 400 naming the tier field', async () => {
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .send(newAccount({ tier: 'bronze' }))
        .expect(400);
      expect(res.body.errors[0].field).toBe('tier');
    });

    it('linking the same CRM company twice is a 409', async () => {
      const body = newAccount();
      await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .send(body)
        .expect(201);
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .send(body)
        .expect(409);
      expect(res.body.code).toBe('crm_company_already_linked');
    });

    it('an account manager cannot create an account owned by someone else', async () => {
      await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .send(newAccount({ ownerId: f.members.am2.id }))
        .expect(403);
    });

    it('a group leader creates an account for a member of their team and sees it whole', async () => {
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.leader1}`)
        .send(
          newAccount({
            ownerId: f.members.am2.id,
            annualPurchase: { amountMinor: 120000000, currency: 'CNY' },
          }),
        )
        .expect(201);
      expect(res.body).toMatchObject({ ownerId: f.members.am2.id, version: 1, redacted: [] });
      expect(res.body.annualPurchase).toEqual({ amountMinor: 120000000, currency: 'CNY' });
      expect(res.headers.etag).toBe('"1"');
      const upd = await api()
        .patch(`/api/v1/accounts/${res.body.id}`)
        .set('Authorization', `Bearer ${tokens.leader1}`)
        .set('If-Match', '"1"')
        .send({ region: '华东' })
        .expect(200);
      expect(upd.body).toMatchObject({ id: res.body.id, version: 2, region: '华东', redacted: [] });
    });

    it.each([
      [
        'a negative annual purchase',
        { annualPurchase: { amountMinor: -1, currency: 'CNY' } },
        'annualPurchase.amountMinor',
      ],
      ['a name of 201 characters', { name: '华'.repeat(201) }, 'name'],
      ['a number for a name', { name: 42 }, 'name'],
      ['an unknown member as owner', { ownerId: randomUUID() }, 'ownerId'],
      ['an unknown category', { category: 'vip' }, 'category'],
    ])('%s is a 400 naming the field, and nothing is created', async (_what, over, field) => {
      const body = newAccount(over);
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.director}`)
        .send(body)
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      const rows = await withDb(adminUrl(system.env), (db) =>
        db.query(`SELECT count(*)::int AS n FROM account_management.accounts WHERE crm_company_id = $1`, [
          body.crmCompanyId,
        ]),
      );
      expect(rows.rows[0].n).toBe(0);
    });

    it('10 MB of text in a name is refused before it is read (413), and nothing is created', async () => {
      const body = newAccount({ name: 'x'.repeat(10 * 1024 * 1024) });
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.director}`)
        .set('Accept-Language', 'en')
        .send(body)
        .expect(413);
      expect(res.body).toMatchObject({ code: 'payload_too_large', detail: 'The request body is too large' });
      const rows = await withDb(adminUrl(system.env), (db) =>
        db.query(`SELECT count(*)::int AS n FROM account_management.accounts WHERE crm_company_id = $1`, [
          body.crmCompanyId,
        ]),
      );
      expect(rows.rows[0].n).toBe(0);
    });

    it('money must be one object, not a list', async () => {
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am1}`)
        .send(newAccount({ annualPurchase: [] }))
        .expect(400);
      expect(res.body.errors[0].field).toBe('annualPurchase');
    });

    it('a market researcher creates prospects only', async () => {
      await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.researcher}`)
        .send(newAccount())
        .expect(201);
      await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.researcher}`)
        .send(newAccount({ status: 'active' }))
        .expect(403);
    });

    it('a new account is credited to its owner in performance-evaluation through the event stream', async () => {
      const res = await api()
        .post('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.am2}`)
        .send(newAccount())
        .expect(201);
      const deadline = Date.now() + 15000;
      let n = 0;
      while (Date.now() < deadline) {
        const r = await withDb(adminUrl(system.env), (db) =>
          db.query(
            `SELECT count(*)::int AS n FROM performance_evaluation.new_account_credits WHERE account_id = $1 AND member_id = $2`,
            [res.body.id, f.members.am2.id],
          ),
        );
        n = r.rows[0].n;
        if (n) break;
        await new Promise((r2) => setTimeout(r2, 100));
      }
      expect(n).toBe(1);
    });
  });

  describe('get and list obey the role table in SQL', () => {
    const listAll = async (who: string) => {
      const res = await api()
        .get('/api/v1/accounts?limit=200')
        .set('Authorization', `Bearer ${tokens[who]}`)
        .expect(200);
      return res.body.items as { id: string; ownerId: string; redacted: string[]; annualPurchase: unknown }[];
    };

    it('an account manager sees only the accounts they own', async () => {
      const items = await listAll('am2');
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((a) => a.ownerId === f.members.am2.id)).toBe(true);
    });

    it("a group leader sees the accounts owned by their team, not another team's", async () => {
      const ids = (await listAll('leader1')).map((a) => a.id);
      expect(ids).toEqual(
        expect.arrayContaining([f.accounts.am1Own, f.accounts.am2Own, f.accounts.leader1Own]),
      );
      expect(ids).not.toContain(f.accounts.am3Own);
    });

    it('customer service sees the accounts of their service team with financial fields redacted', async () => {
      const items = await listAll('service');
      expect(items.map((a) => a.id).sort()).toEqual([f.accounts.am1Serviced, f.accounts.am3Own].sort());
      for (const a of items) {
        expect(a.annualPurchase).toBeNull();
        expect(a.redacted).toEqual(expect.arrayContaining(['annualPurchase', 'profitContributionPct']));
      }
    });

    it('a market researcher sees basic fields of every account', async () => {
      const items = await listAll('researcher');
      expect(items.map((a) => a.id)).toEqual(expect.arrayContaining(Object.values(f.accounts)));
      expect(items.every((a) => a.redacted.includes('annualPurchase'))).toBe(true);
    });

    it('an assistant sees the accounts they assist, with financial fields', async () => {
      const items = await listAll('assistant');
      expect(items.map((a) => a.id)).toEqual([f.accounts.am1Own]);
      expect(items[0].annualPurchase).toEqual({ amountMinor: 150000000, currency: 'CNY' });
    });

    it('the director sees every account of the workspace and nothing of another workspace', async () => {
      const ids = (await listAll('director')).map((a) => a.id);
      expect(ids).toEqual(expect.arrayContaining(Object.values(f.accounts)));
      expect(ids).not.toEqual(expect.arrayContaining([other.accounts.am1Own]));
    });

    it("another workspace's account id is 404, not 403", async () => {
      const res = await api()
        .get(`/api/v1/accounts/${other.accounts.am1Own}`)
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(404);
      expect(res.body.code).toBe('account_not_found');
    });

    it("an account manager asking for a colleague's account gets 404", async () => {
      await api()
        .get(`/api/v1/accounts/${f.accounts.am2Own}`)
        .set('Authorization', `Bearer ${tokens.am1}`)
        .expect(404);
      await api()
        .get(`/api/v1/accounts/${f.accounts.am1Own}`)
        .set('Authorization', `Bearer ${tokens.am1}`)
        .expect(200);
    });

    it('a security officer and an admin see no business data: 403', async () => {
      await api().get('/api/v1/accounts').set('Authorization', `Bearer ${tokens.security}`).expect(403);
      await api()
        .get(`/api/v1/accounts/${f.accounts.am1Own}`)
        .set('Authorization', `Bearer ${tokens.admin}`)
        .expect(403);
    });

    it("a departed member's token is refused", async () => {
      const res = await api()
        .get('/api/v1/accounts')
        .set('Authorization', `Bearer ${tokens.departed}`)
        .expect(401);
      expect(res.body.code).toBe('member_departed');
    });
  });

  describe('list: filters, sorting and cursor pagination', () => {
    it('filters by tier, owner and status', async () => {
      const byTier = await api()
        .get('/api/v1/accounts?tier=gold')
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(200);
      expect(byTier.body.items.map((a: { id: string }) => a.id)).toEqual([f.accounts.am1Own]);
      const byOwner = await api()
        .get(`/api/v1/accounts?ownerId=${f.members.am3.id}`)
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(200);
      expect(byOwner.body.items.map((a: { id: string }) => a.id)).toEqual([f.accounts.am3Own]);
      const byStatus = await api()
        .get('/api/v1/accounts?status=lost')
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(200);
      expect(byStatus.body.items).toEqual([]);
    });

    it('walks every page once with the cursor, in name order', async () => {
      const seen: string[] = [];
      const names: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/accounts?limit=2&sort=name${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await api().get(url).set('Authorization', `Bearer ${tokens.director}`).expect(200);
        for (const a of res.body.items as { id: string; name: string }[]) {
          seen.push(a.id);
          names.push(a.name);
        }
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      const all = await api()
        .get('/api/v1/accounts?limit=200&sort=name')
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(200);
      expect(seen).toEqual(all.body.items.map((a: { id: string }) => a.id));
      expect(new Set(seen).size).toBe(seen.length);
      expect([...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1))).toEqual(names);
    });

    it('sorts by most recently updated first', async () => {
      const res = await api()
        .get('/api/v1/accounts?sort=-updatedAt&limit=200')
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(200);
      const times = res.body.items.map((a: { updatedAt: string }) => Date.parse(a.updatedAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('a bad filter or cursor is a 400 naming it', async () => {
      const a = await api()
        .get('/api/v1/accounts?limit=0')
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(400);
      expect(a.body.errors[0].field).toBe('limit');
      const b = await api()
        .get('/api/v1/accounts?cursor=garbage')
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(400);
      expect(b.body.errors[0].field).toBe('cursor');
      const c = await api()
        .get('/api/v1/accounts?colour=red')
        .set('Authorization', `Bearer ${tokens.director}`)
        .expect(400);
      expect(c.body.errors[0].field).toBe('colour');
    });
  });

  describe('update with If-Match', () => {
    it('updates with the current version and answers the new ETag', async () => {
      const get = await api()
        .get(`/api/v1/accounts/${f.accounts.am2Own}`)
        .set('Authorization', `Bearer ${tokens.am2}`)
        .expect(200);
      const res = await api()
        .patch(`/api/v1/accounts/${f.accounts.am2Own}`)
        .set('Authorization', `Bearer ${tokens.am2}`)
        .set('If-Match', get.headers.etag)
        .send({ region: '华北', annualPurchase: { amountMinor: 250000000, currency: 'CNY' } })
        .expect(200);
      expect(res.body.version).toBe(get.body.version + 1);
      expect(res.headers.etag).toBe(`"${get.body.version + 1}"`);
      expect(res.body.annualPurchase).toEqual({ amountMinor: 250000000, currency: 'CNY' });
    });

    it('a stale If-Match is 412 and changes nothing', async () => {
      const before = await api()
        .get(`/api/v1/accounts/${f.accounts.leader1Own}`)
        .set('Authorization', `Bearer ${tokens.leader1}`)
        .expect(200);
      await api()
        .patch(`/api/v1/accounts/${f.accounts.leader1Own}`)
        .set('Authorization', `Bearer ${tokens.leader1}`)
        .set('If-Match', before.headers.etag)
        .send({ industry: '医药' })
        .expect(200);
      const stale = await api()
        .patch(`/api/v1/accounts/${f.accounts.leader1Own}`)
        .set('Authorization', `Bearer ${tokens.leader1}`)
        .set('If-Match', before.headers.etag)
        .send({ industry: '能源' })
        .expect(412);
      expect(stale.body.code).toBe('precondition_failed');
      const after = await api()
        .get(`/api/v1/accounts/${f.accounts.leader1Own}`)
        .set('Authorization', `Bearer ${tokens.leader1}`)
        .expect(200);
      expect(after.body.industry).toBe('医药');
    });

    it('an update without If-Match is 428', async () => {
      const res = await api()
        .patch(`/api/v1/accounts/${f.accounts.am2Own}`)
        .set('Authorization', `Bearer ${tokens.am2}`)
        .send({ region: 'x' })
        .expect(428);
      expect(res.body.code).toBe('precondition_required');
    });

    it('customer service may read but not update: 403', async () => {
      await api()
        .patch(`/api/v1/accounts/${f.accounts.am1Serviced}`)
        .set('Authorization', `Bearer ${tokens.service}`)
        .set('If-Match', '"1"')
        .send({ region: 'x' })
        .expect(403);
    });

    it('an account manager cannot hand their account to another team', async () => {
      const get = await api()
        .get(`/api/v1/accounts/${f.accounts.am1Serviced}`)
        .set('Authorization', `Bearer ${tokens.am1}`)
        .expect(200);
      await api()
        .post(`/api/v1/accounts/${f.accounts.am1Serviced}/assignment`)
        .set('Authorization', `Bearer ${tokens.am1}`)
        .set('If-Match', get.headers.etag)
        .send({ ownerId: f.members.am3.id })
        .expect(403);
    });

    it('the owner, tier and stage cannot be changed by a plain update: 400 naming the field', async () => {
      const res = await api()
        .patch(`/api/v1/accounts/${f.accounts.am2Own}`)
        .set('Authorization', `Bearer ${tokens.am2}`)
        .set('If-Match', '"1"')
        .send({ ownerId: f.members.am1.id, tier: 'gold', status: 'lost' })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'ownerId',
        'status',
        'tier',
      ]);
    });
  });

  describe('problem+json in the caller language', () => {
    it.each([
      ['zh-CN', '未找到该大客户'],
      ['en', 'Key account not found'],
      ['en-US,en;q=0.9', 'Key account not found'],
      ['fr-FR,zh;q=0.5', '未找到该大客户'],
    ])('Accept-Language %s → %s', async (lang, text) => {
      const res = await api()
        .get(`/api/v1/accounts/${randomUUID()}`)
        .set('Authorization', `Bearer ${tokens.director}`)
        .set('Accept-Language', lang)
        .expect(404);
      expect(res.body.detail).toBe(text);
      expect(res.body.status).toBe(404);
    });
  });
});
