'use strict';
/**
 * Benchmarks on the generated data set (issue 3): measured inside the service — a NATS request straight to
 * account-management, no gateway — each next to the same SQL sent through `pg` (the floor), with the query plan;
 * and the bulk import rate through the gateway's POST /api/v1/accounts/import.
 */
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { Client } = require('pg');
const { connect } = require('nats');
const { ROOT } = require('./system');
const { ids, TEAMS, AMS_PER_TEAM } = require('./bench-data');

const dist = (p) => require(path.join(ROOT, 'dist', p));

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const ms = (x) => Math.round(x * 100) / 100;

/** Runs `fn(i)` `n` times one after the other (after `warmup` unmeasured runs); p50/p99 in ms. */
async function timed(n, warmup, fn) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { n, p50ms: ms(percentile(times, 50)), p99ms: ms(percentile(times, 99)) };
}

/**
 * The SQL `AccountsService.list()` sends, built with the service's own code (the permission filter from the
 * ability, the same ORDER BY and LIMIT), so the floor runs exactly the query the service runs.
 */
function listSql(ability, workspaceId, query, limit = 50) {
  const { accountFilter, SORTS } = dist('apps/account-management/src/accounts/accounts.service.js');
  const { ACCOUNT_COLUMNS } = dist('apps/account-management/src/accounts/account.sql.js');
  const { where, values } = accountFilter(ability, workspaceId, query);
  const sort = SORTS[query.sort || 'name'];
  values.push(limit + 1);
  return {
    text: `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE ${where.join(' AND ')}
         ORDER BY ${sort.column} ${sort.dir}, a.id ${sort.dir} LIMIT $${values.length}`,
    values,
  };
}

/** A Chinese company name like the generator's, for the import. */
const PARTS = [
  '北京 上海 深圳 广州 杭州 南京 苏州 成都 武汉 西安'.split(' '),
  '华为 中兴 腾讯 美的 格力 海尔 联想 恒达 瑞丰 东方 新盛 金山 长城 华润 招商'.split(' '),
  '智能 数字 国际 实业 创新 精密 新能源 信息 网络 供应链'.split(' '),
  '技术 科技 通信 电子 能源 医药 汽车 物流 建设 软件'.split(' '),
  '有限公司 股份有限公司 集团有限公司'.split(' '),
];
const nameOf = (i) => PARTS.map((p, k) => p[(i * (7 + 6 * k) + k) % p.length]).join('');

/**
 * @param o.natsUrl, o.databaseUrl (account-management's role), o.baseUrl (gateway), o.jwtSecret,
 *          o.workspaces (how many were generated), o.quick
 */
async function benchAccounts(o) {
  const { defineAbilityFor } = dist('libs/authz/src/index.js');
  const { signUserToken } = dist('apps/gateway/src/auth/token.service.js');
  const nc = await connect({ servers: o.natsUrl, ...require('./stack').benchNatsOptions() });
  const db = new Client({ connectionString: o.databaseUrl });
  await db.connect();
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const results = [];
  const plans = {};
  try {
    const rpc = async (subject, actor, data) => {
      const m = await nc.request(subject, enc.encode(JSON.stringify({ actor, data })), { timeout: 5000 });
      const reply = JSON.parse(dec.decode(m.data));
      if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
      return reply.data;
    };
    const n = o.quick ? 400 : 1000;
    const warmup = 50;
    // Account managers of up to 20 workspaces, taken in turn: each request is a different member's first page.
    const sampleWs = Array.from({ length: Math.min(o.workspaces, 20) }, (_, i) => i + 1);
    const managers = sampleWs.flatMap((w) =>
      Array.from({ length: TEAMS * AMS_PER_TEAM }, (_, k) => ({
        w,
        actor: {
          workspaceId: ids.workspace(w),
          memberId: ids.accountManager(w, k + 1),
          roles: ['account_manager'],
          requestId: 'bench',
          kind: 'user',
        },
        teamIds: [ids.team(w, 1 + Math.floor(k / AMS_PER_TEAM))],
      })),
    );
    const managerSql = managers.map((m) =>
      listSql(
        defineAbilityFor({ actor: m.actor, teamIds: m.teamIds, ledTeamIds: [] }),
        m.actor.workspaceId,
        {},
      ),
    );
    const directors = sampleWs.map((w) => ({
      workspaceId: ids.workspace(w),
      memberId: ids.director(w),
      roles: ['director'],
      requestId: 'bench',
      kind: 'user',
    }));
    const directorAbility = defineAbilityFor({ actor: directors[0], teamIds: [], ledTeamIds: [] });

    const list = await timed(n, warmup, async (i) => {
      const page = await rpc('kam.accounts.account.list', managers[i % managers.length].actor, { query: {} });
      if (page.items.length !== 50) throw new Error(`expected a full first page, got ${page.items.length}`);
    });
    const listFloor = await timed(n, warmup, (i) => db.query(managerSql[i % managerSql.length]));
    plans.list = await explain(db, managerSql[0]);
    results.push({
      name: "account_manager's first list page (50 of 200 own accounts)",
      kam: list,
      floor: listFloor,
      target: 'p50 < 10 ms; an index scan',
      plan: 'list',
      met: list.p50ms < 10 && /Index Scan using accounts_by_owner_name/.test(plans.list),
    });

    for (const [key, q, label] of [
      ['search2', '华为', 'Chinese substring search "华为" (2 characters, director: all 10,000 accounts)'],
      ['search4', '华为智能', 'Chinese substring search "华为智能" (4 characters, director)'],
    ]) {
      const sql = directors.map((d) => listSql(directorAbility, d.workspaceId, { q }));
      const kam = await timed(n, warmup, (i) =>
        rpc('kam.accounts.account.list', directors[i % directors.length], { query: { q } }),
      );
      const floor = await timed(n, warmup, (i) => db.query(sql[i % sql.length]));
      plans[key] = await explain(db, sql[0]);
      results.push({
        name: label,
        kam,
        floor,
        target: 'p50 < 50 ms; the bigram index',
        plan: key,
        met: kam.p50ms < 50 && /Bitmap Index Scan on accounts_search_grams/.test(plans[key]),
      });
    }

    // Bulk import through the gateway, as the director of workspace 1, owners spread over its managers.
    const token = await signUserToken(
      new TextEncoder().encode(o.jwtSecret),
      { sub: ids.director(1), workspaceId: ids.workspace(1), roles: ['director'] },
      3600,
    );
    const run = randomUUID().slice(0, 8);
    const batch = (b) =>
      Array.from({ length: 1000 }, (_, i) => ({
        crmCompanyId: `import-${run}-${b}-${i}`,
        name: nameOf(b * 1000 + i),
        tier: ['gold', 'diamond', 'platinum', 'white_gold', 'silver'][i % 5],
        category: ['industry', 'regional', 'potential'][i % 3],
        status: 'active',
        industry: '制造业',
        region: '华东',
        ownerId: ids.accountManager(1, 1 + (i % (TEAMS * AMS_PER_TEAM))),
        annualPurchase: { amountMinor: 100000000 + i, currency: 'CNY' },
      }));
    const post = async (body) => {
      const res = await fetch(`${o.baseUrl}/api/v1/accounts/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      const answer = await res.json();
      if (res.status !== 201 || answer.created !== 1000)
        throw new Error(`import answered ${res.status}: ${JSON.stringify(answer).slice(0, 500)}`);
    };
    await post(JSON.stringify({ accounts: batch(0) })); // warm-up
    // One client waiting for each answer, then two batches in flight (gateway, account-management and PostgreSQL
    // each work on one while another stage works on the other): the import rate is the latter.
    let next = 1;
    const importRun = async (inFlight, count) => {
      const bodies = Array.from({ length: count }, () => JSON.stringify({ accounts: batch(next++) }));
      const t0 = process.hrtime.bigint();
      const times = [];
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          for (let body = bodies.shift(); body; body = bodies.shift()) {
            const t = process.hrtime.bigint();
            await post(body);
            times.push(Number(process.hrtime.bigint() - t) / 1e6);
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      times.sort((a, c) => a - c);
      return {
        inFlight,
        accounts: count * 1000,
        seconds: ms(seconds),
        accountsPerSecond: Math.round((count * 1000) / seconds),
        batch: { p50ms: ms(percentile(times, 50)), p99ms: ms(percentile(times, 99)) },
      };
    };
    const sequential = await importRun(1, o.quick ? 8 : 20);
    const pipelined = await importRun(2, o.quick ? 16 : 40);
    results.push({
      name: 'bulk import, POST /api/v1/accounts/import, batches of 1000, one batch in flight (whole path)',
      import: sequential,
      target: '— (for comparison)',
      met: null,
    });
    results.push({
      name: 'bulk import, POST /api/v1/accounts/import, batches of 1000, two batches in flight (whole path)',
      import: pipelined,
      target: '≥ 5,000 accounts/s',
      met: pipelined.accountsPerSecond >= 5000,
    });
  } finally {
    await db.end();
    await nc.drain();
  }
  return { results, plans };
}

async function explain(db, sql) {
  const r = await db.query({ text: `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql.text}`, values: sql.values });
  return r.rows.map((row) => row['QUERY PLAN']).join('\n');
}

module.exports = { benchAccounts, timed };
