#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: benchmarks, each figure next to a floor measured in the same run on the same machine.
 * Writes bench-results/report.{md,json} (git-ignored). `npm run bench -- --quick` for a short run.
 *
 * 1. GET /api/v1/accounts/:id through the whole path (gateway → NATS → account-management → PostgreSQL),
 *    against a bare Node HTTP server doing the same NATS request to a bare responder doing the same
 *    primary-key SELECT with raw clients. Target: at least half the floor's throughput.
 * 2. On a generated data set of 1,000,000 key accounts in 100 workspaces (`--quick`: 100,000 in 10) with 1,000
 *    members per workspace and a year of revisits, orders and resolved complaints (lib/bench-data.js), inside the
 *    service (NATS request straight to account-management): an account_manager's first list page and Chinese
 *    substring searches, p50/p99 next to the same SQL through `pg`, with the query plans; and the bulk import
 *    rate through POST /api/v1/accounts/import in batches of 1000. Targets (issue 3): list p50 < 10 ms,
 *    search p50 < 50 ms, import ≥ 5,000 accounts/s.
 * 3. On the same data set (lib/bench-sweeps.js): the daily revisit sweep at 100,000 and 1,000,000 accounts
 *    (`--quick`: 100,000 only) and the complaint SLA sweep over 100,000 open complaints, each run per workspace
 *    through the admin endpoints, with a rerun, next to a raw BullMQ floor (bare queue, worker and QueueEvents,
 *    no-op jobs awaited one after the other). Target (issue 4): the 1M revisit sweep under 60 s.
 * 4. Monthly scoring (lib/bench-scoring.js) of 100,000 members in 10 workspaces of 10,000 (`--quick`: 2
 *    workspaces), with a month of orders, revisits, complaints and surveys: each workspace's cycle opened over
 *    NATS (roster, metrics in batches of 2,000, scorecards written), one workspace after the other and all at once,
 *    a rerun of the collection that must change nothing, next to the same per-member aggregation as one SQL
 *    statement through `pg`. Target (issue 5): 100,000 members scored in under 60 s.
 * 5. The access log (lib/bench-access-log.js): appends per second from 50 concurrent writers in one workspace
 *    through NATS `kam.documents.access-log.append` (the service's writer), and whole document views through
 *    `kam.documents.document.get` for comparison, each followed by a verification of the chain, next to 50 `pg`
 *    connections inserting the same rows one at a time; then a chain of 1,000,000 entries (`--quick`: 100,000)
 *    verified through NATS next to reading the same rows through `pg`. Targets (issue 6): ≥ 2,000 appends/s with
 *    the chain intact; 1,000,000 entries verified in under 10 s.
 * 6. Growth (lib/bench-growth.js, issue 8): the data set is generated in steps of 1, 10 and 100 workspaces
 *    (`--quick`: 1 and 10); below the final size a light point is measured at each step (list and search p50, the
 *    revisit sweep, access-log appends), and the report's growth table puts them beside the full sections' figures
 *    at the final size and monthly scoring, with the factor between sizes. Only in runs without `--only`.
 * 7. Embedded tabs (lib/bench-tabs.js, issue 7): first render of every tab × role in headless Chromium, 10 cold
 *    openings each (`--quick`: 3), next to a static page of the same size from a bare Node server, same browser.
 *    Target: p50 < 1 s.
 * 8. Soak (lib/bench-soak.js, issue 8; not in `--quick`): 5 minutes (KAM_BENCH_SOAK_SECONDS) of mixed load through
 *    the gateway while each app's VmRSS is sampled; growth after a 60 s warm-up. Target: < 10 %.
 *
 * 9. Hostile input (lib/bench-fuzz.js, issue 8; not in `--quick`): the fuzz suite on a test slot of its own, before
 *    the benchmark's stack starts; its counts (requests by status, 5xx, rejected requests that changed the
 *    database) go in the report. Target: no 5xx, no change.
 *
 * `--only <get|accounts|sweeps|scoring|access-log|tabs|soak|fuzz>` runs one section (the data set is generated only
 * for accounts and sweeps).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { ROOT, log, ensureNpmPackages, ensureSystemPackages } = require('./lib/system');

const quick = process.argv.includes('--quick');
const DURATION = quick ? 4 : 10;
const CONNECTIONS = 50;
const DATA_WORKSPACES = quick ? 10 : 100;
const ACCOUNTS_PER_WORKSPACE = 10000;
const SCORING_WORKSPACES = quick ? 2 : 10;
const SECTIONS = ['get', 'accounts', 'sweeps', 'scoring', 'access-log', 'tabs', 'soak', 'fuzz'];
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : null;
if (onlyAt >= 0 && !SECTIONS.includes(only)) {
  process.stderr.write(`[bench] --only takes one of ${SECTIONS.join(', ')}\n`);
  process.exit(2);
}
/** Whether a section runs: all of them unless `--only` names one; the soak and the fuzz are left out of `--quick`. */
const runs = (section) => (only ? only === section : !(quick && (section === 'soak' || section === 'fuzz')));
const SOAK_SECONDS = Number(process.env.KAM_BENCH_SOAK_SECONDS) || 300;

function waitReady(child, name) {
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`${name} did not start: ${out}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited ${code}: ${out}`)));
  });
}

async function load(url, headers, duration) {
  const autocannon = require('autocannon');
  const r = await autocannon({ url, connections: CONNECTIONS, duration, headers, pipelining: 1 });
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    total: r.requests.total,
  };
}

function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0] ? cpus[0].model.trim() : 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** 1. GET /api/v1/accounts/:id through the whole path, against the floor (bare HTTP + raw NATS + raw pg). */
async function benchGet(servers, secrets, amDatabaseUrl, httpPort, base, extra) {
  const { signUserToken } = require(path.join(ROOT, 'dist/apps/gateway/src/auth/token.service.js'));
  const { DEMO_MEMBERS, DEMO_WORKSPACE, demoAccounts } = require(
    path.join(ROOT, 'dist/apps/account-management/src/seed/demo-workspace.js'),
  );
  const am = DEMO_MEMBERS.find((m) => m.roles.includes('account_manager'));
  const account = demoAccounts().find((a) => a.ownerId === am.id);
  const token = await signUserToken(
    new TextEncoder().encode(secrets.jwtSecret),
    { sub: am.id, workspaceId: DEMO_WORKSPACE.id, roles: am.roles },
    3600,
  );

  // The floor: same NATS request, same SELECT, raw clients, separate processes like the real path.
  const floorPort = httpPort + 1;
  const floorEnv = {
    ...process.env,
    FLOOR_NATS_URL: servers.natsUrl,
    FLOOR_DATABASE_URL: amDatabaseUrl,
    FLOOR_WORKSPACE_ID: DEMO_WORKSPACE.id,
    FLOOR_PORT: String(floorPort),
  };
  const responder = spawn(process.execPath, [path.join(ROOT, 'test/bench/floor-responder.js')], {
    env: floorEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  extra.push(responder);
  await waitReady(responder, 'floor responder');
  const floorHttp = spawn(process.execPath, [path.join(ROOT, 'test/bench/floor-http.js')], {
    env: floorEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  extra.push(floorHttp);
  await waitReady(floorHttp, 'floor http');

  const kamUrl = `${base}/api/v1/accounts/${account.id}`;
  const floorUrl = `http://127.0.0.1:${floorPort}/accounts/${account.id}`;
  const auth = { authorization: `Bearer ${token}` };
  log(`warming up …`);
  await load(kamUrl, auth, 3);
  await load(floorUrl, {}, 3);
  // Two rounds, alternating floor and KAM, so drift of this shared machine falls on both alike.
  log(`measuring GET /api/v1/accounts/:id, ${CONNECTIONS} connections, 2 × ${DURATION / 2} s each …`);
  const rounds = [];
  for (let i = 0; i < 2; i++)
    rounds.push({
      floor: await load(floorUrl, {}, DURATION / 2),
      kam: await load(kamUrl, auth, DURATION / 2),
    });
  const merge = (xs) => ({
    requestsPerSecond: Math.round(xs.reduce((a, x) => a + x.requestsPerSecond, 0) / xs.length),
    p50ms: Math.max(...xs.map((x) => x.p50ms)),
    p99ms: Math.max(...xs.map((x) => x.p99ms)),
    non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
    errors: xs.reduce((a, x) => a + x.errors, 0),
    timeouts: xs.reduce((a, x) => a + x.timeouts, 0),
    total: xs.reduce((a, x) => a + x.total, 0),
  });
  const floor = merge(rounds.map((r) => r.floor));
  const kam = merge(rounds.map((r) => r.kam));
  const ratio = kam.requestsPerSecond / floor.requestsPerSecond;
  return {
    name: 'GET /api/v1/accounts/:id (whole path)',
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    kam,
    floor: {
      description: 'bare Node HTTP + raw NATS request + bare responder + raw pg SELECT',
      ...floor,
    },
    ratio: Math.round(ratio * 1000) / 1000,
    target: '≥ 0.5 of the floor throughput',
    met: ratio >= 0.5 && kam.non2xx === 0,
  };
}

function getMarkdown(benchmarks) {
  const { kam } = benchmarks[0];
  return [
    '| benchmark | KAM req/s | KAM p50 / p99 ms | floor req/s | floor p50 / p99 ms | ratio | target | met |',
    '|---|---|---|---|---|---|---|---|',
    ...benchmarks.map(
      (b) =>
        `| ${b.name} | ${b.kam.requestsPerSecond} | ${b.kam.p50ms} / ${b.kam.p99ms} | ${b.floor.requestsPerSecond} | ${b.floor.p50ms} / ${b.floor.p99ms} | ${b.ratio} | ${b.target} | ${b.met ? 'yes' : 'NO'} |`,
    ),
    '',
    `Floor: ${benchmarks[0].floor.description}, measured in the same run.`,
    `KAM errors: non-2xx ${kam.non2xx}, errors ${kam.errors}, timeouts ${kam.timeouts}.`,
    '',
  ];
}

function accountsMarkdown(dataSet, report) {
  return [
    `## Key accounts on a generated data set`,
    '',
    `${dataSet.accounts.toLocaleString('en')} key accounts in ${dataSet.workspaces} workspaces ` +
      `(${dataSet.accountsPerWorkspace.toLocaleString('en')} each, owned 200 each by 50 account managers) with ` +
      `${dataSet.membersPerWorkspace.toLocaleString('en')} members per workspace ` +
      `(${dataSet.rows.members.toLocaleString('en')} in all, in ${dataSet.rows.teams.toLocaleString('en')} teams) ` +
      `and a year of history before ${dataSet.historyUntil}: ${dataSet.rows.revisits.toLocaleString('en')} ` +
      `revisits, ${dataSet.rows.orders.toLocaleString('en')} orders, ` +
      `${dataSet.rows.complaints.toLocaleString('en')} resolved complaints; generated in ` +
      `${dataSet.generatedSeconds} s (statement seconds per table, 2 connections: ` +
      `${Object.entries(dataSet.generatedTableSeconds)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}).${quick ? ` **Quick run: ${dataSet.note}.**` : ''}`,
    '',
    'List and search: sequential NATS requests straight to account-management (no gateway), each a different ' +
      "member or workspace in turn. Floor: the service's own SQL for the same request through `pg`, same run.",
    '',
    '| benchmark | KAM p50 / p99 ms | floor p50 / p99 ms | requests | target | met |',
    '|---|---|---|---|---|---|',
    ...report.accounts
      .filter((b) => b.kam)
      .map(
        (b) =>
          `| ${b.name} | ${b.kam.p50ms} / ${b.kam.p99ms} | ${b.floor.p50ms} / ${b.floor.p99ms} | ${b.kam.n} | ${b.target} | ${b.met ? 'yes' : 'NO'} |`,
      ),
    '',
    '| benchmark | accounts | seconds | accounts/s | batch p50 / p99 ms | target | met |',
    '|---|---|---|---|---|---|---|',
    ...report.accounts
      .filter((b) => b.import)
      .map(
        (b) =>
          `| ${b.name} | ${b.import.accounts} | ${b.import.seconds} | ${b.import.accountsPerSecond} | ${b.import.batch.p50ms} / ${b.import.batch.p99ms} | ${b.target} | ${b.met === null ? '—' : b.met ? 'yes' : 'NO'} |`,
      ),
    '',
  ];
}

async function main() {
  ensureNpmPackages();
  ensureSystemPackages();
  const { build } = require('./build');
  const stack = require('./lib/stack');
  const { bootstrapDatabase, withClient } = require('./lib/database');
  const apps = require('./lib/apps');
  // KAM_BENCH_PROFILE=bench2: a second stack on other ports and data folder, beside a running benchmark.
  const profile = process.env.KAM_BENCH_PROFILE === 'bench2' ? 'bench2' : 'bench';

  log('building …');
  build();
  // Before the benchmark's stack starts, so that it measures nothing else's load.
  const fuzz = runs('fuzz') ? require('./lib/bench-fuzz').benchFuzz({ profile, log }) : null;
  fs.rmSync(stack.dataDir(profile), { recursive: true, force: true });
  const servers = await stack.startServers(profile, { dist: path.join(ROOT, 'dist'), natsFixtures: true });
  // The benchmark's own NATS clients (fixtures, floors) sign in as the `fixtures` user (ADR 0018).
  const fixturesNats = stack.natsClientOptions(servers.natsCredentials, stack.NATS_FIXTURES_USER);
  if (fixturesNats.user) {
    process.env.KAM_BENCH_NATS_USER = fixturesNats.user;
    process.env.KAM_BENCH_NATS_PASSWORD = fixturesNats.pass;
  }
  const procs = [...servers.started];
  const extra = [];
  try {
    const secrets = stack.secrets(profile);
    const database = 'kam_bench';
    await bootstrapDatabase(servers.adminDatabaseUrl, database, secrets);
    const httpPort = stack.profilePorts(profile).http;
    const ctx = { ...servers, profile, database, secrets, httpPort, devAuth: false, logLevel: 'warn' };
    if (runs('get') || runs('soak') || runs('tabs')) {
      const seed = spawnSync(
        process.execPath,
        [path.join(ROOT, 'dist/apps/account-management/src/seed/main.js')],
        {
          env: apps.appEnv('account-management', ctx),
          encoding: 'utf8',
        },
      );
      if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
    }
    const amDatabaseUrl = stack.serviceDatabaseUrl(
      servers.adminDatabaseUrl,
      database,
      'account-management',
      secrets['account-management'],
    );
    const running = apps.APPS.map((a) => apps.startApp(a, ctx));
    procs.push(...running);
    const base = `http://127.0.0.1:${httpPort}`;
    await apps.waitHealthy(base, running);

    const benchmarks = [];
    if (runs('get')) benchmarks.push(await benchGet(servers, secrets, amDatabaseUrl, httpPort, base, extra));

    // The data set is written after the benchmark above, so that one runs as it always did, and the server is
    // left quiet (a checkpoint after the load) before the next measurements.
    let dataSet = null;
    let inService = null;
    let sweeps = null;
    const settings = require(
      path.join(ROOT, 'dist/apps/account-management/src/domain/settings.js'),
    ).DEFAULT_SETTINGS;
    const dsDatabaseUrl = stack.serviceDatabaseUrl(
      servers.adminDatabaseUrl,
      database,
      'document-security',
      secrets['document-security'],
    );
    const growthOptions = {
      natsUrl: servers.natsUrl,
      databaseUrl: amDatabaseUrl,
      amDatabaseUrl,
      dsDatabaseUrl,
      baseUrl: base,
      jwtSecret: secrets.jwtSecret,
      settings,
    };
    const growthPoints = [];
    if (runs('accounts') || runs('sweeps')) {
      const total = DATA_WORKSPACES * ACCOUNTS_PER_WORKSPACE;
      const { generate, countRows, MEMBERS_PER_WORKSPACE, AS_OF } = require('./lib/bench-data');
      // Generated in steps (1, 10, 100 workspaces); on a full run a light growth point is measured at each step
      // below the final size (lib/bench-growth.js).
      const steps = [1, 10, 100].filter((w) => w < DATA_WORKSPACES).concat(DATA_WORKSPACES);
      let generatedSeconds = 0;
      const timings = {};
      let from = 1;
      for (const upTo of steps) {
        log(
          `generating key accounts: workspaces ${from}-${upTo} of ${DATA_WORKSPACES} (${total.toLocaleString('en')} in all) …`,
        );
        generatedSeconds += await generate({
          databaseUrl: amDatabaseUrl,
          settings,
          workspaces: upTo,
          from,
          perWorkspace: ACCOUNTS_PER_WORKSPACE,
          log,
          timings,
        });
        from = upTo + 1;
        if (upTo < DATA_WORKSPACES && !only) {
          await withClient(servers.adminDatabaseUrl, (c) => c.query('CHECKPOINT'));
          growthPoints.push(await require('./lib/bench-growth').growthPoint(growthOptions, upTo, log));
        }
      }
      dataSet = {
        workspaces: DATA_WORKSPACES,
        accountsPerWorkspace: ACCOUNTS_PER_WORKSPACE,
        accounts: total,
        membersPerWorkspace: MEMBERS_PER_WORKSPACE,
        historyUntil: AS_OF.slice(0, 10),
        rows: await countRows(amDatabaseUrl, DATA_WORKSPACES),
        generatedSeconds: Math.round(generatedSeconds * 10) / 10,
        // Seconds each table's statements took, summed over the generator's connections (2 at a time).
        generatedTableSeconds: Object.fromEntries(
          Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10]),
        ),
        note: quick ? '100,000 accounts in 10 workspaces instead of 1,000,000 in 100' : undefined,
      };
      await withClient(servers.adminDatabaseUrl, (c) => c.query('CHECKPOINT'));
    }
    if (runs('accounts')) {
      log('measuring list, search and import on the data set …');
      const { benchAccounts } = require('./lib/bench-accounts');
      inService = await benchAccounts({
        natsUrl: servers.natsUrl,
        databaseUrl: amDatabaseUrl,
        baseUrl: base,
        jwtSecret: secrets.jwtSecret,
        workspaces: DATA_WORKSPACES,
        quick,
      });
    }
    if (runs('sweeps')) {
      log('measuring the revisit and complaint sweeps …');
      const { benchSweeps } = require('./lib/bench-sweeps');
      sweeps = await benchSweeps({
        databaseUrl: amDatabaseUrl,
        redisUrl: servers.redisUrl,
        baseUrl: base,
        jwtSecret: secrets.jwtSecret,
        workspaces: DATA_WORKSPACES,
        quick,
        log,
      });
    }
    let scoring = null;
    if (runs('scoring')) {
      log('measuring the monthly scoring …');
      await withClient(servers.adminDatabaseUrl, (c) => c.query('CHECKPOINT'));
      const { benchScoring } = require('./lib/bench-scoring');
      scoring = await benchScoring({
        natsUrl: servers.natsUrl,
        databaseUrl: amDatabaseUrl,
        performanceDatabaseUrl: stack.serviceDatabaseUrl(
          servers.adminDatabaseUrl,
          database,
          'performance-evaluation',
          secrets['performance-evaluation'],
        ),
        settings: require(path.join(ROOT, 'dist/apps/account-management/src/domain/settings.js'))
          .DEFAULT_SETTINGS,
        workspaces: SCORING_WORKSPACES,
        quick,
        log,
      });
    }

    let accessLog = null;
    if (runs('access-log')) {
      log('measuring the access log …');
      await withClient(servers.adminDatabaseUrl, (c) => c.query('CHECKPOINT'));
      const { benchAccessLog } = require('./lib/bench-access-log');
      accessLog = await benchAccessLog({
        ...growthOptions,
        quick,
        log,
      });
    }
    let tabs = null;
    if (runs('tabs')) {
      log('measuring the first render of the embedded tabs …');
      await withClient(servers.adminDatabaseUrl, (c) => c.query('CHECKPOINT'));
      tabs = await require('./lib/bench-tabs').benchTabs({
        baseUrl: base,
        jwtSecret: secrets.jwtSecret,
        quick,
        log,
      });
    }
    let soak = null;
    if (runs('soak')) {
      log(`soak: ${SOAK_SECONDS} s of mixed load, sampling each app's memory …`);
      await withClient(servers.adminDatabaseUrl, (c) => c.query('CHECKPOINT'));
      soak = await require('./lib/bench-soak').benchSoak({
        baseUrl: base,
        jwtSecret: secrets.jwtSecret,
        apps: running.map((a) => ({ name: a.name, pid: a.pid })),
        seconds: SOAK_SECONDS,
        warmupSeconds: Math.min(60, Math.round(SOAK_SECONDS / 5)),
        log,
      });
    }
    const growth =
      !only && dataSet
        ? require('./lib/bench-growth').growthTable({
            points: growthPoints,
            dataSet,
            accounts: inService?.results,
            sweeps,
            scoring: scoring?.result,
            accessLog,
            quick,
          })
        : null;

    const report = {
      date: new Date().toISOString(),
      machine: machine(),
      quick,
      only: only ?? undefined,
      benchmarks,
      dataSet,
      accounts: inService?.results ?? null,
      plans: inService?.plans ?? null,
      sweeps,
      scoring: scoring?.result ?? null,
      scoringPlan: scoring?.plan ?? null,
      accessLog,
      growth,
      tabs,
      soak,
      fuzz,
    };
    const outDir = path.join(ROOT, 'bench-results');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(report, null, 2));
    const md = [
      `# KAM benchmark report`,
      '',
      `${report.date} · ${report.machine}${quick ? ' · quick run' : ''}${only ? ` · only ${only}` : ''}`,
      '',
      ...(benchmarks.length ? getMarkdown(benchmarks) : []),
      ...(inService ? accountsMarkdown(dataSet, report) : []),
      ...(sweeps ? require('./lib/bench-sweeps').sweepsMarkdown(sweeps, quick) : []),
      ...(scoring ? require('./lib/bench-scoring').scoringMarkdown(scoring, quick) : []),
      ...(accessLog ? require('./lib/bench-access-log').accessLogMarkdown(accessLog, quick) : []),
      ...(growth ? require('./lib/bench-growth').growthMarkdown(growth) : []),
      ...(tabs ? require('./lib/bench-tabs').tabsMarkdown(tabs) : []),
      ...(soak ? require('./lib/bench-soak').soakMarkdown(soak) : []),
      ...(fuzz ? require('./lib/bench-fuzz').fuzzMarkdown(fuzz) : []),
      ...(inService
        ? Object.entries(report.plans).flatMap(([k, plan]) => [
            `Plan (EXPLAIN ANALYZE) of ${k === 'list' ? "the account_manager's first page" : `the search (${k})`}:`,
            '',
            '```',
            plan,
            '```',
            '',
          ])
        : []),
    ].join('\n');
    fs.writeFileSync(path.join(outDir, 'report.md'), md);
    process.stdout.write(`\n${md}\n`);
    const all = [
      ...benchmarks,
      ...(report.accounts ?? []),
      ...(sweeps ? [...sweeps.revisits, sweeps.complaints] : []),
      ...(scoring ? [scoring.result] : []),
      ...(accessLog ? [accessLog.appends, accessLog.views, accessLog.verify] : []),
      ...(tabs?.tabs ?? []),
      ...(soak ? [soak] : []),
      ...(fuzz ? [fuzz] : []),
    ];
    if (!all.every((b) => b.met !== false)) process.exitCode = 1;
  } finally {
    for (const c of extra) c.kill('SIGTERM');
    await stack.stopProcesses(procs);
  }
}

main().catch((e) => {
  process.stderr.write(`[bench] ${e.stack || e.message}\n`);
  process.exit(1);
});
