#!/usr/bin/env node
'use strict';
/**
 * `npm start`: from a fresh machine to a running KAM with a seeded demo workspace.
 * `npm stop`: stops what `npm start` started, and nothing else.
 * `npm run kam -- operator-token [--name <operator>] [--hours <h>]`: a deployment operator's token (the raw job
 *   console of every workspace), signed with KAM_OPERATOR_SECRET or the profile's generated secret.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, log, ensureNpmPackages, ensureSystemPackages } = require('./lib/system');

const PROFILE = 'dev';
const pidFile = () => path.join(ROOT, '.data', PROFILE, 'kam.pids.json');

async function start() {
  ensureNpmPackages();
  const externalAll = process.env.KAM_DATABASE_URL && process.env.KAM_REDIS_URL && process.env.KAM_NATS_URL;
  if (!externalAll) ensureSystemPackages();

  const { build } = require('./build');
  const stack = require('./lib/stack');
  const { bootstrapDatabase } = require('./lib/database');
  const apps = require('./lib/apps');
  const { seedPerformance } = require('./lib/seed-performance');
  const { seedDocuments } = require('./lib/seed-documents');

  if (fs.existsSync(pidFile())) {
    const old = JSON.parse(fs.readFileSync(pidFile(), 'utf8'));
    if (stack.alive(old.supervisor))
      throw new Error(`KAM is already running (pid ${old.supervisor}); npm stop first`);
    await stack.stopProcesses(old.children || []);
  }

  log('building …');
  build();

  const httpPort = Number(process.env.KAM_HTTP_PORT || stack.PROFILES[PROFILE].http);
  const servers = await stack.startServers(PROFILE, { dist: path.join(ROOT, 'dist') });
  const children = [...servers.started];
  const record = () =>
    fs.writeFileSync(
      pidFile(),
      JSON.stringify(
        { supervisor: process.pid, children: children.map(({ name, pid }) => ({ name, pid })) },
        null,
        2,
      ),
    );
  record();

  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping …');
    await stack.stopProcesses(children);
    fs.rmSync(pidFile(), { force: true });
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    const secrets = stack.secrets(PROFILE);
    const database = process.env.KAM_DATABASE_URL
      ? new URL(process.env.KAM_DATABASE_URL).pathname.slice(1) || 'postgres'
      : 'kam';
    await bootstrapDatabase(servers.adminDatabaseUrl, database, secrets);
    const ctx = apps.startContext(servers, { profile: PROFILE, database, secrets, httpPort });

    const seed = spawnSync(
      process.execPath,
      [path.join(ROOT, 'dist/apps/account-management/src/seed/main.js')],
      {
        env: apps.appEnv('account-management', ctx),
        encoding: 'utf8',
      },
    );
    if (seed.status !== 0) throw new Error(`seeding failed: ${seed.stderr || seed.stdout}`);
    log(seed.stdout.trim());

    const running = new Map();
    const launch = (app) => {
      const p = apps.startApp(app, ctx);
      // The supervisor stays in the foreground while it has apps to watch (startApp unrefs them for the scripts
      // that only start and leave): Ctrl-C or `npm stop` ends it, and a crashed app is started again.
      p.child.ref();
      running.set(app, p);
      const idx = children.findIndex((c) => c.name === app);
      if (idx >= 0) children[idx] = p;
      else children.push(p);
      record();
      // A crashed app is restarted (acknowledged writes are in PostgreSQL, jobs in Redis, events in JetStream).
      p.child.on('exit', (code, signal) => {
        if (stopping) return;
        log(`${app} exited (${signal || code}); restarting in 1 s`);
        setTimeout(() => !stopping && launch(app), 1000);
      });
    };
    for (const app of apps.APPS) launch(app);
    const base = `http://127.0.0.1:${httpPort}`;
    await apps.waitHealthy(base, [...running.values()], 90000);
    const perf = await seedPerformance(base, process.env.KAM_JWT_SECRET || secrets.jwtSecret);
    if (!perf.skipped) log(`seeded performance: months ${perf.closed.join(', ')} locked, ${perf.open} open`);
    const docs = await seedDocuments(base, process.env.KAM_JWT_SECRET || secrets.jwtSecret);
    if (!docs.skipped)
      log(`seeded documents: ${docs.documents} at every level, policies, grants and an access log`);
    await printWelcome(base, secrets, ctx);
  } catch (e) {
    log(`start failed: ${e.message}`);
    await shutdown(1);
  }
}

async function printWelcome(base, secrets, ctx) {
  const { signUserToken } = require(path.join(ROOT, 'dist/apps/gateway/src/auth/token.service.js'));
  const { DEMO_MEMBERS, DEMO_WORKSPACE } = require(
    path.join(ROOT, 'dist/apps/account-management/src/seed/demo-workspace.js'),
  );
  const key = new TextEncoder().encode(process.env.KAM_JWT_SECRET || secrets.jwtSecret);
  const lines = [];
  let adminToken;
  for (const m of DEMO_MEMBERS.filter((x) => x.showcase)) {
    const token = await signUserToken(
      key,
      { sub: m.id, workspaceId: DEMO_WORKSPACE.id, roles: m.roles },
      24 * 3600,
    );
    if (m.roles.includes('admin')) adminToken = token;
    lines.push(`  ${m.roles[0].padEnd(26)} ${m.name}\n    ${token}`);
  }
  const operatorToken = await mintOperatorToken(secrets, 'operator', 24);
  lines.push(
    `  ${'deployment operator'.padEnd(26)} (not a workspace member; the job console of every workspace)\n    ${operatorToken}`,
  );
  const tokensFile = path.join(ROOT, '.data', PROFILE, 'tokens.txt');
  fs.writeFileSync(tokensFile, lines.join('\n') + '\n', { mode: 0o600 });
  const out = [
    '',
    'KAM is running. 大客户管理模块已启动。',
    '',
    `  API docs        ${base}/api/docs`,
    `  Health          ${base}/health`,
    `  Job console     ${base}/admin/queues?token=<admin token>   (an admin: their workspace's jobs; the operator: every queue)`,
    `  Tabs            ${base}/tabs`,
    `  Accounts API    ${base}/api/v1/accounts`,
    '',
    `  PostgreSQL      ${ctx.adminDatabaseUrl.replace(/:[^:@/]*@/, ':***@')}  database ${ctx.database}`,
    `  Redis           ${ctx.redisUrl}`,
    `  NATS            ${ctx.natsUrl}  ${Object.keys(ctx.natsCredentials).length ? `a user per app (passwords in .data/${PROFILE}/secrets.json)` : 'without credentials'}`,
    `  Logs            .data/${PROFILE}/logs/`,
    '',
    `Demo workspace ${DEMO_WORKSPACE.id} (Asia/Shanghai). Tokens, valid 24 h (also in .data/${PROFILE}/tokens.txt):`,
    ...lines,
    '',
    'Try:',
    `  curl -H "Authorization: Bearer <account_manager token>" ${base}/api/v1/accounts`,
    `  open ${base}/admin/queues?token=${adminToken ? adminToken.slice(0, 12) + '…' : '<admin token>'}`,
    '',
    'Ctrl-C or `npm stop` stops everything this started.',
    '',
  ];
  process.stdout.write(out.join('\n'));
}

function mintOperatorToken(secrets, name, hours) {
  const { signOperatorToken } = require(path.join(ROOT, 'dist/apps/gateway/src/auth/operator.service.js'));
  const secret = process.env.KAM_OPERATOR_SECRET || secrets.operatorSecret;
  return signOperatorToken(secret, name, Math.round(hours * 3600));
}

async function operatorToken(args) {
  const opt = (flag, fallback) => {
    const i = args.indexOf(flag);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const hours = Number(opt('--hours', '8'));
  const max = Number(process.env.KAM_TOKEN_MAX_LIFETIME_HOURS || 24);
  if (!(hours > 0 && hours <= max)) throw new Error(`--hours must be between 0 and ${max}`);
  if (!fs.existsSync(path.join(ROOT, 'dist/apps/gateway/src/auth/operator.service.js')))
    require('./build').build();
  const secrets = require('./lib/stack').secrets(PROFILE);
  process.stdout.write(`${await mintOperatorToken(secrets, opt('--name', 'operator'), hours)}\n`);
}

async function stop() {
  const stack = require('./lib/stack');
  if (!fs.existsSync(pidFile())) {
    log('nothing to stop');
    return;
  }
  const rec = JSON.parse(fs.readFileSync(pidFile(), 'utf8'));
  if (stack.alive(rec.supervisor)) {
    process.kill(rec.supervisor, 'SIGTERM');
    const deadline = Date.now() + 30000;
    while (stack.alive(rec.supervisor) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }
  await stack.stopProcesses(rec.children || []);
  fs.rmSync(pidFile(), { force: true });
  log('stopped');
}

const cmd = process.argv[2];
const commands = { start, stop, 'operator-token': () => operatorToken(process.argv.slice(3)) };
if (!commands[cmd || 'start']) {
  process.stderr.write(`[kam] unknown command ${cmd}; one of: ${Object.keys(commands).join(', ')}\n`);
  process.exit(2);
}
commands[cmd || 'start']().catch((e) => {
  process.stderr.write(`[kam] ${e.stack || e.message}\n`);
  process.exit(1);
});
