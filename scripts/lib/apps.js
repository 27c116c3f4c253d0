'use strict';
/** Starts the four built apps as child processes with their configuration. */
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { spawn } = require('node:child_process');
const { ROOT } = require('./system');
const { serviceDatabaseUrl, openLog, alive } = require('./stack');

const APPS = ['account-management', 'performance-evaluation', 'document-security', 'gateway'];

function entry(app) {
  return path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
}

/**
 * What `npm start` hands every app: the servers, the profile's secrets, the port. The development token mint
 * (POST /api/v1/dev/token) stays off unless the user sets KAM_DEV_AUTH=1 themselves (issue 14, point 3): the
 * demo tokens `npm start` prints are signed by the script, not minted over HTTP.
 */
function startContext(servers, opts, env = process.env) {
  return { ...servers, ...opts, devAuth: env.KAM_DEV_AUTH === '1' };
}

/** The environment of one app: its own database role, the shared Redis and NATS. */
function appEnv(app, ctx) {
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV || 'production',
    KAM_DATABASE_URL: serviceDatabaseUrl(ctx.adminDatabaseUrl, ctx.database, app, ctx.secrets[app]),
    KAM_REDIS_URL: ctx.redisUrl,
    KAM_NATS_URL: ctx.natsUrl,
    KAM_LOG_LEVEL: ctx.logLevel || process.env.KAM_LOG_LEVEL || 'info',
  };
  // The app's own NATS user (ADR 0018); none for a NATS of the user's that has no users.
  const nats = (ctx.natsCredentials || {})[app];
  if (nats) {
    env.KAM_NATS_USER = nats.user;
    env.KAM_NATS_PASSWORD = nats.password;
  } else {
    delete env.KAM_NATS_USER;
    delete env.KAM_NATS_PASSWORD;
  }
  if (app === 'gateway') {
    env.KAM_HTTP_PORT = String(ctx.httpPort);
    env.KAM_JWT_SECRET = process.env.KAM_JWT_SECRET || ctx.secrets.jwtSecret;
    env.KAM_DEV_AUTH = ctx.devAuth ? '1' : '0';
    // The deployment operator's credential (issue 14): the raw job console and, later, provisioning.
    env.KAM_OPERATOR_SECRET = process.env.KAM_OPERATOR_SECRET || ctx.secrets.operatorSecret;
    env.KAM_CRM_SECRET_KEY = process.env.KAM_CRM_SECRET_KEY || ctx.secrets.crmSecretKey;
  }
  if (app === 'document-security')
    env.KAM_DOCUMENT_MASTER_KEYS =
      process.env.KAM_DOCUMENT_MASTER_KEYS || `k1:${ctx.secrets.documentMasterKey}`;
  return env;
}

function startApp(app, ctx, { logName } = {}) {
  const out = openLog(ctx.profile, logName || app);
  // KAM_NODE_ARGS: extra node flags for the apps, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` when profiling.
  const extra = (process.env.KAM_NODE_ARGS || '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, ['--enable-source-maps', ...extra, entry(app)], {
    cwd: ROOT,
    env: appEnv(app, ctx),
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  child.unref();
  return { name: app, pid: child.pid, child };
}

function getJson(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, body: JSON.parse(body) });
        } catch {
          resolve({ status: res.statusCode, body });
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: null }));
  });
}

/** Waits until GET /health answers 200 (everything up), or fails naming what is down. */
async function waitHealthy(baseUrl, procs, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    const dead = procs.filter((p) => !alive(p.pid));
    if (dead.length)
      throw new Error(`${dead.map((p) => p.name).join(', ')} exited during start-up (see .data/*/logs)`);
    last = await getJson(`${baseUrl}/health`);
    if (last.status === 200) return last.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not healthy after ${timeoutMs} ms: ${JSON.stringify(last && last.body)}`);
}

module.exports = { APPS, entry, appEnv, startContext, startApp, waitHealthy, getJson };
