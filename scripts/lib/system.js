'use strict';
/**
 * Installs what the local stack needs when it is missing: npm packages, and the Debian packages
 * nats-server, redis-server and postgresql (apt-get, as root). Prints what it does.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

function log(msg) {
  process.stdout.write(`[kam] ${msg}\n`);
}

function which(bin) {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/sbin']) {
    const p = path.join(dir, bin);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

/** The bin folder of the newest PostgreSQL installed from Debian packages, or one on the PATH. */
function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    const versions = fs
      .readdirSync(base)
      .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(base, versions[0], 'bin');
  }
  const pg = which('postgres');
  return pg && which('initdb') ? path.dirname(fs.realpathSync(pg)) : null;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Debian's Chromium, which the browser tests of the embedded tabs drive through playwright-core. */
function chromiumPath() {
  return (
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p)) || which('chromium')
  );
}

/** `servers`: PostgreSQL, Redis and NATS; `browser`: Chromium for the e2e tests of the tabs. */
function ensureSystemPackages({ servers = true, browser = false } = {}) {
  const missing = [];
  if (servers && !which('nats-server')) missing.push('nats-server');
  if (servers && !which('redis-server')) missing.push('redis-server');
  if (servers && !postgresBinDir()) missing.push('postgresql');
  if (browser && !chromiumPath()) missing.push('chromium');
  // A Chinese font, so that the tabs' screenshots show Chinese text rather than empty boxes.
  if (browser && !fs.existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'))
    missing.push('fonts-wqy-microhei');
  if (!missing.length) return;
  const forBrowser = ['chromium', 'fonts-wqy-microhei'];
  if (!isRoot() && missing.every((p) => forBrowser.includes(p))) {
    // Not fatal: without Chromium the browser tests of the tabs are skipped (and say so).
    log(
      `missing ${missing.join(', ')} (sudo apt-get install -y ${missing.join(' ')}): the browser tests will be skipped`,
    );
    return;
  }
  if (!isRoot()) {
    throw new Error(
      `missing ${missing.join(', ')}; install them (sudo apt-get install -y ${missing.join(' ')}) ` +
        'or set KAM_DATABASE_URL, KAM_REDIS_URL and KAM_NATS_URL to servers you run yourself',
    );
  }
  log(`installing ${missing.join(', ')} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
}

/**
 * Installs npm packages when node_modules is missing or was installed from another package-lock.json
 * (compared by content, not by file times: a checkout or an editor touching the lock file is not a change).
 */
function ensureNpmPackages() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const stamp = path.join(ROOT, 'node_modules', '.kam-lock-sha1');
  const lock = path.join(ROOT, 'package-lock.json');
  const hash = require('node:crypto').createHash('sha1').update(fs.readFileSync(lock)).digest('hex');
  if (fs.existsSync(marker)) {
    const seen = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : null;
    if (seen === hash) return;
    if (seen === null) {
      // Installed by a plain `npm ci` (e.g. .ci/run): trust it and remember which lock it came from.
      fs.writeFileSync(stamp, hash);
      return;
    }
  }
  log('installing npm packages (npm ci) …');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  fs.writeFileSync(stamp, hash);
}

module.exports = {
  ROOT,
  log,
  which,
  postgresBinDir,
  chromiumPath,
  isRoot,
  ensureSystemPackages,
  ensureNpmPackages,
};
