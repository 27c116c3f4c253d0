'use strict';
/**
 * The local stack: PostgreSQL, Redis and NATS as child processes on loopback, data under .data/<profile>/.
 * Servers given by KAM_DATABASE_URL, KAM_REDIS_URL or KAM_NATS_URL are used instead and never touched.
 */
const { spawn, execFileSync } = require('node:child_process');
const nodeCrypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { ROOT, log, which, postgresBinDir, isRoot } = require('./system');

const SERVICES = {
  gateway: 'gateway',
  'account-management': 'account_management',
  'performance-evaluation': 'performance_evaluation',
  'document-security': 'document_security',
};

const PROFILES = {
  dev: { pg: 54329, redis: 63790, nats: 42220, http: 3000 },
  test: { pg: 54339, redis: 63791, nats: 42221, http: 3100 },
  bench: { pg: 54349, redis: 63792, nats: 42222, http: 3200 },
  /** A second benchmark stack (KAM_BENCH_PROFILE=bench2), for a run beside another one. */
  bench2: { pg: 54359, redis: 63793, nats: 42223, http: 3055 },
};

/** Parallel test stacks (KAM_TEST_SLOT=1..9) get their own ports and data folder: test1, test2, … */
function profilePorts(profile) {
  if (PROFILES[profile]) return PROFILES[profile];
  const m = /^test(\d)$/.exec(profile);
  if (!m) throw new Error(`unknown profile ${profile}`);
  const n = Number(m[1]);
  const t = PROFILES.test;
  return { pg: t.pg + n * 100, redis: t.redis + n * 100, nats: t.nats + n * 100, http: t.http + n * 100 };
}

function dataDir(profile) {
  return path.join(ROOT, '.data', profile);
}

/**
 * The NATS users of a local stack: one per app, and for the tests and benchmarks `fixtures` (a user that may do
 * everything, for fixtures and assertions, like the admin database URL; never given to an app).
 */
const NATS_FIXTURES_USER = 'fixtures';
const natsSecretKey = (user) => `nats-${user}`;

/** Secrets generated once per profile and kept in .data/<profile>/secrets.json (mode 600). */
function secrets(profile) {
  const file = path.join(dataDir(profile), 'secrets.json');
  let s = {};
  if (fs.existsSync(file)) s = JSON.parse(fs.readFileSync(file, 'utf8'));
  const gen = () => nodeCrypto.randomBytes(24).toString('base64url');
  let changed = false;
  for (const key of [
    'postgres',
    'jwtSecret',
    'operatorSecret',
    'documentMasterKey',
    'crmSecretKey',
    ...Object.keys(SERVICES),
    ...[...Object.keys(SERVICES), NATS_FIXTURES_USER].map(natsSecretKey),
  ]) {
    if (!s[key]) {
      s[key] =
        key === 'jwtSecret' || key === 'operatorSecret'
          ? nodeCrypto.randomBytes(48).toString('base64url')
          : key === 'documentMasterKey' || key === 'crmSecretKey'
            ? nodeCrypto.randomBytes(32).toString('base64') // AES-256 keys: document-security, CRM credentials
            : key.startsWith('nats-')
              ? `n${gen()}` // a letter first: nats-server reads it from its environment (NATS_PASSWORD_PATTERN)
              : gen();
      changed = true;
    }
  }
  if (changed) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  }
  return s;
}

function waitForPort(port, host = '127.0.0.1', timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect({ port, host });
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline)
          reject(new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function portInUse(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function openLog(profile, name) {
  const dir = path.join(dataDir(profile), 'logs');
  fs.mkdirSync(dir, { recursive: true });
  return fs.openSync(path.join(dir, `${name}.log`), 'a');
}

function spawnServer(profile, name, cmd, args, opts = {}) {
  const out = openLog(profile, name);
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], detached: true, ...opts });
  fs.closeSync(out);
  child.unref();
  return { name, pid: child.pid, child };
}

/** Runs as the `postgres` user when we are root: PostgreSQL refuses to run as root. */
function asPostgres(cmd, args) {
  if (!isRoot()) return [cmd, args];
  return [which('runuser') || '/usr/sbin/runuser', ['-u', 'postgres', '--', cmd, ...args]];
}

/**
 * Where PostgreSQL keeps its data: .data/<profile>/postgres. When we are root and the `postgres` user cannot
 * reach that folder (a checkout under a private directory), the data goes to a folder of its own under
 * /var/lib/postgresql and .data/<profile>/postgres links to it.
 */
function postgresDir(profile) {
  const dir = path.join(dataDir(profile), 'postgres');
  if (!isRoot()) {
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }
  if (fs.existsSync(dir) && fs.lstatSync(dir).isSymbolicLink()) return fs.realpathSync(dir);
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const [c, a] = asPostgres('test', ['-w', dir]);
  try {
    execFileSync(c, a);
    return dir;
  } catch {
    const hash = nodeCrypto.createHash('sha1').update(ROOT).digest('hex').slice(0, 10);
    const alt = path.join('/var/lib/postgresql', `kam-${hash}`, profile);
    fs.rmSync(alt, { recursive: true, force: true });
    fs.mkdirSync(alt, { recursive: true });
    execFileSync('chown', ['-R', 'postgres:postgres', path.dirname(alt)]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.symlinkSync(alt, dir);
    log(`PostgreSQL cannot reach ${path.relative(ROOT, dir)} as user postgres; its data lives in ${alt}`);
    return alt;
  }
}

async function startPostgres(profile, port, password, { fast }) {
  const bin = postgresBinDir();
  const dir = postgresDir(profile);
  const pgdata = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  fs.mkdirSync(sock, { recursive: true });
  if (isRoot()) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${path.relative(ROOT, pgdata)}`);
    const pwfile = path.join(dir, '.pw');
    fs.writeFileSync(pwfile, password, { mode: 0o600 });
    if (isRoot()) execFileSync('chown', ['postgres:postgres', pwfile]);
    const [c, a] = asPostgres(path.join(bin, 'initdb'), [
      '-D',
      pgdata,
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
      `--pwfile=${pwfile}`,
    ]);
    execFileSync(c, a, { stdio: ['ignore', 'ignore', 'inherit'] });
    fs.unlinkSync(pwfile);
  }
  const settings = [
    '-D',
    pgdata,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${sock}`,
    '-c',
    'max_connections=300',
    '-c',
    'shared_buffers=256MB',
  ];
  // Tests trade durability against a power cut (not against a process crash) for speed.
  if (fast) settings.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const [c, a] = asPostgres(path.join(bin, 'postgres'), settings);
  const proc = spawnServer(profile, 'postgres', c, a);
  await waitForPort(port);
  return proc;
}

/**
 * The arguments of every Redis the stack starts (dev, test, bench; docker-compose.yml uses the same persistence).
 * Jobs and job schedulers must survive a restart of Redis: append-only file, fsync every second, data in `dir`.
 * test/e2e/job-restarts.e2e-spec.ts starts a Redis with exactly these and restarts it.
 */
function redisServerArgs(port, dir) {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--daemonize',
    'no',
    '--maxmemory-policy',
    'noeviction',
  ];
}

async function startRedis(profile, port) {
  const dir = path.join(dataDir(profile), 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const proc = spawnServer(profile, 'redis', which('redis-server'), redisServerArgs(port, dir));
  await waitForPort(port);
  return proc;
}

/** The built libs/messaging/src/nats-permissions.js (the NATS users and their permissions, ADR 0018). */
function natsPermissions(dist = path.join(ROOT, 'dist')) {
  return require(path.join(dist, 'libs', 'messaging', 'src', 'nats-permissions.js'));
}

/**
 * Writes the NATS configuration of a stack into `dir` (the users of deploy/nats-server.conf, plus `fixtures` when
 * asked) and returns the arguments and environment that start nats-server with it: the passwords travel in the
 * environment, never in the file. test/support/private-stack.ts starts its NATS the same way.
 */
function natsServer(dir, port, credentials, { dist, fixtures = false } = {}) {
  const perms = natsPermissions(dist);
  const conf = path.join(dir, 'nats-server.conf');
  fs.writeFileSync(conf, perms.natsServerConfig(fixtures ? [{ user: NATS_FIXTURES_USER }] : []), {
    mode: 0o600,
  });
  const env = { ...process.env };
  for (const { user, password } of Object.values(credentials)) env[perms.passwordVariable(user)] = password;
  const args = ['-c', conf, '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir];
  return { args, env };
}

async function startNats(profile, port, credentials, opts) {
  const dir = path.join(dataDir(profile), 'nats');
  fs.mkdirSync(dir, { recursive: true });
  const { args, env } = natsServer(dir, port, credentials, opts);
  const proc = spawnServer(profile, 'nats', which('nats-server'), args, { env });
  await waitForPort(port);
  return proc;
}

/**
 * The NATS credentials of the apps (and `fixtures`): generated per profile for a NATS this stack starts; for one
 * given by KAM_NATS_URL, read from KAM_NATS_<APP>_PASSWORD (the users named after the apps, as in
 * deploy/nats-server.conf), or none at all for a NATS without users. { [user]: { user, password } }
 */
function natsCredentials(profile, { external, dist, fixtures = false } = {}) {
  const users = [...Object.keys(SERVICES), ...(fixtures ? [NATS_FIXTURES_USER] : [])];
  if (!external) {
    const s = secrets(profile);
    return Object.fromEntries(users.map((user) => [user, { user, password: s[natsSecretKey(user)] }]));
  }
  const perms = natsPermissions(dist);
  const given = users.filter((u) => process.env[perms.passwordVariable(u)]);
  if (given.length === 0) return {};
  const missing = Object.keys(SERVICES).filter((u) => !given.includes(u));
  if (missing.length)
    throw new Error(
      `KAM_NATS_URL with NATS users: set ${missing.map((u) => perms.passwordVariable(u)).join(', ')} too`,
    );
  return Object.fromEntries(
    given.map((user) => [user, { user, password: process.env[perms.passwordVariable(user)] }]),
  );
}

/** Options of a raw NATS client as `user` (its inbox prefix included), or {} for a NATS without users. */
function natsClientOptions(credentials, user) {
  const c = credentials[user];
  if (!c) return {};
  return {
    user: c.user,
    pass: c.password,
    ...(user === NATS_FIXTURES_USER ? {} : { inboxPrefix: `_INBOX.${user}` }),
  };
}

/** Options of the benchmark's own NATS clients: the `fixtures` user scripts/bench.js put in the environment. */
function benchNatsOptions(env = process.env) {
  return env.KAM_BENCH_NATS_USER ? { user: env.KAM_BENCH_NATS_USER, pass: env.KAM_BENCH_NATS_PASSWORD } : {};
}

/**
 * Starts (or reuses) the three servers and returns their URLs and the NATS credentials of the apps.
 * `dist`: the build to take the NATS permissions from; `natsFixtures`: a NATS user `fixtures` for tests and
 * benchmarks. { adminDatabaseUrl, redisUrl, natsUrl, natsCredentials, started: [{name,pid}] }
 */
async function startServers(profile, { fast = false, dist, natsFixtures = false } = {}) {
  const ports = profilePorts(profile);
  const s = secrets(profile);
  const started = [];
  let adminDatabaseUrl = process.env.KAM_DATABASE_URL;
  let redisUrl = process.env.KAM_REDIS_URL;
  let natsUrl = process.env.KAM_NATS_URL;
  const natsOpts = { external: !!natsUrl, dist, fixtures: natsFixtures };
  const credentials = natsCredentials(profile, natsOpts);
  try {
    if (!adminDatabaseUrl) {
      if (await portInUse(ports.pg))
        throw new Error(`port ${ports.pg} is taken: is another KAM ${profile} stack running? (npm stop)`);
      started.push(await startPostgres(profile, ports.pg, s.postgres, { fast }));
      adminDatabaseUrl = `postgres://postgres:${encodeURIComponent(s.postgres)}@127.0.0.1:${ports.pg}/postgres`;
    } else log('using PostgreSQL from KAM_DATABASE_URL');
    if (!redisUrl) {
      if (await portInUse(ports.redis))
        throw new Error(`port ${ports.redis} is taken: is another KAM ${profile} stack running?`);
      started.push(await startRedis(profile, ports.redis));
      redisUrl = `redis://127.0.0.1:${ports.redis}`;
    } else log('using Redis from KAM_REDIS_URL');
    if (!natsUrl) {
      if (await portInUse(ports.nats))
        throw new Error(`port ${ports.nats} is taken: is another KAM ${profile} stack running?`);
      started.push(await startNats(profile, ports.nats, credentials, natsOpts));
      natsUrl = `nats://127.0.0.1:${ports.nats}`;
    } else
      log(
        `using NATS from KAM_NATS_URL ${Object.keys(credentials).length ? "with the apps' users" : 'without credentials (see README: your own NATS)'}`,
      );
  } catch (e) {
    await stopProcesses(started);
    throw e;
  }
  return { adminDatabaseUrl, redisUrl, natsUrl, natsCredentials: credentials, started };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM (SIGINT for PostgreSQL: fast shutdown), then SIGKILL after a grace period. In reverse order. */
async function stopProcesses(procs, graceMs = 10000) {
  for (const p of [...procs].reverse()) {
    if (!p.pid || !alive(p.pid)) continue;
    try {
      process.kill(-p.pid, p.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
    } catch {
      try {
        process.kill(p.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    const deadline = Date.now() + graceMs;
    while (alive(p.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (alive(p.pid)) {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

/** Service database URLs: same server and database, each service's own login role. */
function serviceDatabaseUrl(adminUrl, database, service, password) {
  const u = new URL(adminUrl);
  u.username = `kam_${SERVICES[service]}`;
  u.password = password;
  u.pathname = `/${database}`;
  return u.toString();
}

module.exports = {
  SERVICES,
  PROFILES,
  profilePorts,
  dataDir,
  secrets,
  startServers,
  stopProcesses,
  waitForPort,
  alive,
  serviceDatabaseUrl,
  redisServerArgs,
  spawnServer,
  openLog,
  natsServer,
  natsCredentials,
  natsClientOptions,
  benchNatsOptions,
  NATS_FIXTURES_USER,
};
