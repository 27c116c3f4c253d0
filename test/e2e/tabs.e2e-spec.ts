import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import request from 'supertest';
import { Browser, chromium, ConsoleMessage, Page } from 'playwright-core';
import { freePort, ROOT, TestSystem } from '../support/system';
import { tokenFor } from '../support/fixtures';

/**
 * The embedded CRM tabs (issue 7) in real headless Chromium (Debian's package, driven by playwright-core),
 * against the four apps and the demo workspace `npm start` seeds: every tab as several roles, content and
 * redaction, no console errors, keyboard use, embedding only from the CRM's origin. Screenshots go to
 * .data/test-results<slot>/screenshots/ (git-ignored), with first-render.json: the time to each opening's
 * 'kam-ready' mark, written down and never asserted. The first-render target (issue 7: under 1 s with the demo
 * data) is benchmarked in `npm run bench` (section tabs, scripts/lib/bench-tabs.js), next to a floor measured in
 * the same run: a test on a busy shared machine is no place for a speed target.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const SHOTS = path.join(ROOT, '.data', `test-results${process.env.KAM_TEST_SLOT ?? ''}`, 'screenshots');
const DIST = process.env.KAM_TEST_DIST ?? path.join(ROOT, 'dist');
const WS = '11111111-1111-4111-8111-111111111111';
const m = (n: number) => `33333333-3333-4333-8333-${String(n).padStart(12, '0')}`;
const DEMO = {
  director: { id: m(1), roles: ['director'] },
  leader: { id: m(3), roles: ['group_leader'] },
  manager: { id: m(4), roles: ['account_manager'] },
  service: { id: m(7), roles: ['customer_service'] },
  researcher: { id: m(8), roles: ['market_researcher'] },
  security: { id: m(11), roles: ['security_officer'] },
  admin: { id: m(14), roles: ['admin'] },
} as const;
type Who = keyof typeof DEMO;

interface Opened {
  page: Page;
  errors: string[];
  firstRenderMs: number;
}

(CHROMIUM ? describe : describe.skip)('embedded CRM tabs in a real browser', () => {
  let system: TestSystem;
  let browser: Browser;
  let crm: http.Server;
  let crmOrigin = '';
  const tokens = {} as Record<Who, string>;
  const renders: { tab: string; who: string; ms: number }[] = [];
  let gold: { id: string; name: string; crmCompanyId: string };
  let serviced: { id: string; name: string };

  beforeAll(async () => {
    // A stand-in for the CRM's pages on another origin: it frames a tab and hands it the token by postMessage.
    crm = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const src = u.searchParams.get('src') ?? '';
      const token = u.searchParams.get('token') ?? '';
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html><body><h1>CRM</h1>
<iframe id="tab" title="KAM" src="${src.replace(/"/g, '')}" width="1100" height="800"></iframe>
<script>
window.addEventListener('message', (e) => {
  if (e.data && e.data.type === 'kam:ready') e.source.postMessage({ type: 'kam:token', token: ${JSON.stringify(token)} }, e.origin);
});
</script></body></html>`);
    });
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
    // `localhost` and `127.0.0.1` are different origins: the CRM lives on the first, KAM on the second.
    crmOrigin = `http://localhost:${(crm.address() as AddressInfo).port}`;
    system = new TestSystem({ extraEnv: { gateway: { KAM_CRM_ORIGINS: crmOrigin } } });
    await system.start();

    const seed = spawnSync(process.execPath, [path.join(DIST, 'apps/account-management/src/seed/main.js')], {
      env: system.appEnv('account-management'),
      encoding: 'utf8',
    });
    if (seed.status !== 0) throw new Error(`demo seed failed: ${seed.stderr || seed.stdout}`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same script `npm start` runs
    const { seedPerformance } = require(path.join(ROOT, 'scripts/lib/seed-performance.js')) as {
      seedPerformance: (base: string, secret: string, dist: string) => Promise<unknown>;
    };
    await seedPerformance(system.baseUrl, system.jwtSecret, DIST);

    for (const [who, m] of Object.entries(DEMO) as [Who, { id: string; roles: readonly string[] }][])
      tokens[who] = await tokenFor(system.jwtSecret, { sub: m.id, workspaceId: WS, roles: [...m.roles] });

    // The daily health run, as the job would do it, so that every account has a score with its reasons.
    await api('admin').post('/api/v1/admin/jobs/health/run').send({}).expect(200);
    // …and the daily revisit sweep, so that revisits fall due.
    await api('admin').post('/api/v1/admin/jobs/revisits/run').send({}).expect(200);
    // The manager's own account with the most to show: contacts, answered surveys, open complaints.
    const own = await api('manager').get('/api/v1/accounts?limit=200').expect(200);
    let best = -1;
    for (const a of own.body.items as { id: string; name: string; tier: string; crmCompanyId: string }[]) {
      const [c, s, k] = await Promise.all([
        api('director').get(`/api/v1/accounts/${a.id}/contacts`).expect(200),
        api('director').get(`/api/v1/accounts/${a.id}/surveys`).expect(200),
        api('director').get(`/api/v1/complaints?accountId=${a.id}`).expect(200),
      ]);
      const answered = (s.body as { answeredAt: string | null }[]).filter((x) => x.answeredAt).length;
      const open = (k.body.items as { status: string }[]).filter(
        (x) => !['resolved', 'closed'].includes(x.status),
      );
      const score =
        Math.min(c.body.items.length, 2) * 4 + Math.min(answered, 3) * 2 + Math.min(open.length, 2) * 3;
      if (score > best) [best, gold] = [score, a];
    }
    const svc = await api('service').get('/api/v1/accounts?limit=1').expect(200);
    serviced = svc.body.items[0];

    // Documents of three classifications, uploaded by the director.
    for (const [classification, title] of [
      ['public', '大客户部管理制度'],
      ['internal', '季度回访计划'],
      ['confidential', `${gold.name} 合同要点`],
    ])
      await api('director')
        .post('/api/v1/documents')
        .field('kind', 'report')
        .field('classification', classification)
        .field('title', title)
        .field('accountId', gold.id)
        .attach('file', Buffer.from(`${title}\n第一行\n第二行\n`), {
          filename: `${title}.txt`,
          contentType: 'text/plain',
        })
        .expect(201);

    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await new Promise((r) => crm?.close(r));
    if (renders.length)
      fs.writeFileSync(path.join(SHOTS, 'first-render.json'), JSON.stringify(renders, null, 2));
  });

  const api = (who: Who) => {
    const agent = request(system.baseUrl);
    const auth = { Authorization: `Bearer ${tokens[who]}` };
    return {
      get: (url: string) => agent.get(url).set(auth),
      post: (url: string) => agent.post(url).set(auth),
    };
  };

  /** Opens a tab as a member (token in the fragment, never sent to the server) and waits for its first render. */
  async function open(
    who: Who,
    tabPath: string,
    { locale = 'zh-CN', shot }: { locale?: string; shot?: string } = {},
  ): Promise<Opened> {
    const context = await browser.newContext({
      viewport: { width: 1180, height: 900 },
      locale,
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${system.baseUrl}${tabPath}#token=${tokens[who]}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });
    const firstRenderMs = await page.evaluate(() => performance.getEntriesByName('kam-ready')[0].startTime);
    renders.push({ tab: tabPath, who, ms: Math.round(firstRenderMs) });
    if (shot) await page.screenshot({ path: path.join(SHOTS, `${shot}.png`), fullPage: true });
    return { page, errors, firstRenderMs };
  }
  const close = (o: Opened) => o.page.context().close();
  const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

  it('the account tab shows the director tier, health with reasons, owner, revisit, complaints, trend, timeline and contacts', async () => {
    const o = await open('director', `/tabs/account?accountId=${gold.id}`, { shot: 'account-director' });
    const { page } = o;
    expect(await text(page, 'h1')).toBe(gold.name);
    expect(await page.locator('[data-tier]').count()).toBe(1);
    for (const section of [
      'health',
      'next-revisit',
      'complaints',
      'satisfaction',
      'timeline',
      'contacts',
      'actions',
    ])
      expect(await page.locator(`[data-section="${section}"]`).count()).toBe(1);
    // The data is the API's: the owner's name and every contact the API lists.
    await page.waitForFunction(
      () => !/^[0-9a-f-]{36}$/.test(document.querySelector('[data-field="owner"]')!.textContent!),
    );
    expect(await text(page, '[data-field="owner"]')).toMatch(/\S/);
    const contacts = (await api('director').get(`/api/v1/accounts/${gold.id}/contacts`).expect(200)).body
      .items;
    expect(await page.locator('tr[data-contact-id]').count()).toBe(contacts.length);
    expect(await page.locator('[data-redacted]').count()).toBe(0);
    expect(await page.locator('[data-section="timeline"] li').count()).toBeGreaterThan(0);
    expect(o.errors).toEqual([]);
    await close(o);
  });

  it('opens from the CRM company id, and speaks English when asked', async () => {
    const o = await open('manager', `/tabs/account?companyId=${gold.crmCompanyId}&lang=en`, {
      locale: 'en-US',
    });
    expect(await text(o.page, 'h1')).toBe(gold.name);
    expect(await o.page.getAttribute('html', 'lang')).toBe('en');
    expect(await text(o.page, '[data-section="contacts"] h2')).toBe('Contacts');
    expect(o.errors).toEqual([]);
    await close(o);
  });

  it('customer service sees its service team account with the financial fields redacted, as DESIGN §4 says', async () => {
    const o = await open('service', `/tabs/account?accountId=${serviced.id}`, {
      shot: 'account-customer-service',
    });
    expect(await text(o.page, 'h1')).toBe(serviced.name);
    expect(await o.page.locator('[data-field="annualPurchase"] [data-redacted]').count()).toBe(1);
    // Contact phones of its service team's accounts are visible to customer service (no redaction there).
    expect(await o.page.locator('[data-field="phone"] [data-redacted]').count()).toBe(0);
    expect(o.errors).toEqual([]);
    await close(o);
  });

  it('a market researcher sees contacts without phone or e-mail, exactly where the API redacts them', async () => {
    const apiContacts = (await api('researcher').get(`/api/v1/accounts/${gold.id}/contacts`).expect(200)).body
      .items as { redacted: string[] }[];
    const o = await open('researcher', `/tabs/account?accountId=${gold.id}`, {
      shot: 'account-market-researcher',
    });
    const redactedPhones = apiContacts.filter((c) => c.redacted.includes('phone')).length;
    expect(redactedPhones).toBe(apiContacts.length);
    expect(await o.page.locator('[data-field="phone"] [data-redacted]').count()).toBe(redactedPhones);
    expect(await o.page.locator('[data-field="email"] [data-redacted]').count()).toBe(redactedPhones);
    expect(await o.page.locator('[data-field="annualPurchase"] [data-redacted]').count()).toBe(1);
    expect(o.errors).toEqual([]);
    await close(o);
  });

  it('without a record id (Twenty IFRAME widget) offers a company picker that works from the keyboard', async () => {
    const o = await open('manager', '/tabs/account', { shot: 'account-picker' });
    const { page } = o;
    expect(await page.evaluate(() => document.activeElement!.id)).toBe('kam-picker');
    const query = gold.name.slice(2, 4);
    await Promise.all([
      page.waitForResponse((r) => r.url().includes(`q=${encodeURIComponent(query)}`)),
      page.keyboard.type(query),
    ]);
    await page.waitForSelector(`#kam-picker-results button[data-account-id="${gold.id}"]`);
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.accountId);
    expect(focused).toBeDefined();
    await page.locator(`#kam-picker-results button[data-account-id="${gold.id}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-account-id="${gold.id}"] h1`);
    expect(new URL(page.url()).searchParams.get('accountId')).toBe(gold.id);
    expect(o.errors).toEqual([]);
    await close(o);
  });

  it('logs a visit from the quick actions: a communication record through the API, then on the timeline', async () => {
    const o = await open('manager', `/tabs/account?accountId=${gold.id}`);
    const { page } = o;
    const lastSeq = await page.evaluate(() =>
      Math.max(
        0,
        ...[...document.querySelectorAll<HTMLElement>('[data-section="timeline"] li')].map((li) =>
          Number(li.dataset.seq),
        ),
      ),
    );
    await page.getByRole('button', { name: '记录拜访' }).click();
    const summary = `浏览器测试拜访 ${Date.now()}`;
    await page.getByLabel('摘要').fill(summary);
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForSelector('.notice[role="status"]');
    const records = (await api('manager').get(`/api/v1/accounts/${gold.id}/records?limit=50`).expect(200))
      .body.items as { kind: string; summary: string; recordedBy: string }[];
    expect(records.find((r) => r.summary === summary)).toMatchObject({
      kind: 'visit',
      recordedBy: DEMO.manager.id,
    });
    // The timeline shows the new entry at the top.
    await page.waitForFunction(
      (seq) =>
        [
          ...document.querySelectorAll<HTMLElement>(
            '[data-section="timeline"] li[data-kind="communication_recorded"]',
          ),
        ].some((li) => Number(li.dataset.seq) > seq),
      lastSeq,
    );
    expect(o.errors).toEqual([]);
    await close(o);
  });

  it("the performance tab shows a member's scorecard with its criteria, payout and trend", async () => {
    const o = await open('manager', '/tabs/performance', { shot: 'performance-account-manager' });
    const { page } = o;
    const cards = (
      await api('manager').get(`/api/v1/performance/scorecards?memberId=${DEMO.manager.id}`).expect(200)
    ).body.items as { id: string; month: string; items: unknown[] }[];
    expect(cards.length).toBeGreaterThan(0);
    const latest = cards.sort((a, b) => a.month.localeCompare(b.month)).pop()!;
    expect(await page.locator(`[data-scorecard-id="${latest.id}"]`).count()).toBe(1);
    expect(await page.locator('[data-table="criteria"] tbody tr').count()).toBe(latest.items.length);
    await page.waitForSelector('[data-section="payout"] dl');
    expect(await text(page, '[data-field="totalPay"]')).toMatch(/\d/);
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(0);
    expect(o.errors).toEqual([]);
    await close(o);
  });

  it('a group leader sees the team; the director the approval queue', async () => {
    const leader = await open('leader', '/tabs/performance', { shot: 'performance-group-leader' });
    expect(await leader.page.locator('[data-table="team"] tbody tr').count()).toBeGreaterThan(0);
    expect(await leader.page.locator('[data-section="queue"]').count()).toBe(0);
    expect(leader.errors).toEqual([]);
    await close(leader);

    const director = await open('director', '/tabs/performance', { shot: 'performance-director' });
    expect(await director.page.locator('[data-section="queue"]').count()).toBe(1);
    const pending = (await api('director').get('/api/v1/performance/appeals?status=pending').expect(200))
      .body;
    expect(await director.page.locator('[data-list="appeals"] li[data-appeal-id]').count()).toBe(
      pending.length,
    );
    expect(director.errors).toEqual([]);
    await close(director);
  });

  it('the documents tab lists by classification and downloads a watermarked copy; the security officer reads the access log', async () => {
    const o = await open('director', '/tabs/documents', { shot: 'documents-director' });
    const { page } = o;
    for (const level of ['public', 'internal', 'confidential'])
      expect(await page.locator(`[data-classification="${level}"]`).count()).toBe(1);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-classification="internal"] button').first().click(),
    ]);
    const file = await download.path();
    const content = fs.readFileSync(file!, 'utf8');
    expect(content).toContain('季度回访计划');
    expect(content).not.toBe('季度回访计划\n第一行\n第二行\n'); // the watermark was added
    expect(o.errors).toEqual([]);
    await close(o);

    // The market researcher may not see the confidential one.
    const r = await open('researcher', '/tabs/documents');
    expect(await r.page.locator('[data-classification="confidential"]').count()).toBe(0);
    expect(r.errors).toEqual([]);
    await close(r);

    const s = await open('security', '/tabs/documents', { shot: 'documents-security-officer' });
    expect(await s.page.locator('[data-table="access-log"] tbody tr').count()).toBeGreaterThan(0);
    expect(await s.page.locator('[data-section="documents"]').count()).toBe(0);
    await s.page.getByRole('button', { name: '校验日志链' }).click();
    await s.page.waitForSelector('.badge.good');
    expect(s.errors).toEqual([]);
    await close(s);
  });

  it('"my work today" shows due revisits, SLA clocks and pending approvals', async () => {
    for (const who of ['manager', 'service', 'director'] as Who[]) {
      const o = await open(who, '/tabs/today', { shot: `today-${who}` });
      for (const section of ['revisits', 'complaints', 'approvals'])
        expect(await o.page.locator(`[data-section="${section}"]`).count()).toBe(1);
      expect(await o.page.locator('[data-section] [data-error]').count()).toBe(0);
      expect(o.errors).toEqual([]);
      await close(o);
    }
  });

  it('opens every tab as each of its roles without a console error', async () => {
    // Each first render's time lands in first-render.json (afterAll); `npm run bench` (section tabs) measures it.
    for (const [who, tabPath] of [
      ['director', `/tabs/account?accountId=${gold.id}`],
      ['manager', `/tabs/account?accountId=${gold.id}`],
      ['manager', '/tabs/performance'],
      ['director', '/tabs/performance'],
      ['director', '/tabs/documents'],
      ['security', '/tabs/documents'],
      ['manager', '/tabs/today'],
    ] as [Who, string][]) {
      const o = await open(who, tabPath);
      expect({ tab: tabPath, who, errors: o.errors }).toEqual({ tab: tabPath, who, errors: [] });
      await close(o);
    }
  });

  it('is keyboard usable: a skip link first, then the tabs, with a visible focus ring', async () => {
    const o = await open('manager', `/tabs/account?accountId=${gold.id}`);
    const { page } = o;
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement!.className)).toBe('skip');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({
      text: document.activeElement!.textContent,
      ring: getComputedStyle(document.activeElement!).boxShadow,
    }));
    expect(first.text).toBe('客户');
    expect(first.ring).not.toBe('none');
    // Every form control of the quick actions has a label.
    await page.getByRole('button', { name: '登记投诉' }).click();
    const unlabelled = await page.evaluate(
      () =>
        [...document.querySelectorAll('input, select, textarea')].filter(
          (el) => !(el as HTMLInputElement).labels || !(el as HTMLInputElement).labels!.length,
        ).length,
    );
    expect(unlabelled).toBe(0);
    expect(o.errors).toEqual([]);
    await close(o);
  });

  it('the HTML is public and carries no data; without a token the tab asks for one', async () => {
    const res = await request(system.baseUrl).get(`/tabs/account?accountId=${gold.id}`).expect(200);
    expect(res.text).not.toContain(gold.name);
    expect(res.headers['content-security-policy']).toContain(`frame-ancestors 'self' ${crmOrigin}`);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${system.baseUrl}/tabs/today`);
    await page.waitForSelector('body[data-state="signin"]');
    expect(await page.locator('#kam-token').count()).toBe(1);
    await context.close();
  });

  it('works framed by the configured CRM origin, the token handed over by postMessage (no third-party cookie)', async () => {
    const context = await browser.newContext({ viewport: { width: 1180, height: 900 } });
    const page = await context.newPage();
    const src = `${system.baseUrl}/tabs/account?accountId=${gold.id}`;
    await page.goto(
      `${crmOrigin}/?src=${encodeURIComponent(src)}&token=${encodeURIComponent(tokens.manager)}`,
    );
    const frame = page.frameLocator('#tab');
    await frame.locator('body[data-state="ready"]').waitFor({ timeout: 15_000 });
    expect(await frame.locator('h1').innerText()).toBe(gold.name);
    const cookies = await context.cookies();
    expect(cookies).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'account-in-crm-frame.png') });
    await context.close();
  });

  it('refuses to be framed by any other origin', async () => {
    // 127.0.0.2 is loopback too, but not a configured CRM origin.
    const other = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<iframe id="tab" src="${system.baseUrl}/tabs/today" onload="window.framed = true"></iframe>`);
    });
    const port = await freePort();
    await new Promise<void>((r) => other.listen(port, '127.0.0.2', r));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.2:${port}/`);
    await page.waitForFunction(() => (window as unknown as { framed?: boolean }).framed === true);
    const frame = page.frames().find((f) => f.url().includes('/tabs/today'));
    const rendered = frame ? await frame.locator('#kam-app').count() : 0;
    expect(rendered).toBe(0);
    await context.close();
    await new Promise((r) => other.close(r));
  });
});
