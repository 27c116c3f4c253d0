import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl, serviceDatabaseUrl } from '../support/env';
import { eventually, expectProblem } from '../support/e2e-helpers';

/** RFC 4180 as the export writes it: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(row)}`);
  return rows;
}

interface Csv {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
  header: string[];
  rows: Record<string, string>[];
}

/** Search, CSV export and bulk import of key accounts, through the gateway. */
describe('search, export and import of key accounts', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  const tokens: Record<string, string> = {};
  /** Names added to the fixture workspace for search, by key. */
  const extra: Record<string, string> = {};

  const api = () => request(system.baseUrl);
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

  /** Accounts straight into account-management's tables (as the fixtures are), with known names. */
  async function addAccounts(
    fx: Fixture,
    rows: { key: string; name: string; owner: keyof Fixture['members']; tier?: string; status?: string }[],
  ): Promise<void> {
    await withDb(serviceDatabaseUrl(system.env, 'account-management'), async (c) => {
      for (const r of rows) {
        const id = randomUUID();
        await c.query(
          `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, owner_id,
             annual_purchase_minor, currency)
           VALUES ($1, $2, $3, $4, $5, 'regional', $6, $7, 90000000, 'CNY')`,
          [
            id,
            fx.workspaceId,
            `crm-${id}`,
            r.name,
            r.tier ?? 'silver',
            r.status ?? 'active',
            fx.members[r.owner].id,
          ],
        );
        extra[r.key] = id;
      }
    });
  }

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as (keyof Fixture['members'])[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    tokens.otherDirector = await memberToken(system.jwtSecret, other, 'director');
    await addAccounts(f, [
      { key: 'ibm', name: 'IBM中国有限公司', owner: 'am1' },
      { key: 'acme', name: 'Acme Trading 上海分公司', owner: 'am2', tier: 'gold' },
      { key: 'percent', name: '百分之百%科技有限公司', owner: 'am3' },
      { key: 'underscore', name: 'A_B 数据有限公司', owner: 'am3' },
      { key: 'axb', name: 'AxB 数据有限公司', owner: 'am3' },
      { key: 'backslash', name: '反斜杠\\科技', owner: 'am3' },
      {
        key: 'huaweiCloud',
        name: '华为云计算技术有限公司',
        owner: 'am2',
        tier: 'diamond',
        status: 'prospect',
      },
      { key: 'formula', name: '=HYPERLINK("http://evil.example","点我"),有限公司', owner: 'am1' },
      { key: 'multiline', name: '第一行\n第二行 "引号" 公司', owner: 'am1' },
      { key: 'plus', name: '+86 深圳电话公司', owner: 'am1' },
    ]);
  });
  afterAll(() => system.stop());

  const search = async (who: string, query: string) => {
    const res = await api().get(`/api/v1/accounts?limit=200&${query}`).set(as(who)).expect(200);
    return res.body.items as { id: string; name: string; ownerId: string; tier: string }[];
  };
  const ids = (items: { id: string }[]) => items.map((a) => a.id).sort();
  const q = (text: string) => `q=${encodeURIComponent(text)}`;

  describe('search by name', () => {
    it('a search for 华为 finds 深圳华为技术有限公司 (a Chinese substring), and only in the caller’s workspace', async () => {
      const items = await search('director', q('华为'));
      expect(ids(items)).toEqual([f.accounts.am1Own, extra.huaweiCloud].sort());
      expect(items.map((a) => a.name)).toContain('深圳华为技术有限公司');
      const theirs = await search('otherDirector', q('华为'));
      expect(ids(theirs)).toEqual([other.accounts.am1Own]);
    });

    it('a longer Chinese substring narrows the match (华为技术)', async () => {
      expect(ids(await search('director', q('华为技术')))).toEqual([f.accounts.am1Own]);
      expect(ids(await search('director', q('有限公司华为')))).toEqual([]);
    });

    it('a one-character query works (华, 为)', async () => {
      expect(ids(await search('director', q('华')))).toEqual([f.accounts.am1Own, extra.huaweiCloud].sort());
      expect(ids(await search('director', q('深')))).toEqual([f.accounts.am1Own, extra.plus].sort());
    });

    it('Latin letters match whatever their case (ibm, iBm, ACME tr)', async () => {
      expect(ids(await search('director', q('ibm')))).toEqual([extra.ibm]);
      expect(ids(await search('director', q('iBm')))).toEqual([extra.ibm]);
      expect(ids(await search('director', q('ACME tr')))).toEqual([extra.acme]);
    });

    it('% and _ are literal characters, not wildcards', async () => {
      expect(ids(await search('director', q('%')))).toEqual([extra.percent]);
      expect(ids(await search('director', q('百%科')))).toEqual([extra.percent]);
      expect(ids(await search('director', q('A_B')))).toEqual([extra.underscore]);
      expect(ids(await search('director', q('_')))).toEqual([extra.underscore]);
      expect(ids(await search('director', q('杠\\科')))).toEqual([extra.backslash]);
      expect(ids(await search('director', q('\\')))).toEqual([extra.backslash]);
    });

    it('the search combines with every filter', async () => {
      expect(ids(await search('director', `${q('华为')}&tier=diamond`))).toEqual([extra.huaweiCloud]);
      expect(ids(await search('director', `${q('华为')}&status=prospect`))).toEqual([extra.huaweiCloud]);
      expect(ids(await search('director', `${q('华为')}&ownerId=${f.members.am1.id}`))).toEqual([
        f.accounts.am1Own,
      ]);
      expect(ids(await search('director', `${q('有限')}&teamId=${f.teams.team2}`))).toEqual(
        [f.accounts.am3Own, extra.percent, extra.underscore, extra.axb].sort(),
      );
      expect(ids(await search('director', `${q('有限')}&serviceTeamId=${f.teams.service}`))).toEqual(
        [f.accounts.am1Serviced, f.accounts.am3Own].sort(),
      );
      expect(ids(await search('director', `${q('公司')}&category=industry&tier=gold`))).toEqual([
        f.accounts.am1Own,
      ]);
      expect(ids(await search('director', `${q('华为')}&tier=silver`))).toEqual([]);
    });

    it('the permission scope always applies to a search', async () => {
      expect(ids(await search('am2', q('华为')))).toEqual([extra.huaweiCloud]);
      expect(ids(await search('am1', q('华为')))).toEqual([f.accounts.am1Own]);
      expect(ids(await search('am3', q('华为')))).toEqual([]);
      expect(ids(await search('service', q('有限')))).toEqual(
        [f.accounts.am1Serviced, f.accounts.am3Own].sort(),
      );
      const leader = ids(await search('leader1', q('有限')));
      expect(leader).toContain(f.accounts.am1Own);
      expect(leader).not.toContain(f.accounts.am3Own);
      await api()
        .get(`/api/v1/accounts?${q('华为')}`)
        .set(as('security'))
        .expect(403);
    });

    it('a search pages with the cursor, every match once, in name order', async () => {
      const all = await search('director', q('有限'));
      expect(all.length).toBeGreaterThan(4);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await api()
          .get(
            `/api/v1/accounts?${q('有限')}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          )
          .set(as('director'))
          .expect(200);
        seen.push(...res.body.items.map((a: { id: string }) => a.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.map((a) => a.id));
    });

    it('an empty or over-long query is a 400 naming q', async () => {
      const a = await api().get('/api/v1/accounts?q=').set(as('director')).expect(400);
      expect(a.body.errors[0].field).toBe('q');
      const b = await api()
        .get(`/api/v1/accounts?${q('华'.repeat(101))}`)
        .set(as('director'))
        .expect(400);
      expect(b.body.errors[0].field).toBe('q');
    });
  });

  describe('CSV export', () => {
    async function exportCsv(who: string, query = '', lang = 'en'): Promise<Csv> {
      const res = await api()
        .get(`/api/v1/accounts/export${query ? `?${query}` : ''}`)
        .set(as(who))
        .set('Accept-Language', lang)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      const bytes = res.body as Buffer;
      if (res.status !== 200)
        return { status: res.status, headers: res.headers, bytes, header: [], rows: [] };
      const [header, ...lines] = parseCsv(bytes.subarray(3).toString('utf8'));
      return {
        status: res.status,
        headers: res.headers,
        bytes,
        header,
        rows: lines.map((l) => Object.fromEntries(header.map((h, i) => [h, l[i]]))),
      };
    }
    const accessLog = (exportId: string) =>
      withDb(
        adminUrl(system.env),
        async (db) =>
          (
            await db.query(
              `SELECT workspace_id, member_id, action, subject, details FROM document_security.access_log
             WHERE details->>'exportId' = $1 ORDER BY at, action`,
              [exportId],
            )
          ).rows as {
            workspace_id: string;
            member_id: string;
            action: string;
            subject: string;
            details: Record<string, unknown>;
          }[],
      );

    it('is UTF-8 CSV with a byte-order mark and a header row, one row per account', async () => {
      const csv = await exportCsv('director');
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="key-accounts-.*\.csv"$/);
      expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(csv.header.slice(0, 4)).toEqual(['id', 'crmCompanyId', 'name', 'tier']);
      const listed = await search('director', '');
      expect(csv.rows.map((r) => r.id).sort()).toEqual(ids(listed));
      const huawei = csv.rows.find((r) => r.id === f.accounts.am1Own)!;
      expect(huawei).toMatchObject({
        name: '深圳华为技术有限公司',
        tier: 'gold',
        tierLabel: 'Gold',
        ownerId: f.members.am1.id,
        ownerName: 'am1',
        annualPurchaseMinor: '150000000',
        annualPurchaseCurrency: 'CNY',
        profitContributionPct: '12.5',
        assistantIds: f.members.assistant.id,
      });
    });

    it('the header is in Chinese by default, for a spreadsheet user', async () => {
      const csv = await exportCsv('director', q('华为技术'), 'zh-CN');
      expect(csv.header.slice(0, 4)).toEqual(['客户ID', 'CRM公司ID', '客户名称', '等级']);
      expect(csv.rows.map((r) => r['客户名称'])).toEqual(['深圳华为技术有限公司']);
      expect(csv.rows[0]['等级名称']).toBe('金牌');
    });

    it('takes the same filters as the list, the search included', async () => {
      const csv = await exportCsv('director', `${q('华为')}&sort=-name`);
      expect(csv.rows.map((r) => r.name)).toEqual(['深圳华为技术有限公司', '华为云计算技术有限公司']);
      const gold = await exportCsv('director', 'tier=gold');
      expect(gold.rows.map((r) => r.id).sort()).toEqual([f.accounts.am1Own, extra.acme].sort());
      const none = await exportCsv('director', 'status=lost');
      expect(none.status).toBe(200);
      expect(none.rows).toEqual([]);
      const bad = await api().get('/api/v1/accounts/export?limit=5').set(as('director')).expect(400);
      expect(bad.body.errors[0].field).toBe('limit');
    });

    it('an account manager exports only the accounts they own', async () => {
      const csv = await exportCsv('am2');
      expect(csv.rows.length).toBeGreaterThan(0);
      expect(csv.rows.every((r) => r.ownerId === f.members.am2.id)).toBe(true);
      expect(csv.rows.map((r) => r.id)).toContain(f.accounts.am2Own);
    });

    it('a group leader exports their team’s accounts, not another team’s', async () => {
      const got = (await exportCsv('leader1')).rows.map((r) => r.id);
      expect(got).toEqual(
        expect.arrayContaining([f.accounts.am1Own, f.accounts.am2Own, f.accounts.leader1Own]),
      );
      expect(got).not.toContain(f.accounts.am3Own);
    });

    it('the clerk exports the archive with the financial fields left empty', async () => {
      const csv = await exportCsv('clerk');
      expect(csv.rows.length).toBe((await exportCsv('director')).rows.length);
      for (const r of csv.rows) {
        expect(r.annualPurchaseMinor).toBe('');
        expect(r.annualPurchaseCurrency).toBe('');
        expect(r.profitContributionPct).toBe('');
        expect(r.name).not.toBe('');
      }
    });

    it('a role without the export right gets 403 problem+json, and no CSV', async () => {
      for (const who of ['service', 'researcher', 'assistant', 'security', 'admin']) {
        const res = await api().get('/api/v1/accounts/export').set(as(who));
        expectProblem(res, 403, 'forbidden');
        expect(res.headers['x-export-id']).toBeUndefined();
      }
      // No export was recorded either: a refused export never started. Each refusal is an entry of its own
      // (issue 14, point 6), written from the gateway's outbox.
      const ids = ['service', 'researcher', 'assistant', 'security', 'admin'].map(
        (who) => f.members[who as keyof Fixture['members']].id,
      );
      const count = async (sql: string) =>
        (await withDb(adminUrl(system.env), (db) => db.query(sql, [ids]))).rows[0].n as number;
      await eventually('the five refusals in the access log', async () =>
        (await count(
          `SELECT count(*)::int AS n FROM document_security.access_log WHERE member_id = ANY($1) AND action = 'denied'`,
        )) >= 5
          ? true
          : undefined,
      );
      expect(
        await count(
          `SELECT count(*)::int AS n FROM document_security.access_log WHERE member_id = ANY($1) AND action <> 'denied'`,
        ),
      ).toBe(0);
    });

    it('cells are escaped: quotes, commas, line breaks, and formulas are neutralised', async () => {
      const csv = await exportCsv('director', q('公司'));
      const byId = new Map(csv.rows.map((r) => [r.id, r]));
      expect(byId.get(extra.formula)!.name).toBe('\'=HYPERLINK("http://evil.example","点我"),有限公司');
      expect(byId.get(extra.multiline)!.name).toBe('第一行\n第二行 "引号" 公司');
      expect(byId.get(extra.plus)!.name).toBe("'+86 深圳电话公司");
      const raw = csv.bytes.toString('utf8');
      expect(raw).toContain('"\'=HYPERLINK(""http://evil.example"",""点我""),有限公司"');
      expect(raw).not.toMatch(/(^|,)=HYPERLINK/m);
    });

    it('every export is written to the access log with its filters, then its row count', async () => {
      const csv = await exportCsv('am1', `${q('有限')}&tier=gold`);
      const exportId = csv.headers['x-export-id'];
      expect(exportId).toMatch(/^[0-9a-f-]{36}$/);
      const log = await eventually('the export in the access log', async () => {
        const rows = await accessLog(exportId);
        return rows.length === 2 ? rows : undefined;
      });
      expect(log.find((r) => r.action === 'export')).toEqual({
        workspace_id: f.workspaceId,
        member_id: f.members.am1.id,
        action: 'export',
        subject: 'accounts',
        details: expect.objectContaining({ exportId, filters: { q: '有限', tier: 'gold' } }),
      });
      expect(log.find((r) => r.action === 'export_completed')).toMatchObject({
        member_id: f.members.am1.id,
        subject: 'accounts',
        details: { exportId, rowCount: csv.rows.length, complete: true },
      });
      expect(csv.rows.length).toBe(1);
    });

    it('the access log cannot be rewritten, not even by document-security itself', async () => {
      await withDb(serviceDatabaseUrl(system.env, 'document-security'), async (db) => {
        // Refused by the role's privileges (insert only, issue 6), and by the trigger behind them.
        await expect(db.query(`UPDATE access_log SET member_id = 'someone else'`)).rejects.toThrow(
          /permission denied|append-only/,
        );
        await expect(db.query(`DELETE FROM access_log`)).rejects.toThrow(/permission denied|append-only/);
      });
    });
  });

  describe('bulk import', () => {
    const row = (over: Record<string, unknown> = {}) => ({
      crmCompanyId: `crm-${randomUUID()}`,
      name: `导入客户${randomUUID().slice(0, 6)}有限公司`,
      tier: 'platinum',
      category: 'industry',
      ...over,
    });
    const countByCrm = (crmIds: string[]) =>
      withDb(adminUrl(system.env), async (db) =>
        Number(
          (
            await db.query(
              `SELECT count(*)::int AS n FROM account_management.accounts WHERE crm_company_id = ANY($1)`,
              [crmIds],
            )
          ).rows[0].n,
        ),
      );

    it('creates every row with its tier history, timeline and event, and answers the ids in order', async () => {
      const rows = [
        row({ ownerId: f.members.am1.id, tier: 'gold', name: '导入华为终端有限公司' }),
        row({
          ownerId: f.members.am3.id,
          serviceTeamId: f.teams.service,
          assistantIds: [f.members.assistant.id],
          annualPurchase: { amountMinor: 250000000, currency: 'CNY' },
          profitContributionPct: 11.25,
          status: 'active',
        }),
        row({ industry: '能源', region: '华北' }),
      ];
      const res = await api()
        .post('/api/v1/accounts/import')
        .set(as('director'))
        .send({ accounts: rows })
        .expect(201);
      expect(res.body.created).toBe(3);
      expect(res.body.ids).toHaveLength(3);
      const got = await Promise.all(
        res.body.ids.map(
          async (id: string) =>
            (await api().get(`/api/v1/accounts/${id}`).set(as('director')).expect(200)).body,
        ),
      );
      expect(got.map((a) => a.crmCompanyId)).toEqual(rows.map((r) => r.crmCompanyId));
      expect(got[0]).toMatchObject({
        ownerId: f.members.am1.id,
        tier: 'gold',
        status: 'prospect',
        version: 1,
      });
      expect(got[1]).toMatchObject({
        ownerId: f.members.am3.id,
        serviceTeamId: f.teams.service,
        assistantIds: [f.members.assistant.id],
        annualPurchase: { amountMinor: 250000000, currency: 'CNY' },
        profitContributionPct: 11.25,
        status: 'active',
      });
      expect(got[2]).toMatchObject({ ownerId: f.members.director.id, industry: '能源', region: '华北' });
      // Found by search at once, like any account.
      expect(ids(await search('director', q('华为终端')))).toEqual([res.body.ids[0]]);
      const history = await api()
        .get(`/api/v1/tier-changes?accountId=${res.body.ids[0]}`)
        .set(as('director'))
        .expect(200);
      expect(history.body).toEqual([
        expect.objectContaining({
          fromTier: null,
          toTier: 'gold',
          reason: 'initial tier',
          status: 'applied',
        }),
      ]);
      const timeline = await api()
        .get(`/api/v1/accounts/${res.body.ids[1]}/timeline`)
        .set(as('director'))
        .expect(200);
      expect(timeline.body.items.map((e: { kind: string }) => e.kind)).toEqual(['created']);
      // One account.created event per account: performance-evaluation credits each owner.
      const credits = await eventually('the new accounts credited to their owners', async () => {
        const r = await withDb(adminUrl(system.env), (db) =>
          db.query(
            `SELECT account_id, member_id FROM performance_evaluation.new_account_credits WHERE account_id = ANY($1)`,
            [res.body.ids],
          ),
        );
        return r.rows.length === 3 ? r.rows : undefined;
      });
      expect(new Map(credits.map((c) => [c.account_id, c.member_id]))).toEqual(
        new Map([
          [res.body.ids[0], f.members.am1.id],
          [res.body.ids[1], f.members.am3.id],
          [res.body.ids[2], f.members.director.id],
        ]),
      );
    });

    it('a bad batch is a 400 listing the row and field of every problem, and creates nothing', async () => {
      const good = row();
      const rows = [
        good,
        row({ tier: 'bronze' }),
        row({ ownerId: randomUUID() }),
        row({ crmCompanyId: good.crmCompanyId }),
        row({ crmCompanyId: `crm-${f.accounts.am2Own}` }),
        row({ ownerId: f.members.departed.id, serviceTeamId: randomUUID() }),
        row({ assistantIds: [randomUUID()] }),
      ];
      const res = await api()
        .post('/api/v1/accounts/import')
        .set(as('director'))
        .set('Accept-Language', 'en')
        .send({ accounts: rows });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        [
          'accounts.1.tier',
          'accounts.2.ownerId',
          'accounts.3.crmCompanyId',
          'accounts.4.crmCompanyId',
          'accounts.5.ownerId',
          'accounts.5.serviceTeamId',
          'accounts.6.assistantIds',
        ].sort(),
      );
      expect(
        res.body.errors.find((e: { field: string }) => e.field === 'accounts.3.crmCompanyId').message,
      ).toMatch(/row 0/);
      expect(await countByCrm(rows.map((r) => r.crmCompanyId))).toBe(1); // only the existing account
      expect(await countByCrm([good.crmCompanyId])).toBe(0);
    });

    it('bad types, unknown fields and batch sizes are a 400 naming the row', async () => {
      const a = await api()
        .post('/api/v1/accounts/import')
        .set(as('director'))
        .send({ accounts: [row(), row({ bonus: 1, tier: 7 })] })
        .expect(400);
      expect(a.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['accounts.1.bonus', 'accounts.1.tier']),
      );
      const empty = await api()
        .post('/api/v1/accounts/import')
        .set(as('director'))
        .send({ accounts: [] })
        .expect(400);
      expect(empty.body.errors[0].field).toBe('accounts');
      const many = Array.from({ length: 1001 }, () => ({
        crmCompanyId: 'x',
        name: 'x',
        tier: 'gold',
        category: 'industry',
      }));
      const tooMany = await api()
        .post('/api/v1/accounts/import')
        .set(as('director'))
        .send({ accounts: many })
        .expect(400);
      expect(tooMany.body.errors.map((e: { field: string }) => e.field)).toContain('accounts');
    });

    it('an account manager imports accounts they own, and nothing when one row belongs to someone else', async () => {
      const own = [row(), row({ ownerId: f.members.am1.id })];
      const res = await api()
        .post('/api/v1/accounts/import')
        .set(as('am1'))
        .send({ accounts: own })
        .expect(201);
      expect(res.body.created).toBe(2);
      const mixed = [row(), row({ ownerId: f.members.am2.id })];
      const refused = await api().post('/api/v1/accounts/import').set(as('am1')).send({ accounts: mixed });
      expectProblem(refused, 403, 'forbidden');
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['accounts.1']);
      expect(await countByCrm(mixed.map((r) => r.crmCompanyId))).toBe(0);
    });

    it('a market researcher imports prospects only; customer service may not import', async () => {
      await api()
        .post('/api/v1/accounts/import')
        .set(as('researcher'))
        .send({ accounts: [row()] })
        .expect(201);
      const active = await api()
        .post('/api/v1/accounts/import')
        .set(as('researcher'))
        .send({ accounts: [row({ status: 'active' })] });
      expectProblem(active, 403, 'forbidden');
      expectProblem(
        await api()
          .post('/api/v1/accounts/import')
          .set(as('service'))
          .send({ accounts: [row()] }),
        403,
        'forbidden',
      );
    });

    it('the same Idempotency-Key applies an import once and replays the same answer', async () => {
      const key = randomUUID();
      const rows = [row(), row()];
      const send = () =>
        api()
          .post('/api/v1/accounts/import')
          .set(as('director'))
          .set('Idempotency-Key', key)
          .send({ accounts: rows });
      const [a, b] = await Promise.all([send(), send()]);
      const c = await send();
      expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
      expect(b.body).toEqual(a.body);
      expect(c.body).toEqual(a.body);
      expect(await countByCrm(rows.map((r) => r.crmCompanyId))).toBe(2);
      const reused = await api()
        .post('/api/v1/accounts/import')
        .set(as('director'))
        .set('Idempotency-Key', key)
        .send({ accounts: [row()] });
      expectProblem(reused, 409, 'idempotency_key_reused');
    });

    it('a batch of 1000 goes in at once, and the export pages through all of it', async () => {
      const ws = await createWorkspace(system.env);
      const token = await memberToken(system.jwtSecret, ws, 'director');
      const owners = [ws.members.am1.id, ws.members.am2.id, ws.members.am3.id];
      const rows = Array.from({ length: 1000 }, (_, i) =>
        row({ name: `批量导入${String(i).padStart(4, '0')}号科技有限公司`, ownerId: owners[i % 3] }),
      );
      const res = await api()
        .post('/api/v1/accounts/import')
        .set('Authorization', `Bearer ${token}`)
        .send({ accounts: rows })
        .expect(201);
      expect(res.body.created).toBe(1000);
      expect(new Set(res.body.ids).size).toBe(1000);
      // Over the approval threshold (100 rows by default) the export needs the director's approval (issue 6).
      const approval = await api()
        .post('/api/v1/export-requests')
        .set('Authorization', `Bearer ${token}`)
        .send({ kind: 'accounts', accountFilters: { q: '批量导入' }, reason: '导入核对' })
        .expect(201);
      // Nobody decides their own request: the director's goes to the executive (issue 14).
      await api()
        .post(`/api/v1/export-requests/${approval.body.id}/decision`)
        .set('Authorization', `Bearer ${await memberToken(system.jwtSecret, ws, 'executive')}`)
        .send({ decision: 'approve' })
        .expect(200);
      const csv = await api()
        .get(`/api/v1/accounts/export?${q('批量导入')}&exportRequestId=${approval.body.id}`)
        .set('Authorization', `Bearer ${token}`)
        .set('Accept-Language', 'en')
        .expect(200);
      const lines = parseCsv(csv.text.replace(/^\uFEFF/, ''));
      expect(lines).toHaveLength(1001);
      const names = lines.slice(1).map((l) => l[2]);
      expect(names).toEqual(rows.map((r) => r.name));
      expect(new Set(lines.slice(1).map((l) => l[0]))).toEqual(new Set(res.body.ids));
    });
  });
});
