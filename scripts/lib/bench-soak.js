'use strict';
/**
 * Soak (issue 8, point 5): minutes of steady mixed load through the gateway while the resident memory of each of
 * the four apps the bench started is sampled from /proc/<pid>/status (VmRSS). The load, 20 connections with
 * autocannon cycling through: an account GET, the first page of the account list, a new communication record on
 * that account (a write: a row and an outbox event), the account's records. As an account_manager of the demo
 * workspace, on their own accounts. Memory is compared between the end of the warm-up and the end of the run,
 * each as the low-water mark of the samples in its last 30 s: garbage collection saws RSS up and down by tens of
 * MiB under load, and a leak shows as a rising floor, which the minimum of a window follows while a median or a
 * single sample lands anywhere on the saw. The medians are reported too. Target: each app grows less than 10 %
 * after warm-up.
 */
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./system');

const dist = (p) => require(path.join(ROOT, 'dist', p));
const CONNECTIONS = 20;
const SAMPLE_MS = 2000;
/** The windows compared: the last WINDOW_S seconds of the warm-up and of the run. */
const WINDOW_S = 30;

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
const mib = (kib) => (kib === null ? null : Math.round((kib / 1024) * 10) / 10);

/**
 * @param o.baseUrl, o.jwtSecret, o.apps ([{ name, pid }]), o.seconds (total, 300), o.warmupSeconds (60), o.log
 */
async function benchSoak(o) {
  const autocannon = require('autocannon');
  const log = o.log || (() => {});
  const seconds = o.seconds ?? 300;
  const warmup = o.warmupSeconds ?? 60;
  const { signUserToken } = dist('apps/gateway/src/auth/token.service.js');
  const { DEMO_MEMBERS, DEMO_WORKSPACE, demoAccounts } = dist(
    'apps/account-management/src/seed/demo-workspace.js',
  );
  const am = DEMO_MEMBERS.find((m) => m.roles.includes('account_manager'));
  const own = demoAccounts().filter((a) => a.ownerId === am.id);
  const token = await signUserToken(
    new TextEncoder().encode(o.jwtSecret),
    { sub: am.id, workspaceId: DEMO_WORKSPACE.id, roles: am.roles },
    seconds + 3600,
  );
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const record = JSON.stringify({
    kind: 'call',
    occurredAt: '2026-11-20T14:30:00+08:00',
    summary: '浸泡测试：电话回访',
  });
  let n = 0;
  const requests = [
    {
      method: 'GET',
      setupRequest: (req) => ({ ...req, path: `/api/v1/accounts/${own[n++ % own.length].id}` }),
    },
    { method: 'GET', path: '/api/v1/accounts?limit=20' },
    {
      method: 'POST',
      body: record,
      setupRequest: (req) => ({ ...req, path: `/api/v1/accounts/${own[n % own.length].id}/records` }),
    },
    {
      method: 'GET',
      setupRequest: (req) => ({ ...req, path: `/api/v1/accounts/${own[n % own.length].id}/records` }),
    },
  ];

  const samples = [];
  const t0 = Date.now();
  const sample = () =>
    samples.push({
      t: (Date.now() - t0) / 1000,
      rss: Object.fromEntries(o.apps.map((a) => [a.name, rssKiB(a.pid)])),
    });
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  let progress = null;
  try {
    progress = setInterval(
      () => log(`  soak: ${Math.round((Date.now() - t0) / 1000)} of ${seconds} s …`),
      60000,
    );
    const r = await autocannon({
      url: o.baseUrl,
      connections: CONNECTIONS,
      duration: seconds,
      headers,
      requests,
    });
    sample();
    const window = (end, name) =>
      samples
        .filter((s) => s.t > end - WINDOW_S && s.t <= end + 0.5)
        .map((s) => s.rss[name])
        .filter((x) => x !== null);
    const low = (xs) => (xs.length ? Math.min(...xs) : null);
    const apps = o.apps.map((a) => {
      const warmSamples = window(warmup, a.name);
      const endSamples = window(samples[samples.length - 1].t, a.name);
      const warm = low(warmSamples);
      const end = low(endSamples);
      const growthPct = warm && end ? Math.round(((end - warm) / warm) * 1000) / 10 : null;
      return {
        app: a.name,
        startMiB: mib(samples[0].rss[a.name]),
        warmMiB: mib(warm),
        endMiB: mib(end),
        warmMedianMiB: mib(median(warmSamples)),
        endMedianMiB: mib(median(endSamples)),
        peakMiB: mib(Math.max(...samples.map((s) => s.rss[a.name] ?? 0))),
        growthPct,
        met: growthPct !== null && growthPct < 10,
      };
    });
    const result = {
      name: `soak, ${seconds} s of mixed load through the gateway (${CONNECTIONS} connections)`,
      seconds,
      warmupSeconds: warmup,
      requests: r.requests.total,
      requestsPerSecond: Math.round(r.requests.average),
      p50ms: r.latency.p50,
      p99ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      apps,
      samples: samples.length,
      // Every 30 s: the shape tells a rising floor (a leak) from the saw of garbage collection.
      series: samples
        .filter((x, i) => i === 0 || Math.floor(x.t / 30) > Math.floor(samples[i - 1].t / 30))
        .map((x) => ({
          t: Math.round(x.t),
          mib: Object.fromEntries(o.apps.map((a) => [a.name, mib(x.rss[a.name])])),
        })),
      target: 'each app’s RSS grows < 10 % after warm-up; no errors',
    };
    result.met = apps.every((a) => a.met) && r.non2xx === 0 && r.errors === 0 && r.timeouts === 0;
    return result;
  } finally {
    clearInterval(timer);
    clearInterval(progress);
  }
}

function soakMarkdown(s) {
  return [
    '## Soak (issue 8)',
    '',
    `${s.seconds} s of mixed load through the gateway, ${s.requests} requests (${s.requestsPerSecond}/s, p50 ` +
      `${s.p50ms} ms, p99 ${s.p99ms} ms; non-2xx ${s.non2xx}, errors ${s.errors}, timeouts ${s.timeouts}): an ` +
      'account GET, the account list, a new communication record (a write), the account’s records, in turn, as an ' +
      `account_manager of the demo workspace. Resident memory (VmRSS) of each app sampled every ${SAMPLE_MS / 1000} s; ` +
      `warm = the lowest sample of the ${WINDOW_S} s up to ${s.warmupSeconds} s, end = the lowest of the last ` +
      `${WINDOW_S} s (garbage collection saws RSS up and down; a leak is a rising floor). Medians of the same ` +
      'windows beside them.',
    '',
    '| app | start MiB | warm MiB (median) | end MiB (median) | peak MiB | growth after warm-up | target | met |',
    '|---|---|---|---|---|---|---|---|',
    ...s.apps.map(
      (a) =>
        `| ${a.app} | ${a.startMiB} | ${a.warmMiB} (${a.warmMedianMiB}) | ${a.endMiB} (${a.endMedianMiB}) | ${a.peakMiB} | ${a.growthPct} % | < 10 % | ${a.met ? 'yes' : 'NO'} |`,
    ),
    '',
    'RSS every 30 s, MiB (s: ' + (s.series ?? []).map((x) => x.t).join(', ') + '):',
    '',
    ...s.apps.map((a) => `- ${a.app}: ${(s.series ?? []).map((x) => x.mib[a.app]).join(', ')}`),
    '',
  ];
}

module.exports = { benchSoak, soakMarkdown };
