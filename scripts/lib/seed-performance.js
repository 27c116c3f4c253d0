'use strict';
/**
 * The demo workspace's performance evaluation, made through the public API as the people would make it: targets,
 * pay bases, a commission plan, a training session, three closed (locked) months and the current open one with a
 * pending appeal, a 末位 warning for the member last three months running, and statements.
 *
 * Runs after the apps are healthy (it needs account-management's metrics over NATS). Idempotent: a workspace that
 * already has cycles is left alone.
 */
const path = require('node:path');
const { ROOT } = require('./system');

/** `YYYY-MM` of an instant in Asia/Shanghai, and `n` months from a `YYYY-MM`. */
function monthIn(date, timeZone = 'Asia/Shanghai') {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(
    date,
  );
  return `${p.find((x) => x.type === 'year').value}-${p.find((x) => x.type === 'month').value}`;
}
function addMonths(month, n) {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** `distDir`: where the apps were built (the e2e tests build into their own folder). */
async function seedPerformance(base, jwtSecret, distDir = path.join(ROOT, 'dist')) {
  const { signUserToken } = require(path.join(distDir, 'apps/gateway/src/auth/token.service.js'));
  const { DEMO_MEMBERS, DEMO_TEAMS, DEMO_WORKSPACE } = require(
    path.join(distDir, 'apps/account-management/src/seed/demo-workspace.js'),
  );
  const key = new TextEncoder().encode(jwtSecret);
  const tokens = new Map();
  for (const m of DEMO_MEMBERS.filter((x) => !x.departed))
    tokens.set(
      m.id,
      await signUserToken(key, { sub: m.id, workspaceId: DEMO_WORKSPACE.id, roles: m.roles }, 3600),
    );
  const byRole = (role) => DEMO_MEMBERS.find((m) => m.roles.includes(role) && !m.departed);
  const director = byRole('director');

  async function call(method, url, who, body, headers = {}) {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        Authorization: `Bearer ${tokens.get(who.id ?? who)}`,
        'Content-Type': 'application/json',
        'Accept-Language': 'en',
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // A target that exists already (a seed interrupted halfway and run again) is fine.
    if (res.status === 409 && text.includes('target_exists')) return null;
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }

  const existing = await call('GET', '/api/v1/performance/cycles', director);
  if (existing.length) return { skipped: true, cycles: existing.length };

  const current = monthIn(new Date());
  const openMonth = addMonths(current, -1);
  const closed = [addMonths(current, -4), addMonths(current, -3), addMonths(current, -2)];
  const evaluated = DEMO_MEMBERS.filter(
    (m) =>
      !m.departed &&
      m.roles.some((r) =>
        [
          'group_leader',
          'account_manager',
          'assistant_account_manager',
          'customer_service',
          'market_researcher',
          'clerk',
        ].includes(r),
      ),
  );
  const sales = evaluated.filter((m) => !m.roles.includes('clerk'));
  // The market researcher stays last three months running: the 末位 warning of the demo.
  const researcher = byRole('market_researcher');

  // Targets: the department's monthly sales with a challenge target, and each sales member's monthly target.
  for (const month of [...closed, openMonth]) {
    const [year, periodIndex] = month.split('-').map(Number);
    await call('POST', '/api/v1/performance/targets', director, {
      scope: 'department',
      metric: 'sales_amount',
      periodKind: 'month',
      year,
      periodIndex,
      value: String(60_000_000),
      challenge: String(90_000_000),
    });
    for (const m of sales)
      await call('POST', '/api/v1/performance/targets', director, {
        scope: 'member',
        scopeId: m.id,
        metric: 'sales_amount',
        periodKind: 'month',
        year,
        periodIndex,
        value: String(m.roles.includes('account_manager') ? 30_000_000 : 10_000_000),
      });
  }
  // Sales the other sales-position staff closed (assistants, leaders, service, research): credited orders, so their
  // results criterion has something to measure; account managers' orders come from the account seed.
  const accounts = (await call('GET', '/api/v1/accounts?limit=10', director)).items;
  for (const [mi, month] of [...closed, openMonth].entries())
    for (const [i, m] of sales.filter((x) => !x.roles.includes('account_manager')).entries()) {
      if (m.id === researcher.id) continue;
      await call('POST', `/api/v1/accounts/${accounts[i % accounts.length].id}/orders`, director, {
        memberId: m.id,
        amount: { amountMinor: 1_000_000 * (6 + ((i * 3 + mi * 2) % 6)), currency: 'CNY' },
        orderedOn: `${month}-${String(10 + i).padStart(2, '0')}`,
        description: '协助成交订单 / assisted sale',
      });
    }
  // Pay bases (绩效工资基数): 3000 for sales staff, 4000 for group leaders, 1000 for the clerk.
  for (const m of evaluated)
    await call('PUT', '/api/v1/performance/pay-bases', director, {
      memberId: m.id,
      effectiveMonth: closed[0],
      amountMinor: String(
        m.roles.includes('group_leader') ? 400_000 : m.roles.includes('clerk') ? 100_000 : 300_000,
      ),
    });
  // 提成方案: progressive tiers on sales, approved by the director.
  const plans = await call('GET', '/api/v1/performance/commission/plans', director);
  const plan =
    (plans.items ?? plans).find((p) => p.status === 'approved') ??
    (await call('POST', '/api/v1/performance/commission/plans', director, {
      name: '大客户销售提成方案 2026',
      mode: 'progressive',
      tiers: [
        { fromMinor: '0', ratePct: '1' },
        { fromMinor: '20000000', ratePct: '2' },
        { fromMinor: '50000000', ratePct: '3' },
      ],
      effectiveFrom: closed[0],
    }));
  if (plan.status !== 'approved')
    await call('POST', `/api/v1/performance/commission/plans/${plan.id}/approve`, director, {});
  // 在职培训 with assessment scores.
  const clerk = byRole('clerk');
  const training = await call('POST', '/api/v1/performance/trainings', clerk, {
    kind: 'on_the_job',
    title: '大客户销售技巧与报价流程',
    heldOn: `${closed[2]}-15`,
    trainer: '王建国',
  });
  await call(
    'PUT',
    `/api/v1/performance/trainings/${training.id}/attendance`,
    clerk,
    { entries: sales.map((m, i) => ({ memberId: m.id, attended: true, score: 70 + ((i * 7) % 28) })) },
    { 'If-Match': `"${training.version}"` },
  );

  const leaderOf = new Map(DEMO_TEAMS.filter((t) => t.leaderId).map((t) => [t.id, t.leaderId]));
  const raterOf = (m) => {
    const leader = leaderOf.get(m.teamId);
    return leader && leader !== m.id ? leader : director.id;
  };
  const fractionOf = (m, month) =>
    m.id === researcher.id
      ? 0.45
      : 0.7 + (((m.id.charCodeAt(m.id.length - 1) + Number(month.slice(5))) * 3) % 25) / 100;

  async function cardsOf(month) {
    return (await call('GET', `/api/v1/performance/scorecards?month=${month}&limit=500`, director)).items;
  }
  async function rateCard(card, member, month) {
    const ratings = card.items
      .filter((i) => i.kind === 'manual')
      .map((i) => ({
        criterionKey: i.criterionKey,
        points: (Math.round(Number(i.maxPoints) * fractionOf(member, month) * 2) / 2).toFixed(2),
        evidence: '月度考核表',
      }));
    const res = await fetch(`${base}/api/v1/performance/scorecards/${card.id}/ratings`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${tokens.get(raterOf(member))}`,
        'Content-Type': 'application/json',
        'If-Match': `"${card.version}"`,
      },
      body: JSON.stringify({ ratings }),
    });
    if (res.status !== 200) throw new Error(`rating ${member.name} → ${res.status} ${await res.text()}`);
    return res.json();
  }

  for (const month of closed) {
    await call('POST', '/api/v1/performance/cycles', director, { month });
    for (const card of await cardsOf(month)) {
      const member = evaluated.find((m) => m.id === card.memberId);
      if (card.status === 'draft' && member) await rateCard(card, member, month);
    }
    await call('POST', `/api/v1/performance/cycles/${month}/publish`, director, {});
    for (const card of await cardsOf(month))
      if (card.status === 'published')
        await call('POST', `/api/v1/performance/scorecards/${card.id}/acknowledge`, card.memberId, {});
    await call('POST', '/api/v1/performance/commission/statements/draft', director, { month });
    const statements = await call(
      'GET',
      `/api/v1/performance/commission/statements?month=${month}`,
      director,
    );
    for (const s of statements)
      if (s.status === 'draft')
        await call('POST', `/api/v1/performance/commission/statements/${s.id}/approve`, director, {});
    await call('POST', `/api/v1/performance/cycles/${month}/approve`, director);
    await call('POST', `/api/v1/performance/cycles/${month}/lock`, director);
  }

  // The open month: team 1's leader has rated and published two cards; one acknowledged, one appealed.
  await call('POST', '/api/v1/performance/cycles', director, { month: openMonth });
  const [am1, am2] = DEMO_MEMBERS.filter(
    (m) => m.roles.includes('account_manager') && m.teamId === DEMO_TEAMS[0].id,
  );
  for (const member of [am1, am2]) {
    const card = (await cardsOf(openMonth)).find((c) => c.memberId === member.id);
    await rateCard(card, member, openMonth);
    await call('POST', `/api/v1/performance/scorecards/${card.id}/publish`, raterOf(member), {});
  }
  const openCards = await cardsOf(openMonth);
  await call(
    'POST',
    `/api/v1/performance/scorecards/${openCards.find((c) => c.memberId === am1.id).id}/acknowledge`,
    am1,
    {},
  );
  await call(
    'POST',
    `/api/v1/performance/scorecards/${openCards.find((c) => c.memberId === am2.id).id}/appeal`,
    am2,
    {
      reason: '本月协助一组完成两次重点客户回访,协调配合能力评分偏低,申请复核',
    },
  );
  return { skipped: false, closed, open: openMonth };
}

module.exports = { seedPerformance };
