'use strict';
/**
 * Benchmark of the monthly scoring (issue 5): opening a month's performance cycle for workspaces of 10,000
 * members each, the way production opens it — a NATS request `kam.performance.cycle.open` as a system caller
 * straight to performance-evaluation, which pages the roster from account-management, fetches the metrics in
 * batches of 2,000 members over NATS (4 in flight) and the team totals, and writes one scorecard per evaluated
 * member with its criteria. Next to it, the floor: the same aggregation (per member sales, new accounts,
 * revisits due/completed, complaints received/resolved, satisfaction of the month) for every member of every
 * workspace as ONE SQL statement through `pg` on account-management's schema, in the same run.
 *
 * Data (set-based, generate_series, as each service's own role), per workspace: 1,000 teams of 10 (a
 * group_leader, 8 account_managers, 1 clerk), a director (not evaluated), one key account per sales member, and
 * for each of two months 3 orders per sales member (1 in 50 in USD, which does not count), one revisit per
 * account (done, overdue or cancelled, some completed late), a complaint on 1 account in 3 (open, in progress or
 * resolved, some outside the SLA) and an answered survey on 1 account in 2; 1 account in 20 created in the later
 * month. Monthly sales targets for the department (with a challenge target) and every sales member go straight
 * into performance_evaluation.targets. Ids come from md5 of a key, as in bench-data.js.
 *
 * Measured: the later month opened workspace after workspace (the target: < 60 s for 100,000 members), then a
 * rerun of `kam.performance.cycle.collect` that must change no scorecard or criterion (digest before/after);
 * unless `quick`, the earlier month opened for all workspaces at once; the floor; and the plan of the metrics
 * statement for one batch of 2,000 members, with account-management's statements for one workspace timed through
 * `pg` (where a workspace's seconds go: the rest is performance-evaluation building and writing the cards).
 */
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { Client } = require('pg');
const { connect } = require('nats');
const { ROOT } = require('./system');
const { uuidOf, uid } = require('./bench-data');

const dist = (p) => require(path.join(ROOT, 'dist', p));

const MEMBERS = 10_000;
const TEAM_SIZE = 10;
/** The month opened one workspace after the other, and the month opened for all at once. */
const MONTH = '2026-10';
const MONTH_CONCURRENT = '2026-09';
const MONTHS = [MONTH_CONCURRENT, MONTH];
const TIME_ZONE = 'Asia/Shanghai';
const TARGET_SECONDS = 60;
const BATCH = 2000;
const s1 = (x) => Math.round(x * 10) / 10;
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

const ids = {
  workspace: (w) => uuidOf(`kam-bench-sc-ws-${w}`),
  member: (w, k) => uuidOf(`kam-bench-sc-m-${w}-${k}`),
};
const WS = (from, to) => `generate_series(${from}, ${to}) AS w`;
const wsId = uid(`'kam-bench-sc-ws-' || w`);
const memberId = (k) => uid(`'kam-bench-sc-m-' || w || '-' || ${k}`);
const accountId = (k) => uid(`'kam-bench-sc-a-' || w || '-' || ${k}`);
/** Sales members: every k except the clerks (k % 10 = 0); member 1 of each team of 10 leads it. */
const SALES = `k % ${TEAM_SIZE} <> 0`;

async function withPg(databaseUrl, fn) {
  const c = new Client({ connectionString: databaseUrl, statement_timeout: 0 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Workspaces from…to of account-management: organisation, accounts and two months of activity. */
async function generateWorkspaces(c, settings, from, to) {
  const W = WS(from, to);
  await c.query('BEGIN');
  await c.query(
    `INSERT INTO workspaces (id, name, settings) SELECT ${wsId}, '评分基准大客户部 ' || w, $1::jsonb FROM ${W}`,
    [JSON.stringify(settings)],
  );
  await c.query(
    `INSERT INTO workspace_settings_history (workspace_id, version, settings, reason)
     SELECT ${wsId}, 1, $1::jsonb, 'initial' FROM ${W}`,
    [JSON.stringify(settings)],
  );
  // Leaders exist by the end of the transaction (deferred key).
  await c.query(
    `INSERT INTO teams (id, workspace_id, name, kind, leader_id)
     SELECT ${uid(`'kam-bench-sc-t-' || w || '-' || t`)}, ${wsId}, '客户经理' || t || '组', 'account_managers',
            ${memberId(`(t - 1) * ${TEAM_SIZE} + 1`)}
     FROM ${W}, generate_series(1, ${MEMBERS / TEAM_SIZE}) AS t`,
  );
  await c.query(
    `INSERT INTO members (id, workspace_id, name, roles, team_id)
     SELECT ${uid(`'kam-bench-sc-m-' || w || '-director'`)}, ${wsId}, '总监 ' || w, '{director}'::text[], NULL
     FROM ${W}
     UNION ALL
     SELECT ${memberId('k')}, ${wsId}, '员工 ' || k,
            CASE WHEN k % ${TEAM_SIZE} = 1 THEN '{group_leader}' WHEN k % ${TEAM_SIZE} = 0 THEN '{clerk}'
                 ELSE '{account_manager}' END::text[],
            ${uid(`'kam-bench-sc-t-' || w || '-' || (1 + (k - 1) / ${TEAM_SIZE})`)}
     FROM ${W}, generate_series(1, ${MEMBERS}) AS k`,
  );
  await c.query(
    `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, owner_id, created_at,
       updated_at)
     SELECT ${accountId('k')}, ${wsId}, 'bench-sc-' || w || '-' || k, '评分基准客户' || w || '-' || k,
            (ARRAY['gold', 'diamond', 'platinum', 'white_gold', 'silver'])[1 + k % 5], 'industry', 'active',
            ${memberId('k')}, x.created, x.created
     FROM ${W}, generate_series(1, ${MEMBERS}) AS k
     CROSS JOIN LATERAL (SELECT CASE WHEN k % 20 = 1
                                  THEN ($1::date + (k % 28) + time '11:00') AT TIME ZONE '${TIME_ZONE}'
                                  ELSE timestamptz '2025-01-06T02:00:00Z' END AS created) x
     WHERE ${SALES}`,
    [`${MONTH}-01`],
  );
  for (const month of MONTHS) {
    const latest = month === MONTH;
    const d0 = `$1::date`;
    // 3 orders per sales member; the 3rd of 1 in 50 in USD (not counted, never converted).
    await c.query(
      `INSERT INTO orders (id, workspace_id, account_id, member_id, amount_minor, currency, ordered_on, created_by)
       SELECT gen_random_uuid(), ${wsId}, ${accountId('k')}, ${memberId('k')},
              100000 + abs(hashtext(w || ':' || k || ':' || i || '${month}')) % 5000000,
              CASE WHEN i = 3 AND k % 50 = 7 THEN 'USD' ELSE 'CNY' END,
              ${d0} + (k * 7 + i * 11) % 28, ${memberId('k')}
       FROM ${WS(from, to)}, generate_series(1, ${MEMBERS}) AS k, generate_series(1, 3) AS i
       WHERE ${SALES}`,
      [`${month}-01`],
    );
    // One revisit per account due in the month: done (some late), overdue (latest month only) or cancelled.
    await c.query(
      `INSERT INTO revisits (id, workspace_id, account_id, due_date, status, assignee_id, completed_at, completed_by)
       SELECT gen_random_uuid(), ${wsId}, ${accountId('k')}, ${d0} + k % 28, x.status, ${memberId('k')},
              CASE WHEN x.status = 'done'
                   THEN (${d0} + k % 28 + (k / 10) % 3 - 1 + time '10:00') AT TIME ZONE '${TIME_ZONE}' END,
              CASE WHEN x.status = 'done' THEN ${memberId('k')} END
       FROM ${W}, generate_series(1, ${MEMBERS}) AS k
       CROSS JOIN LATERAL (SELECT CASE WHEN k % 10 BETWEEN 1 AND 6 THEN 'done'
                                       WHEN k % 10 IN (7, 8) THEN ${latest ? `'overdue'` : `'done'`}
                                       ELSE 'cancelled' END AS status) x
       WHERE ${SALES}`,
      [`${month}-01`],
    );
    // A complaint on 1 account in 3, received in the month; half resolved, some of those outside the SLA.
    await c.query(
      `INSERT INTO complaints (id, workspace_id, account_id, channel, category, severity, description, received_at,
         first_response_due, resolution_due, status, first_responded_at, resolved_at, created_by)
       SELECT gen_random_uuid(), ${wsId}, ${accountId('k')}, 'phone', '产品质量', 'medium', '评分基准投诉 ' || k,
              x.received, x.received + interval '4 hours', x.received + interval '48 hours', x.status,
              CASE WHEN x.status <> 'open' THEN x.received + interval '1 hour' END,
              CASE WHEN x.status = 'resolved' THEN x.received + ((k / 3) % 72) * interval '1 hour' END,
              ${memberId('k')}
       FROM ${W}, generate_series(1, ${MEMBERS}) AS k
       CROSS JOIN LATERAL (
         SELECT (${d0} + k % 27 + time '09:00') AT TIME ZONE '${TIME_ZONE}' AS received,
                (ARRAY['open', 'in_progress', 'resolved', 'resolved'])[1 + (k / 3) % 4] AS status) x
       WHERE ${SALES} AND k % 3 = 0`,
      [`${month}-01`],
    );
    // An answered survey on 1 account in 2.
    await c.query(
      `INSERT INTO surveys (id, workspace_id, account_id, trigger, status, due_date, answered_at, scores,
         recorded_by, created_by)
       SELECT gen_random_uuid(), ${wsId}, ${accountId('k')}, 'manual', 'answered', ${d0} + 20,
              (${d0} + k % 28 + time '15:00') AT TIME ZONE '${TIME_ZONE}',
              jsonb_build_object('overall', 1 + (k / 2) % 5), ${memberId('k')}, ${memberId('k')}
       FROM ${W}, generate_series(1, ${MEMBERS}) AS k
       WHERE ${SALES} AND k % 2 = 0`,
      [`${month}-01`],
    );
  }
  await c.query('COMMIT');
}

/** Monthly sales targets in performance-evaluation: the department's (with a challenge) and each sales member's. */
async function generateTargets(c, workspaces) {
  for (const month of MONTHS) {
    const [year, index] = month.split('-').map(Number);
    await c.query(
      `INSERT INTO targets (id, workspace_id, scope, scope_id, metric, period_kind, year, period_index, value,
         challenge)
       SELECT gen_random_uuid(), ${wsId}, 'department', NULL, 'sales_amount', 'month', $2::int, $3::int, 60000000000,
              80000000000
       FROM generate_series(1, $1::int) AS w
       UNION ALL
       SELECT gen_random_uuid(), ${wsId}, 'member', ${memberId('k')}, 'sales_amount', 'month', $2::int, $3::int,
              5000000 + (k % 7) * 1000000, NULL
       FROM generate_series(1, $1::int) AS w, generate_series(1, ${MEMBERS}) AS k
       WHERE ${SALES}`,
      [workspaces, year, index],
    );
  }
}

async function generate(o) {
  const t0 = process.hrtime.bigint();
  const chunks = [];
  for (let w = 1; w <= o.workspaces; w += 2) chunks.push([w, Math.min(o.workspaces, w + 1)]);
  const worker = async () => {
    await withPg(o.databaseUrl, async (c) => {
      await c.query('SET synchronous_commit = off');
      for (;;) {
        const next = chunks.shift();
        if (!next) break;
        await generateWorkspaces(c, o.settings, next[0], next[1]);
      }
    });
  };
  await Promise.all([worker(), worker()]);
  await withPg(o.databaseUrl, async (c) => {
    for (const t of ['accounts', 'members', 'teams', 'orders', 'revisits', 'complaints', 'surveys'])
      await c.query(`VACUUM ANALYZE ${t}`);
  });
  await withPg(o.performanceDatabaseUrl, async (c) => {
    await generateTargets(c, o.workspaces);
    await c.query('VACUUM ANALYZE targets');
  });
  return seconds(t0);
}

/**
 * The floor: the same per-member figures of the month for every member of the workspaces, one statement,
 * every row sent to the client. Bounds per workspace in its own time zone, as the service computes them.
 */
const FLOOR_SQL = `
WITH ws AS (
  SELECT w.id, w.settings->>'timeZone' AS tz, $2::date AS d0, ($2::date + interval '1 month')::date AS d1,
         $2::date::timestamp AT TIME ZONE (w.settings->>'timeZone') AS t0,
         ($2::date + interval '1 month')::date::timestamp AT TIME ZONE (w.settings->>'timeZone') AS t1
  FROM workspaces w WHERE w.id = ANY($1::uuid[])),
owned AS (
  SELECT a.id, a.owner_id, a.created_at, ws.d0, ws.d1, ws.t0, ws.t1 FROM accounts a JOIN ws ON ws.id = a.workspace_id),
sales AS (
  SELECT o.member_id AS id, sum(o.amount_minor) AS amount, count(*)::int AS n
  FROM orders o JOIN ws ON ws.id = o.workspace_id
  WHERE o.currency = 'CNY' AND o.ordered_on >= ws.d0 AND o.ordered_on < ws.d1 GROUP BY o.member_id),
new_accounts AS (
  SELECT owner_id AS id, count(*)::int AS n FROM owned WHERE created_at >= t0 AND created_at < t1 GROUP BY owner_id),
rev AS (
  SELECT o.owner_id AS id, count(*)::int AS due, count(*) FILTER (WHERE r.status = 'done')::int AS done
  FROM revisits r JOIN owned o ON o.id = r.account_id
  WHERE r.status <> 'cancelled' AND r.due_date >= o.d0 AND r.due_date < o.d1 GROUP BY o.owner_id),
sat AS (
  SELECT o.owner_id AS id, round(avg((s.scores ->> 'overall')::numeric), 2) AS avg, count(*)::int AS n
  FROM surveys s JOIN owned o ON o.id = s.account_id
  WHERE s.status = 'answered' AND s.scores ->> 'overall' IS NOT NULL AND s.answered_at >= o.t0
    AND s.answered_at < o.t1 GROUP BY o.owner_id),
comp AS (
  SELECT o.owner_id AS id, count(*)::int AS received,
         count(*) FILTER (WHERE c.status IN ('resolved', 'closed'))::int AS resolved
  FROM complaints c JOIN owned o ON o.id = c.account_id
  WHERE c.received_at >= o.t0 AND c.received_at < o.t1 GROUP BY o.owner_id)
SELECT m.id, coalesce(sales.amount, 0)::text AS sales, coalesce(sales.n, 0) AS orders,
       coalesce(na.n, 0) AS new_accounts, coalesce(rev.due, 0) AS revisits_due, coalesce(rev.done, 0) AS revisits_done,
       sat.avg::text AS satisfaction_avg, coalesce(sat.n, 0) AS satisfaction_count,
       coalesce(comp.received, 0) AS complaints_received, coalesce(comp.resolved, 0) AS complaints_resolved
FROM members m JOIN ws ON ws.id = m.workspace_id
LEFT JOIN sales ON sales.id = m.id LEFT JOIN new_accounts na ON na.id = m.id LEFT JOIN rev ON rev.id = m.id
LEFT JOIN sat ON sat.id = m.id LEFT JOIN comp ON comp.id = m.id`;

/** Totals over the floor's rows, to compare with what the scorecards recorded. */
function floorTotals(rows) {
  const t = { members: rows.length, salesMinor: 0n, revisitsDue: 0, revisitsCompleted: 0, complaints: 0 };
  for (const r of rows) {
    t.salesMinor += BigInt(r.sales);
    t.revisitsDue += r.revisits_due;
    t.revisitsCompleted += r.revisits_done;
    t.complaints += r.complaints_received;
  }
  return { ...t, salesMinor: t.salesMinor.toString() };
}

/** What the scorecards of the month hold, and a digest of every card and criterion (a rerun must not move it). */
async function scorecardState(c, month, wsIds) {
  const { rows } = await c.query(
    `SELECT count(*)::int AS cards,
            coalesce(sum((s.metrics->>'salesMinor')::numeric), 0)::text AS sales,
            coalesce(sum((s.metrics->>'revisitsDue')::int), 0)::int AS revisits_due,
            coalesce(sum((s.metrics->>'revisitsCompleted')::int), 0)::int AS revisits_done,
            coalesce(sum((s.metrics->>'complaintsReceived')::int), 0)::int AS complaints,
            md5(string_agg(s.id || ':' || s.version || ':' || s.status || ':' || coalesce(s.total_hundredths, -1)
                           || ':' || s.updated_at || ':' || md5(s.metrics::text), ',' ORDER BY s.id)) AS digest
     FROM scorecards s WHERE s.month = $1 AND s.workspace_id = ANY($2::uuid[])`,
    [month, wsIds],
  );
  const items = await c.query(
    `SELECT count(*)::int AS n,
            md5(string_agg(i.scorecard_id || i.criterion_key || ':' || coalesce(i.points_hundredths, -1)
                           || ':' || coalesce(i.explanation, ''), ',' ORDER BY i.scorecard_id, i.criterion_key))
              AS digest
     FROM scorecard_items i JOIN scorecards s ON s.id = i.scorecard_id
     WHERE s.month = $1 AND s.workspace_id = ANY($2::uuid[])`,
    [month, wsIds],
  );
  return { ...rows[0], items: items.rows[0].n, itemsDigest: items.rows[0].digest };
}

/**
 * @param o.natsUrl, o.databaseUrl (account-management's role), o.performanceDatabaseUrl (performance-evaluation's
 *          role), o.settings (workspace settings), o.workspaces, o.quick, o.log
 */
async function benchScoring(o) {
  const log = o.log || (() => {});
  // Loaded before the measurements: dist/ may be rebuilt by someone else while this runs.
  const { SUBJECTS } = dist('libs/contracts/src/index.js');
  const { MEMBER_METRICS_SQL, TEAM_METRICS_SQL } = dist('apps/account-management/src/metrics/metrics.sql.js');
  const W = o.workspaces;
  const wsIds = Array.from({ length: W }, (_, k) => ids.workspace(k + 1));
  log(
    `  generating ${(W * MEMBERS).toLocaleString('en')} members in ${W} workspaces with two months of activity …`,
  );
  const generatedSeconds = await generate(o);
  log(`  generated in ${s1(generatedSeconds)} s`);
  const counts = await withPg(o.databaseUrl, async (c) => {
    const q = async (sql) => (await c.query(sql, [wsIds])).rows[0].n;
    const where = 'WHERE workspace_id = ANY($1::uuid[])';
    return {
      members: await q(`SELECT count(*)::int AS n FROM members ${where}`),
      accounts: await q(`SELECT count(*)::int AS n FROM accounts ${where}`),
      orders: await q(`SELECT count(*)::int AS n FROM orders ${where}`),
      revisits: await q(`SELECT count(*)::int AS n FROM revisits ${where}`),
      complaints: await q(`SELECT count(*)::int AS n FROM complaints ${where}`),
      surveys: await q(`SELECT count(*)::int AS n FROM surveys ${where}`),
    };
  });
  const expected = W * MEMBERS;

  const nc = await connect({ servers: o.natsUrl, ...require('./stack').benchNatsOptions() });
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const rpc = async (subject, w, data) => {
    const actor = {
      workspaceId: wsIds[w],
      memberId: '00000000-0000-0000-0000-000000000000',
      roles: [],
      requestId: randomUUID(),
      kind: 'system',
    };
    const m = await nc.request(subject, enc.encode(JSON.stringify({ actor, data })), { timeout: 600_000 });
    const reply = JSON.parse(dec.decode(m.data));
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
  const pe = new Client({ connectionString: o.performanceDatabaseUrl, statement_timeout: 0 });
  await pe.connect();
  try {
    // 1. The month, workspace after workspace.
    log(`  opening ${MONTH} for ${W} workspaces one after the other …`);
    const perWorkspace = [];
    const t0 = process.hrtime.bigint();
    for (let w = 0; w < W; w++) {
      const t = process.hrtime.bigint();
      await rpc(SUBJECTS.performance.cycleOpen, w, { month: MONTH });
      perWorkspace.push(seconds(t));
    }
    const sequentialSeconds = seconds(t0);
    const written = await scorecardState(pe, MONTH, wsIds);
    log(
      `  ${written.cards} scorecards, ${written.items} criteria in ${s1(sequentialSeconds)} s (${perWorkspace.map(s1).join(', ')})`,
    );

    // 2. A rerun of the collection changes nothing.
    log('  collecting again (must change nothing) …');
    const t1 = process.hrtime.bigint();
    for (let w = 0; w < W; w++) await rpc(SUBJECTS.performance.cycleCollect, w, { month: MONTH });
    const rerunSeconds = seconds(t1);
    const after = await scorecardState(pe, MONTH, wsIds);
    const unchanged = after.digest === written.digest && after.itemsDigest === written.itemsDigest;
    log(`  rerun in ${s1(rerunSeconds)} s, ${unchanged ? 'nothing changed' : 'CHANGED scorecards'}`);

    // 3. The other month, every workspace at once.
    let concurrent = null;
    if (!o.quick) {
      log(`  opening ${MONTH_CONCURRENT} for ${W} workspaces at once …`);
      const t2 = process.hrtime.bigint();
      await Promise.all(
        wsIds.map((_, w) => rpc(SUBJECTS.performance.cycleOpen, w, { month: MONTH_CONCURRENT })),
      );
      const s = seconds(t2);
      const state = await scorecardState(pe, MONTH_CONCURRENT, wsIds);
      concurrent = { month: MONTH_CONCURRENT, seconds: s1(s), scorecards: state.cards, items: state.items };
      log(`  ${state.cards} scorecards in ${s1(s)} s`);
    }

    // 4. The floor: one statement for every member, and the plan of one metrics batch as the service sends it.
    log('  the floor: the same aggregation as one SQL statement …');
    const floor = await withPg(o.databaseUrl, async (c) => {
      await c.query(FLOOR_SQL, [wsIds, `${MONTH}-01`]); // warm-up: the same cache state the service had
      const t = process.hrtime.bigint();
      const r = await c.query(FLOOR_SQL, [wsIds, `${MONTH}-01`]);
      const s = seconds(t);
      // Where a workspace's time goes: account-management's own statements for workspace 1, one after the
      // other through pg (the evaluated members in the service's batches, then the team totals).
      const evaluated = (
        await c.query(
          `SELECT id FROM members WHERE workspace_id = $1 AND status = 'active' AND NOT ('director' = ANY(roles))
           ORDER BY id`,
          [wsIds[0]],
        )
      ).rows.map((x) => x.id);
      const batchTimes = [];
      for (let i = 0; i < evaluated.length; i += BATCH) {
        const tb = process.hrtime.bigint();
        await c.query(MEMBER_METRICS_SQL, [
          wsIds[0],
          evaluated.slice(i, i + BATCH),
          `${MONTH}-01`,
          TIME_ZONE,
        ]);
        batchTimes.push(Number(process.hrtime.bigint() - tb) / 1e6);
      }
      const tt = process.hrtime.bigint();
      await c.query(TEAM_METRICS_SQL, [wsIds[0], `${MONTH}-01`, TIME_ZONE, null]);
      const teamsMs = Number(process.hrtime.bigint() - tt) / 1e6;
      const params = [wsIds[0], evaluated.slice(0, BATCH), `${MONTH}-01`, TIME_ZONE];
      const plan = await c.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${MEMBER_METRICS_SQL}`, params);
      return {
        seconds: s,
        rows: r.rows.length,
        totals: floorTotals(r.rows),
        batchMs: Math.round(batchTimes[0]),
        workspaceMetricsMs: Math.round(batchTimes.reduce((a, x) => a + x, 0)),
        teamsMs: Math.round(teamsMs),
        plan: plan.rows.map((x) => x['QUERY PLAN']).join('\n'),
      };
    });
    const matches =
      written.sales === floor.totals.salesMinor &&
      written.revisits_due === floor.totals.revisitsDue &&
      written.revisits_done === floor.totals.revisitsCompleted &&
      written.complaints === floor.totals.complaints;

    const result = {
      name: `open the month's cycle, ${expected.toLocaleString('en')} members in ${W} workspaces`,
      month: MONTH,
      workspaces: W,
      membersPerWorkspace: MEMBERS,
      data: { ...counts, generatedSeconds: s1(generatedSeconds) },
      expectedScorecards: expected,
      sequential: {
        seconds: s1(sequentialSeconds),
        scorecards: written.cards,
        items: written.items,
        membersPerSecond: Math.round(written.cards / sequentialSeconds),
        perWorkspaceSeconds: perWorkspace.map(s1),
      },
      rerun: { seconds: s1(rerunSeconds), unchanged },
      concurrent,
      floor: {
        description: 'one SQL statement through pg, every member of every workspace, all rows to the client',
        seconds: Math.round(floor.seconds * 100) / 100,
        rows: floor.rows,
        oneBatchMs: floor.batchMs,
        oneWorkspaceMs: { metricsBatches: floor.workspaceMetricsMs, teams: floor.teamsMs },
      },
      ratio: Math.round((sequentialSeconds / floor.seconds) * 10) / 10,
      totalsMatch: matches,
      totals: {
        scorecards: {
          salesMinor: written.sales,
          revisitsDue: written.revisits_due,
          revisitsCompleted: written.revisits_done,
          complaints: written.complaints,
        },
        floor: floor.totals,
      },
      target: `< ${TARGET_SECONDS} s${W * MEMBERS >= 100_000 ? '' : ' (for 100,000 members)'}; rerun changes nothing`,
    };
    result.met =
      written.cards === expected &&
      unchanged &&
      matches &&
      (expected >= 100_000 ? sequentialSeconds < TARGET_SECONDS : true);
    return { result, plan: floor.plan };
  } finally {
    await pe.end();
    await nc.close();
  }
}

/** The report's section, markdown lines. */
function scoringMarkdown(s, quick) {
  const r = s.result;
  const d = r.data;
  return [
    '## Monthly scoring (issue 5)',
    '',
    `${(r.workspaces * r.membersPerWorkspace).toLocaleString('en')} members in ${r.workspaces} workspaces ` +
      `(teams of 10: a group leader, 8 account managers, a clerk; plus a director, not evaluated), ` +
      `${d.accounts.toLocaleString('en')} accounts, over two months ${d.orders.toLocaleString('en')} orders, ` +
      `${d.revisits.toLocaleString('en')} revisits, ${d.complaints.toLocaleString('en')} complaints, ` +
      `${d.surveys.toLocaleString('en')} surveys; generated in ${d.generatedSeconds} s. ` +
      `Each workspace's cycle of ${r.month} opened with a NATS request \`kam.performance.cycle.open\` as a system ` +
      'caller (roster pages, metrics in batches of 2,000 over NATS, 4 in flight, team totals, scorecards and ' +
      'criteria written). Floor: the same per-member aggregation as one SQL statement through `pg`, same run.' +
      (quick ? ` **Quick run: ${r.workspaces} workspaces instead of 10; no concurrent run.**` : ''),
    '',
    '| benchmark | scorecards (expected) | criteria | seconds | members/s | floor s | ratio | rerun s / unchanged | target | met |',
    '|---|---|---|---|---|---|---|---|---|---|',
    `| ${r.name}, one workspace after the other | ${r.sequential.scorecards} (${r.expectedScorecards}) | ` +
      `${r.sequential.items} | ${r.sequential.seconds} | ${r.sequential.membersPerSecond} | ${r.floor.seconds} | ` +
      `${r.ratio} | ${r.rerun.seconds} / ${r.rerun.unchanged ? 'yes' : 'NO'} | ${r.target} | ${r.met ? 'yes' : 'NO'} |`,
    ...(r.concurrent
      ? [
          `| the same, ${r.concurrent.month}, all ${r.workspaces} workspaces at once | ${r.concurrent.scorecards} ` +
            `(${r.expectedScorecards}) | ${r.concurrent.items} | ${r.concurrent.seconds} | ` +
            `${Math.round(r.concurrent.scorecards / r.concurrent.seconds)} | — | — | — | — | — |`,
        ]
      : []),
    '',
    `Seconds per workspace (sequential): ${r.sequential.perWorkspaceSeconds.join(', ')}. ` +
      `account-management's statements for one workspace through \`pg\`, one after the other: the 5 metrics ` +
      `batches of 2,000 members ${r.floor.oneWorkspaceMs.metricsBatches} ms (the first ${r.floor.oneBatchMs} ms), ` +
      `the team totals ${r.floor.oneWorkspaceMs.teams} ms. ` +
      `Totals recorded in the scorecards ${r.totalsMatch ? 'match' : '**do not match**'} the floor's ` +
      `(sales ${r.totals.floor.salesMinor} fen, revisits due ${r.totals.floor.revisitsDue}, ` +
      `completed ${r.totals.floor.revisitsCompleted}, complaints ${r.totals.floor.complaints}).`,
    '',
    'Plan (EXPLAIN ANALYZE) of the metrics statement for one batch of 2,000 members:',
    '',
    '```',
    s.plan,
    '```',
    '',
  ];
}

module.exports = { benchScoring, scoringMarkdown };
