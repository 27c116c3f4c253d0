#!/usr/bin/env node
'use strict';
/**
 * `npm test`: lint, type-check, unit tests, then e2e tests against real PostgreSQL, Redis and NATS.
 * Without KAM_DATABASE_URL / KAM_REDIS_URL / KAM_NATS_URL it starts its own servers on other ports with their
 * own data folder (.data/test), so it never touches a running `npm start`.
 * Ends with one line of jest totals: `N passed, N failed`.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, log, ensureNpmPackages, ensureSystemPackages } = require('./lib/system');

const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
// Anything after `--` goes to jest (e.g. a path pattern: `node scripts/test.js --e2e -- auth`).
const jestExtra = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
const args = new Set(dashdash >= 0 ? argv.slice(0, dashdash) : argv);
const only = (name) => !args.size || args.has(`--${name}`);
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

function run(label, cmd, cmdArgs, env) {
  log(`${label} …`);
  const t = Date.now();
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit', env: env || process.env });
  const ok = r.status === 0;
  log(`${label}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  return ok;
}

function totals(file) {
  if (!fs.existsSync(file)) return null;
  const j = JSON.parse(fs.readFileSync(file, 'utf8'));
  return {
    passed: j.numPassedTests,
    failed: j.numFailedTests,
    skipped: j.numPendingTests + (j.numTodoTests || 0),
    suitesFailed: j.numFailedTestSuites,
  };
}

async function main() {
  ensureNpmPackages();
  const external = process.env.KAM_DATABASE_URL && process.env.KAM_REDIS_URL && process.env.KAM_NATS_URL;
  // The e2e suites need the servers (unless given) and Chromium for the browser tests of the embedded tabs.
  if (only('e2e')) ensureSystemPackages({ servers: !external, browser: true });

  const outDir = path.join(ROOT, '.data', `test-results${process.env.KAM_TEST_SLOT || ''}`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const failedSteps = [];

  if (only('lint')) {
    if (!run('eslint', bin('eslint'), ['.'])) failedSteps.push('eslint');
    if (!run('prettier', bin('prettier'), ['--check', '.'])) failedSteps.push('prettier');
    if (!run('type-check', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'])) failedSteps.push('type-check');
  }
  if (only('unit')) {
    const file = path.join(outDir, 'unit.json');
    if (
      !run('unit tests', bin('jest'), [
        '--selectProjects',
        'unit',
        '--json',
        `--outputFile=${file}`,
        ...jestExtra,
      ])
    )
      failedSteps.push('unit');
  }
  if (only('e2e')) {
    const ok = await e2e(path.join(outDir, 'e2e.json'));
    if (!ok) failedSteps.push('e2e');
  }

  const results = ['unit.json', 'e2e.json'].map((f) => totals(path.join(outDir, f))).filter(Boolean);
  const sum = results.reduce(
    (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
    {
      passed: 0,
      failed: 0,
      skipped: 0,
    },
  );
  // A suite that failed to run counts as one failure, so a broken file cannot pass silently.
  const brokenSuites = results.reduce((a, r) => a + (r.failed === 0 ? r.suitesFailed : 0), 0);
  sum.failed += brokenSuites;
  if (failedSteps.length) log(`failed steps: ${failedSteps.join(', ')}`);
  process.stdout.write(
    `${sum.passed} passed, ${sum.failed} failed${sum.skipped ? `, ${sum.skipped} skipped` : ''}\n`,
  );
  process.exit(failedSteps.length || sum.failed ? 1 : 0);
}

async function e2e(resultFile) {
  const { build } = require('./build');
  const stack = require('./lib/stack');
  const { bootstrapDatabase } = require('./lib/database');
  const profile = process.env.KAM_TEST_SLOT ? `test${process.env.KAM_TEST_SLOT}` : 'test';
  log('building apps for e2e …');
  // Parallel slots build into their own folder so one run never swaps the code under another.
  const distDir = build(
    process.env.KAM_TEST_SLOT
      ? path.join(ROOT, '.data', `build-test${process.env.KAM_TEST_SLOT}`)
      : undefined,
  );
  if (!process.env.KAM_DATABASE_URL && !process.env.KAM_REDIS_URL && !process.env.KAM_NATS_URL) {
    // A fresh data folder every run: tests never depend on what an earlier run left.
    fs.rmSync(stack.dataDir(profile), { recursive: true, force: true });
  }
  const servers = await stack.startServers(profile, { fast: true, dist: distDir, natsFixtures: true });
  const stopServers = () => stack.stopProcesses(servers.started);
  process.on('SIGINT', () => void stopServers().then(() => process.exit(130)));
  try {
    const secrets = stack.secrets(profile);
    const database = 'kam_test';
    await bootstrapDatabase(servers.adminDatabaseUrl, database, secrets);
    const env = {
      ...process.env,
      KAM_TEST_PROFILE: profile,
      KAM_TEST_DIST: distDir,
      KAM_TEST_ADMIN_DATABASE_URL: servers.adminDatabaseUrl,
      KAM_TEST_DATABASE: database,
      KAM_TEST_REDIS_URL: servers.redisUrl,
      KAM_TEST_NATS_URL: servers.natsUrl,
      // { [user]: { user, password } } of the apps and `fixtures`; {} for a NATS without users.
      KAM_TEST_NATS_CREDENTIALS: JSON.stringify(servers.natsCredentials),
      KAM_TEST_SECRETS_FILE: path.join(stack.dataDir(profile), 'secrets.json'),
    };
    // The e2e suites start the apps themselves (they kill and restart them); these must not leak in.
    for (const k of [
      'KAM_DATABASE_URL',
      'KAM_REDIS_URL',
      'KAM_NATS_URL',
      'KAM_NATS_USER',
      'KAM_NATS_PASSWORD',
      'KAM_JWT_SECRET',
      'KAM_HTTP_PORT',
    ])
      delete env[k];
    return run(
      'e2e tests',
      bin('jest'),
      // --forceExit: a test that fails half way (a timeout) can leave its pending work holding a handle, and the
      // run must still end and report instead of hanging until CI gives up.
      [
        '--selectProjects',
        'e2e',
        '--runInBand',
        '--forceExit',
        '--json',
        `--outputFile=${resultFile}`,
        ...jestExtra,
      ],
      env,
    );
  } finally {
    await stopServers();
  }
}

main().catch((e) => {
  process.stderr.write(`[kam] ${e.stack || e.message}\n`);
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
});
