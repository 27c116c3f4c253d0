'use strict';
/**
 * How the costs grow with the data set (issue 8, point 2). The data set is generated in steps — 10,000 accounts
 * (1 workspace), 100,000 (10), 1,000,000 (100; not in `--quick`) — and at each step below the final one a light
 * point is measured here: an account_manager's first list page p50 and the Chinese search "华为" p50 (NATS
 * requests straight to account-management, as bench-accounts.js measures them, fewer of them), the daily revisit
 * sweep over every workspace there is (bench-sweeps.js's revisitPoint), and access-log appends per second
 * (bench-access-log.js's appendRate, a shorter run). At the final size the figures come from those sections'
 * full measurements, and monthly scoring from bench-scoring.js (which grows with members, not accounts: one
 * workspace of 10,000 members, and all of them one after the other).
 */
const { connect } = require('nats');
const { ids, TEAMS, AMS_PER_TEAM } = require('./bench-data');
const { timed } = require('./bench-accounts');
const { revisitPoint, adminTokens } = require('./bench-sweeps');
const { appendRate } = require('./bench-access-log');

const N = 100;
const WARMUP = 20;

/**
 * One point at `workspaces` × 10,000 accounts. @param o as benchAccounts and benchSweeps take it, plus
 * o.dsDatabaseUrl, o.amDatabaseUrl and o.settings for the appends.
 */
async function growthPoint(o, workspaces, log) {
  const nc = await connect({ servers: o.natsUrl, ...require('./stack').benchNatsOptions() });
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const rpc = async (actor, query) => {
    const m = await nc.request(
      'kam.accounts.account.list',
      enc.encode(JSON.stringify({ actor, data: { query } })),
      {
        timeout: 5000,
      },
    );
    const reply = JSON.parse(dec.decode(m.data));
    if (!reply.ok) throw new Error(`account.list: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
  const actor = (w, memberId, role) => ({
    workspaceId: ids.workspace(w),
    memberId,
    roles: [role],
    requestId: 'bench',
    kind: 'user',
  });
  const sample = Array.from({ length: Math.min(workspaces, 20) }, (_, i) => i + 1);
  const managers = sample.flatMap((w) =>
    Array.from({ length: TEAMS * AMS_PER_TEAM }, (_, k) =>
      actor(w, ids.accountManager(w, k + 1), 'account_manager'),
    ),
  );
  const directors = sample.map((w) => actor(w, ids.director(w), 'director'));
  let list;
  let search;
  try {
    log(`  growth point ${(workspaces * 10000).toLocaleString('en')} accounts: list and search …`);
    list = await timed(N, WARMUP, (i) => rpc(managers[(i * 7) % managers.length], {}));
    search = await timed(N, WARMUP, (i) => rpc(directors[i % directors.length], { q: '华为' }));
  } finally {
    await nc.drain();
  }
  const tokens = await adminTokens(o.jwtSecret, workspaces);
  const sweep = await revisitPoint(o, tokens, workspaces, 1, log);
  log(`  growth point: access-log appends …`);
  const appends = await appendRate(o, 3);
  return {
    accounts: workspaces * 10000,
    listP50ms: list.p50ms,
    searchP50ms: search.p50ms,
    revisitSweepSeconds: sweep.seconds,
    revisitSweepOk: sweep.created === sweep.expectedDue && sweep.rerun.created === 0,
    appendsPerSecond: appends.perSecond,
    appendsChainOk: appends.check.ok,
  };
}

/**
 * The growth table: a row per measure, a column per size (10k, 100k, 1M accounts), the factor between sizes.
 * `points` are growthPoint results; the final size's figures come from the sections' results.
 */
function growthTable({ points, dataSet, accounts, sweeps, scoring, accessLog, quick }) {
  const sizes = [10_000, 100_000, 1_000_000];
  const at = new Map(sizes.map((s) => [s, {}]));
  for (const p of points) Object.assign(at.get(p.accounts) ?? {}, p);
  if (dataSet && at.has(dataSet.accounts)) {
    const f = at.get(dataSet.accounts);
    const list = accounts?.find((b) => b.kam && /list page/.test(b.name));
    const search = accounts?.find((b) => b.kam && /"华为"/.test(b.name));
    if (list) f.listP50ms = list.kam.p50ms;
    if (search) f.searchP50ms = search.kam.p50ms;
  }
  const sweepNotes = [];
  for (const r of sweeps?.revisits ?? []) {
    // The 100k point of the sweeps section sweeps workspaces 2-11 (10 × 10,000), the 1M point all 100.
    const size = r.workspaces * 10000;
    if (!at.has(size)) continue;
    at.get(size).revisitSweepSeconds = r.seconds;
    if (r.accounts !== size)
      sweepNotes.push(
        `the ${size.toLocaleString('en')} sweep covered ${r.accounts.toLocaleString('en')} accounts (with those the import benchmark added)`,
      );
  }
  if (accessLog && dataSet && at.has(dataSet.accounts))
    at.get(dataSet.accounts).appendsPerSecond = accessLog.appends.perSecond;
  const rows = [
    ['account_manager first list page, p50 ms', 'listP50ms'],
    ['Chinese search "华为" (director), p50 ms', 'searchP50ms'],
    ['daily revisit sweep of every workspace, s', 'revisitSweepSeconds'],
    ['access-log appends/s, 50 writers (one workspace)', 'appendsPerSecond'],
  ].map(([label, key]) => ({ label, key, values: sizes.map((s) => at.get(s)[key] ?? null) }));
  // Scoring grows with members, and the data set has 1,000 members per 10,000 accounts: at 100,000 accounts its
  // 10,000 members (one workspace of the scoring section), at 1,000,000 its 100,000 (every workspace of the section,
  // one after the other). 1,000 members (the 10,000-account point) are not scored on their own.
  let scoringRow = null;
  if (scoring) {
    const seq = scoring.sequential;
    const per = [...seq.perWorkspaceSeconds].sort((a, b) => a - b);
    const members = scoring.workspaces * scoring.membersPerWorkspace;
    scoringRow = {
      label: 'monthly scoring of the members at that size (1,000 / 10,000 / 100,000), s',
      key: 'scoringSeconds',
      values: [null, per[Math.floor(per.length / 2)], members === 100_000 ? seq.seconds : null],
      note:
        members === 100_000
          ? 'scoring: 10,000 members is the median workspace of the scoring section, 100,000 all ten one after ' +
            'the other; 1,000 members not scored on their own'
          : `scoring: ${members.toLocaleString('en')} members took ${seq.seconds} s (${scoring.workspaces} workspaces); ` +
            '100,000 members not measured in this run',
    };
  }
  if (sweepNotes.length) rows[2].note = sweepNotes.join('; ');
  return { sizes, rows: scoringRow ? [...rows, scoringRow] : rows, quick };
}

const fmt = (v) => (v === null || v === undefined ? '—' : String(v));
const factor = (a, b) => (a && b ? `${Math.round((b / a) * 100) / 100}×` : '—');

function growthMarkdown(g) {
  const notes = g.rows.filter((r) => r.note).map((r) => r.note);
  return [
    '## Growth with the data set (issue 8)',
    '',
    'The data set is generated in steps; below its final size each point is a light measurement (100 list and ' +
      '100 search requests, the revisit sweep of every workspace, 3 s of appends); at the final size the figures ' +
      'are those of the sections above. A factor is the value at the larger size over the value at the smaller ' +
      `one (×10 accounts each step). ${g.quick ? '**Quick run: the data set stops at 100,000 accounts; 1,000,000 is not measured.**' : ''}`,
    '',
    '| measure | 10,000 | 100,000 | 1,000,000 | 10k → 100k | 100k → 1M |',
    '|---|---|---|---|---|---|',
    ...g.rows.map(
      (r) =>
        `| ${r.label} | ${fmt(r.values[0])} | ${fmt(r.values[1])} | ${fmt(r.values[2])} | ${factor(r.values[0], r.values[1])} | ${factor(r.values[1], r.values[2])} |`,
    ),
    '',
    ...(notes.length
      ? [`— = not measured in this run; ${notes.join('; ')}.`, '']
      : ['— = not measured in this run.', '']),
  ];
}

module.exports = { growthPoint, growthTable, growthMarkdown };
