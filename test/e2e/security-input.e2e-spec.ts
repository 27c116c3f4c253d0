import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TestSystem } from '../support/system';
import { adminUrl } from '../support/env';
import { createWorkspace, Fixture, memberToken } from '../support/fixtures';
import { expectProblem } from '../support/e2e-helpers';

/*
 * Issue 14, point 10: input PostgreSQL cannot store or compare — a NUL character (U+0000) in a text field or in a
 * search, a lone UTF-16 surrogate in a name, a "next page" cursor someone edited by hand — is the caller's mistake:
 * a 400 problem+json `validation_failed` naming the field, never a 500, and nothing is written.
 */

type Who = keyof Fixture['members'];

/** A cursor as the API makes them (base64url of `[sort value, id]`), with whatever is put inside. */
const cursorOf = (value: unknown, id: unknown) =>
  Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');

/** Tables a refused request must leave as they were (row counts): the records, their timeline and the outboxes. */
const WATCHED = [
  'account_management.accounts',
  'account_management.contacts',
  'account_management.communication_records',
  'account_management.complaints',
  'account_management.account_timeline',
  'account_management.outbox',
  'document_security.documents',
  'document_security.document_versions',
  'performance_evaluation.targets',
];

describe('bad input is a 400 naming the field, and nothing is written', () => {
  const system = new TestSystem();
  let f: Fixture;
  let db: Client;
  const tokens = {} as Record<Who, string>;
  const api = () => request(system.baseUrl);
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as Who[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    db = new Client({ connectionString: adminUrl(system.env) });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await system.stop();
  });

  async function counts(): Promise<Record<string, number>> {
    const r = await db.query<{ t: string; n: number }>(
      WATCHED.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM ${t}`).join(' UNION ALL '),
    );
    return Object.fromEntries(r.rows.map((x) => [x.t, x.n]));
  }

  /** The answer is a 400 `validation_failed` naming `field`, and the watched tables did not change. */
  async function refusedNaming(
    send: () => Promise<request.Response>,
    field: string,
  ): Promise<request.Response> {
    const before = await counts();
    const res = await send();
    expectProblem(res, 400, 'validation_failed');
    const body = res.body as { detail: string; errors?: { field: string }[] };
    expect(body.errors?.map((e) => e.field)).toContain(field);
    expect(body.detail).toContain(field);
    expect(await counts()).toEqual(before);
    return res;
  }

  const newAccount = (over: Record<string, unknown> = {}) => ({
    crmCompanyId: `crm-${randomUUID()}`,
    name: '苏州新盛能源有限公司',
    tier: 'platinum',
    category: 'regional',
    ...over,
  });
  /** A JSON body sent byte for byte (supertest would re-encode a lone surrogate). */
  const rawJson = (method: 'post' | 'patch', path: string, who: Who, json: string) =>
    api()[method](path).set(as(who)).set('Content-Type', 'application/json').send(json);

  describe('a NUL character in a text field', () => {
    it.each<[string, string, () => [string, Record<string, unknown>], string]>([
      [
        'a new key account’s name',
        'am1',
        () => ['/api/v1/accounts', newAccount({ name: '华为\u0000科技' })],
        'name',
      ],
      [
        'a new key account’s industry',
        'am1',
        () => ['/api/v1/accounts', newAccount({ industry: '\u0000' })],
        'industry',
      ],
      [
        'a contact’s name',
        'am1',
        () => [
          `/api/v1/accounts/${f.accounts.am1Own}/contacts`,
          { name: '李\u0000明', buyingRole: 'decision_maker' },
        ],
        'name',
      ],
      [
        'a visit summary',
        'am1',
        () => [
          `/api/v1/accounts/${f.accounts.am1Own}/records`,
          { kind: 'visit', occurredAt: '2026-01-05T10:00:00+08:00', summary: '拜访\u0000采购总监' },
        ],
        'summary',
      ],
      [
        'an item of a list of names',
        'am1',
        () => [
          `/api/v1/accounts/${f.accounts.am1Own}/records`,
          {
            kind: 'care',
            occurredAt: '2026-01-05T10:00:00+08:00',
            summary: '客户关怀:中秋礼品',
            attendees: { customers: [{ name: '王\u0000五' }] },
          },
        ],
        'attendees.customers.0.name',
      ],
    ])('%s is refused', async (_what, who, make, field) => {
      const [path, body] = make();
      await refusedNaming(
        () =>
          api()
            .post(path)
            .set(as(who as Who))
            .send(body),
        field,
      );
    });

    it('a document title with a NUL character is refused before the upload is stored', async () => {
      await refusedNaming(
        () =>
          api()
            .post('/api/v1/documents')
            .set(as('am1'))
            .field('kind', 'report')
            .field('classification', 'internal')
            .field('title', '月报\u0000')
            .attach('file', Buffer.from('月报\n'), { filename: 'report.txt', contentType: 'text/plain' }),
        'title',
      );
    });

    it('a change of an account’s region with a NUL character is refused and the account keeps its version', async () => {
      await refusedNaming(
        () =>
          api()
            .patch(`/api/v1/accounts/${f.accounts.am1Own}`)
            .set(as('am1'))
            .set('If-Match', '"1"')
            .send({ region: '华\u0000南' }),
        'region',
      );
      const v = await db.query<{ version: number; region: string | null }>(
        `SELECT version, region FROM account_management.accounts WHERE id = $1`,
        [f.accounts.am1Own],
      );
      expect(v.rows[0]).toEqual({ version: 1, region: null });
    });
  });

  describe('a NUL character in a search or a filter', () => {
    it.each<[string, Who, string, string]>([
      ['the key-account search', 'am1', '/api/v1/accounts?q=%E5%8D%8E%00%E4%B8%BA', 'q'],
      ['the key-account search, NUL alone', 'director', '/api/v1/accounts?q=%00', 'q'],
      ['the key-account industry filter', 'director', '/api/v1/accounts?industry=%00', 'industry'],
      ['the CRM prospect candidates search', 'researcher', '/api/v1/crm/prospect-candidates?q=a%00', 'q'],
      ['the access log’s member filter', 'security', '/api/v1/access-log?memberId=%00', 'memberId'],
    ])('%s is refused', async (_what, who, url, field) => {
      await refusedNaming(() => api().get(url).set(as(who)), field);
    });
  });

  describe('a lone surrogate (half of an emoji) in a name', () => {
    it.each<[string, string, (id: string) => string, string]>([
      [
        'a new key account’s name (a high surrogate)',
        '/api/v1/accounts',
        (crm) => `{"crmCompanyId":"${crm}","name":"华为\\ud800","tier":"gold","category":"industry"}`,
        'name',
      ],
      [
        'a new key account’s name (a low surrogate alone)',
        '/api/v1/accounts',
        (crm) => `{"crmCompanyId":"${crm}","name":"\\udc00公司","tier":"gold","category":"industry"}`,
        'name',
      ],
      ['a contact’s name', '/contacts', () => `{"name":"李明\\udbff","buyingRole":"influencer"}`, 'name'],
    ])('%s is refused', async (_what, path, json, field) => {
      const url = path === '/contacts' ? `/api/v1/accounts/${f.accounts.am1Own}/contacts` : path;
      await refusedNaming(() => rawJson('post', url, 'am1', json(`crm-${randomUUID()}`)), field);
    });

    it('a whole emoji (a surrogate pair) is a name like any other', async () => {
      const res = await rawJson(
        'post',
        '/api/v1/accounts',
        'am1',
        `{"crmCompanyId":"crm-${randomUUID()}","name":"笑脸\\ud83d\\ude00公司","tier":"gold","category":"industry"}`,
      );
      expect(res.status).toBe(201);
      expect((res.body as { name: string }).name).toBe('笑脸😀公司');
    });
  });

  describe('a "next page" cursor edited by hand', () => {
    const id = '33333333-3333-4333-8333-333333333333';
    it.each<[string, Who, () => string]>([
      [
        'accounts by name, with an id that is not a uuid',
        'director',
        () => `/api/v1/accounts?cursor=${cursorOf('A', 'x')}`,
      ],
      [
        'accounts by name, with a NUL character in the name',
        'director',
        () => `/api/v1/accounts?cursor=${cursorOf('A\u0000', id)}`,
      ],
      [
        'accounts by last update, with a sort value that is not a date',
        'director',
        () => `/api/v1/accounts?sort=updatedAt&cursor=${cursorOf('yesterday', id)}`,
      ],
      [
        'accounts by last update, newest first, with a number for the date',
        'director',
        () => `/api/v1/accounts?sort=-updatedAt&cursor=${cursorOf(1, id)}`,
      ],
      [
        'the access log, with 1e308 as position',
        'security',
        () => `/api/v1/access-log?cursor=${cursorOf(1e308, id)}`,
      ],
      [
        'the access log, with a fraction as position',
        'security',
        () => `/api/v1/access-log?cursor=${cursorOf(1.5, id)}`,
      ],
      [
        'documents, with a date Date.parse accepts and PostgreSQL does not',
        'director',
        () => `/api/v1/documents?cursor=${cursorOf('1', id)}`,
      ],
      [
        'complaints, with the 30th of February',
        'director',
        () => `/api/v1/complaints?cursor=${cursorOf('2026-02-30T10:00:00Z', id)}`,
      ],
      [
        'communication records, with an id that is not a uuid',
        'am1',
        () =>
          `/api/v1/accounts/${f.accounts.am1Own}/records?cursor=${cursorOf('2026-01-05T02:00:00.000Z', 'x')}`,
      ],
      [
        'revisits, with a day that does not exist',
        'am1',
        () => `/api/v1/revisits?cursor=${cursorOf('2026-02-29', id)}`,
      ],
      [
        'notifications, with "1" for a time',
        'am1',
        () => `/api/v1/notifications?cursor=${cursorOf('1', id)}`,
      ],
      [
        'surveys, with a time PostgreSQL cannot read',
        'director',
        () => `/api/v1/surveys?cursor=${cursorOf('2026-04-31T00:00:00Z', id)}`,
      ],
      [
        'orders, with a date that is not a day',
        'director',
        () => `/api/v1/orders?cursor=${cursorOf('2026-13-45', id)}`,
      ],
      [
        'CRM prospect candidates, with an id that is not a uuid',
        'researcher',
        () => `/api/v1/crm/prospect-candidates?cursor=${cursorOf('A', 'not-a-uuid')}`,
      ],
      [
        'scorecards, with a month that is not a month',
        'director',
        () => `/api/v1/performance/scorecards?cursor=${cursorOf('2026-99', id)}`,
      ],
      [
        'targets, with a date that is not a date',
        'director',
        () => `/api/v1/performance/targets?cursor=${cursorOf('2026-02-29T10:00:00Z', id)}`,
      ],
      [
        'the cooperation timeline, with 1e308',
        'am1',
        () => `/api/v1/accounts/${f.accounts.am1Own}/timeline?cursor=1e308`,
      ],
    ])('%s is refused', async (_what, who, url) => {
      const res = await refusedNaming(() => api().get(url()).set(as(who)), 'cursor');
      expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['cursor']);
    });
  });
});
