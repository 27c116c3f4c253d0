'use strict';
/**
 * Benchmarks of the access log (issue 6), each next to a floor measured in the same run.
 *
 * 1. Appends per second under 50 concurrent writers in one workspace, then the chain verified
 *    (`kam.documents.access-log.verify`, it must hold every entry):
 *    - through NATS `kam.documents.access-log.append` as a system caller (how another service records an access):
 *      the service's writer with NATS in front. This is the figure the target applies to;
 *    - through NATS `kam.documents.document.get` of a confidential document as a director: a whole document view
 *      (member check with account-management over NATS, the permission SQL, the versions, then the `view` entry),
 *      for comparison.
 *    Floor: 50 `pg` connections, each INSERTing the same rows one at a time (autocommit, no chain) into a workspace
 *    of their own.
 * 2. The verification of a chain of 1,000,000 entries (`quick`: 100,000): the chain is computed in Node with the
 *    service's own entryHash (SHA-256 over the canonical JSON of each entry and the previous hash; not set-based
 *    in SQL, because every hash depends on the one before it and the canonical JSON of jsonb is not PostgreSQL's
 *    text form) and written in batches with `unnest`, then verified with the NATS request the gateway's
 *    GET /api/v1/access-log/verify makes (the gateway's own timeout is 30 s; the bench waits longer so that a slow
 *    chain still gets a figure). Floor: reading the same rows in the same order with `pg`, in keyset batches,
 *    without hashing.
 *
 * Targets (issue 6): at least 2,000 appends/s with the chain intact; verification of 1,000,000 entries under 10 s.
 */
const path = require('node:path');
const { connect } = require('nats');
const { Client } = require('pg');
const { ROOT } = require('./system');
const { uuidOf } = require('./bench-data');

const dist = (p) => require(path.join(ROOT, 'dist', p));
const s2 = (x) => Math.round(x * 100) / 100;
const WRITERS = 50;
const CHAIN_BATCH = 5000;

const ws = {
  append: uuidOf('kam-bench-al-ws-append'),
  floor: uuidOf('kam-bench-al-ws-floor'),
  chain: uuidOf('kam-bench-al-ws-chain'),
};
const director = uuidOf('kam-bench-al-director');

async function withPg(databaseUrl, fn) {
  const c = new Client({ connectionString: databaseUrl, statement_timeout: 0 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A workspace with one director in account-management (as its own role), the way bench-data writes them. */
async function ensureWorkspace(amDatabaseUrl, settings) {
  await withPg(amDatabaseUrl, async (c) => {
    await c.query(
      `INSERT INTO workspaces (id, name, settings) VALUES ($1, '访问日志基准测试', $2::jsonb) ON CONFLICT DO NOTHING`,
      [ws.append, JSON.stringify(settings)],
    );
    await c.query(
      `INSERT INTO workspace_settings_history (workspace_id, version, settings, reason)
       VALUES ($1, 1, $2::jsonb, 'initial') ON CONFLICT DO NOTHING`,
      [ws.append, JSON.stringify(settings)],
    );
    await c.query(
      `INSERT INTO members (id, workspace_id, name, roles) VALUES ($1, $2, '总监', '{director}') ON CONFLICT DO NOTHING`,
      [director, ws.append],
    );
  });
}

/** Uploads one small confidential text document through the gateway; returns its id. */
async function uploadDocument(baseUrl, token) {
  const form = new FormData();
  form.append('kind', 'report');
  form.append('classification', 'confidential');
  form.append('title', '访问日志基准测试文档');
  form.append('file', new Blob(['基准测试：保密文件内容\n'], { type: 'text/plain' }), 'bench.txt');
  const res = await fetch(`${baseUrl}/api/v1/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(json)}`);
  return json.id;
}

/** Runs `WRITERS` loops of `op` for `seconds`; returns how many succeeded and failed, and the time taken. */
async function concurrently(seconds, op) {
  const deadline = Date.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  let firstError = null;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      while (Date.now() < deadline) {
        try {
          await op(w);
          ok++;
        } catch (e) {
          failed++;
          firstError ??= e.message;
        }
      }
    }),
  );
  return { ok, failed, firstError, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

const countRows = (databaseUrl, workspaceId) =>
  withPg(databaseUrl, async (c) => {
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM access_log WHERE workspace_id = $1`, [
      workspaceId,
    ]);
    return rows[0].n;
  });

/** The floor of appends: the same rows, one autocommitted INSERT each, over `WRITERS` connections, no chain. */
async function floorAppends(databaseUrl, seconds, documentId) {
  const clients = await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      return c;
    }),
  );
  try {
    const { rows } = await clients[0].query(
      `SELECT coalesce(max(seq), 0)::bigint AS seq FROM access_log WHERE workspace_id = $1`,
      [ws.floor],
    );
    let seq = Number(rows[0].seq);
    const hash = 'f'.repeat(64);
    const before = await countRows(databaseUrl, ws.floor);
    const r = await concurrently(seconds, (w) =>
      clients[w].query(
        `INSERT INTO access_log (id, workspace_id, seq, member_id, action, subject, document_id, details, at,
                                 prev_hash, hash)
         VALUES (gen_random_uuid(), $1, $2, $3, 'view', 'document', $4, $5, now(), $6, $6)`,
        [
          ws.floor,
          ++seq,
          director,
          documentId,
          JSON.stringify({ classification: 'confidential', requestId: 'bench' }),
          hash,
        ],
      ),
    );
    const rowsWritten = (await countRows(databaseUrl, ws.floor)) - before;
    return { ...r, rows: rowsWritten, perSecond: Math.round(rowsWritten / r.seconds) };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/**
 * A chain of `n` entries in its own workspace, hashed in Node with the service's entryHash and written in batches
 * (two in flight while the next is hashed). Returns the seconds it took.
 */
async function generateChain(databaseUrl, n, documentId, log) {
  const { entryHash, GENESIS_HASH } = dist('apps/document-security/src/access-log/access-log-chain.js');
  const { randomUUID } = require('node:crypto');
  const t0 = Date.now();
  const writers = await Promise.all(
    [0, 1].map(async () => {
      const c = new Client({ connectionString: databaseUrl, statement_timeout: 0 });
      await c.connect();
      await c.query('SET synchronous_commit = off');
      return c;
    }),
  );
  try {
    const existing = await countRows(databaseUrl, ws.chain);
    if (existing === n) return { seconds: 0, reused: true };
    if (existing) throw new Error(`workspace ${ws.chain} already has ${existing} entries`);
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    let prev = GENESIS_HASH;
    const inFlight = [];
    for (let from = 1; from <= n; from += CHAIN_BATCH) {
      const cols = [[], [], [], [], [], [], [], [], [], [], []];
      for (let seq = from; seq < Math.min(n + 1, from + CHAIN_BATCH); seq++) {
        const details = { classification: 'confidential', requestId: `bench-${seq}` };
        const e = {
          id: randomUUID(),
          workspaceId: ws.chain,
          seq,
          memberId: director,
          action: seq % 10 === 0 ? 'download' : 'view',
          subject: 'document',
          documentId: seq % 3 === 0 ? null : documentId,
          details: seq % 10 === 0 ? { ...details, version: 1 } : details,
          at: new Date(start + seq * 1000).toISOString(),
        };
        const hash = entryHash(e, prev);
        const row = [e.id, e.workspaceId, seq, e.memberId, e.action, e.subject, e.documentId];
        row.push(JSON.stringify(e.details), e.at, prev, hash);
        row.forEach((v, k) => cols[k].push(v));
        prev = hash;
      }
      const c = writers[((from / CHAIN_BATCH) % 2) | 0];
      if (inFlight.length >= 2) await inFlight.shift();
      inFlight.push(
        c.query(
          `INSERT INTO access_log (id, workspace_id, seq, member_id, action, subject, document_id, details, at,
                                   prev_hash, hash)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                                $7::uuid[], $8::jsonb[], $9::timestamptz[], $10::text[], $11::text[])`,
          cols,
        ),
      );
      if (log && (from - 1) % 200_000 === 0 && from > 1)
        log(`    ${(from - 1).toLocaleString('en')} entries (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
    await Promise.all(inFlight);
    await writers[0].query(
      `INSERT INTO access_log_heads (workspace_id, seq, hash) VALUES ($1, $2, $3)
       ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
      [ws.chain, n, prev],
    );
    await writers[0].query('VACUUM ANALYZE access_log').catch(() => undefined);
    return { seconds: (Date.now() - t0) / 1000, reused: false };
  } finally {
    await Promise.all(writers.map((c) => c.end()));
  }
}

/** The floor of verification: the same columns of the same rows in the same order, keyset batches, no hashing. */
async function floorRead(databaseUrl) {
  return withPg(databaseUrl, async (c) => {
    const t0 = process.hrtime.bigint();
    let seq = 0;
    let rows = 0;
    for (;;) {
      const r = await c.query(
        `SELECT id, workspace_id, seq, member_id, action, subject, document_id, details, at, prev_hash, hash
         FROM access_log WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT 10000`,
        [ws.chain, seq],
      );
      rows += r.rows.length;
      if (r.rows.length < 10000) break;
      seq = Number(r.rows[r.rows.length - 1].seq);
    }
    return { rows, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  });
}

/** NATS request-reply with the services' envelope; `close()` when done. */
async function natsRpc(natsUrl) {
  const nc = await connect({ servers: natsUrl, ...require('./stack').benchNatsOptions() });
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const rpc = async (subject, actor, data, timeout = 10000) => {
    const m = await nc.request(subject, enc.encode(JSON.stringify({ actor, data })), { timeout });
    const reply = JSON.parse(dec.decode(m.data));
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
  return { rpc, close: () => nc.close() };
}

const appendActor = {
  workspaceId: ws.append,
  memberId: director,
  roles: ['director'],
  requestId: 'bench',
  kind: 'user',
};
/** The confidential document of the append benchmark, uploaded once per run. */
let appendDocument = null;

async function ensureAppendDocument(o) {
  if (appendDocument) return appendDocument;
  const { signUserToken } = dist('apps/gateway/src/auth/token.service.js');
  await ensureWorkspace(o.amDatabaseUrl, o.settings);
  const token = await signUserToken(
    new TextEncoder().encode(o.jwtSecret),
    { sub: director, workspaceId: ws.append, roles: ['director'] },
    3600,
  );
  appendDocument = await uploadDocument(o.baseUrl, token);
  return appendDocument;
}

const systemActor = {
  workspaceId: ws.append,
  memberId: 'system:bench',
  roles: [],
  requestId: 'bench',
  kind: 'system',
};

/**
 * Appends per second under `WRITERS` concurrent writers for `seconds`, counted in the table, then the chain verified.
 * `via`: 'append' — NATS `kam.documents.access-log.append` as a system caller (another service recording an
 * access: the service's writer with NATS in front); 'view' — NATS `kam.documents.document.get` of a confidential
 * document as a director (member check over NATS, permission SQL, then the `view` entry).
 */
async function appendRate(o, seconds, via = 'append') {
  const documentId = await ensureAppendDocument(o);
  const { SUBJECTS } = dist('libs/contracts/src/index.js');
  const { rpc, close } = await natsRpc(o.natsUrl);
  const entry = {
    memberId: director,
    action: 'view',
    subject: 'document',
    documentId,
    details: { classification: 'confidential', requestId: 'bench' },
  };
  try {
    const op =
      via === 'view'
        ? () => rpc(SUBJECTS.documents.documentGet, appendActor, { id: documentId })
        : () => rpc(SUBJECTS.documents.accessLogAppend, systemActor, entry);
    await concurrently(1, op);
    const before = await countRows(o.dsDatabaseUrl, ws.append);
    const kam = await concurrently(seconds, op);
    const appended = (await countRows(o.dsDatabaseUrl, ws.append)) - before;
    const check = await rpc(SUBJECTS.documents.accessLogVerify, appendActor, {}, 120000);
    return { ...kam, appended, perSecond: Math.round(appended / kam.seconds), check };
  } finally {
    await close();
  }
}

/**
 * @param o.natsUrl, o.amDatabaseUrl, o.dsDatabaseUrl (document-security's role), o.baseUrl, o.jwtSecret,
 *          o.settings (workspace defaults), o.quick, o.log, o.appendSeconds, o.chainEntries
 */
async function benchAccessLog(o) {
  const log = o.log || (() => {});
  const seconds = o.appendSeconds ?? (o.quick ? 3 : 10);
  const chainEntries = o.chainEntries ?? (o.quick ? 100_000 : 1_000_000);
  log(`  ${WRITERS} writers appending through NATS access-log.append for ${seconds} s …`);
  const kam = await appendRate(o, seconds, 'append');
  log(`  ${WRITERS} writers viewing one confidential document through NATS document.get for ${seconds} s …`);
  const viewed = await appendRate(o, seconds, 'view');
  const documentId = appendDocument;
  log(`  floor: ${WRITERS} raw INSERTs through pg for ${seconds} s …`);
  const floor = await floorAppends(o.dsDatabaseUrl, seconds, documentId);
  const row = (name, r, target) => ({
    name,
    writers: WRITERS,
    seconds: s2(r.seconds),
    requests: r.ok,
    failed: r.failed,
    firstError: r.firstError ?? undefined,
    appended: r.appended,
    perSecond: r.perSecond,
    chain: { ok: r.check.ok, checked: r.check.checked, firstBroken: r.check.firstBroken },
    ratio: floor.perSecond ? s2(r.perSecond / floor.perSecond) : null,
    target,
  });
  const appends = row(
    `access-log appends, ${WRITERS} concurrent writers in one workspace (NATS access-log.append → writer)`,
    kam,
    '≥ 2,000 appends/s, chain intact',
  );
  appends.met = kam.perSecond >= 2000 && kam.check.ok && kam.appended === kam.ok && kam.failed === 0;
  const views = row(
    `document views, ${WRITERS} concurrent readers in one workspace (NATS document.get → view entry)`,
    viewed,
    '— (for comparison); chain intact',
  );
  views.met = viewed.check.ok && viewed.appended === viewed.ok && viewed.failed === 0;
  const floorRow = {
    description: `${WRITERS} pg connections, one autocommitted INSERT of the same row each, no chain`,
    rows: floor.rows,
    perSecond: floor.perSecond,
    failed: floor.failed,
  };
  appends.floor = floorRow;
  views.floor = floorRow;

  log(`  generating a chain of ${chainEntries.toLocaleString('en')} entries …`);
  const gen = await generateChain(o.dsDatabaseUrl, chainEntries, documentId, log);
  const { SUBJECTS } = dist('libs/contracts/src/index.js');
  const { rpc, close } = await natsRpc(o.natsUrl);
  try {
    log(`  verifying it …`);
    const t0 = process.hrtime.bigint();
    const result = await rpc(
      SUBJECTS.documents.accessLogVerify,
      { ...appendActor, workspaceId: ws.chain },
      {},
      300000,
    );
    const verifySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const read = await floorRead(o.dsDatabaseUrl);
    const verify = {
      name: `verify a chain of ${chainEntries.toLocaleString('en')} entries (NATS access-log.verify)`,
      entries: chainEntries,
      generatedSeconds: s2(gen.seconds),
      seconds: s2(verifySeconds),
      entriesPerSecond: Math.round(chainEntries / verifySeconds),
      ok: result.ok,
      checked: result.checked,
      floor: {
        description: 'the same rows read in order through pg, keyset batches of 10,000, no hashing',
        rows: read.rows,
        seconds: s2(read.seconds),
      },
      ratio: s2(verifySeconds / read.seconds),
      target:
        chainEntries >= 1_000_000
          ? '< 10 s for 1,000,000'
          : '< 10 s for 1,000,000 (scaled: < 1 s per 100,000)',
    };
    verify.met =
      result.ok && result.checked === chainEntries && verifySeconds < (10 * chainEntries) / 1_000_000;
    return { appends, views, verify };
  } finally {
    await close();
  }
}

/** The report's section, markdown lines. */
function accessLogMarkdown(r, quick) {
  const a = r.appends;
  const v = r.verify;
  const line = (x) =>
    `| ${x.name} | ${x.seconds} | ${x.appended} | ${x.perSecond} | ${x.failed} | ${x.chain.ok ? `intact (${x.chain.checked})` : `BROKEN at ${x.chain.firstBroken?.seq}`} | ${x.floor.perSecond} | ${x.ratio} | ${x.target} | ${x.met ? 'yes' : 'NO'} |`;
  return [
    '## Access log (issue 6)',
    '',
    `Appends: ${a.writers} concurrent NATS requests to document-security in one workspace, counted in the table. ` +
      '`kam.documents.access-log.append` (a system caller recording an access, as another service does) is the ' +
      "service's writer with NATS in front: each append waits for the workspace's head-row lock, and appends that " +
      'arrive while a transaction of that workspace is writing are written together by the next one (group ' +
      'commit). `kam.documents.document.get` of a confidential document as a director is a whole document view ' +
      '(member check over NATS with account-management, the permission SQL, the versions, then the `view` entry). ' +
      `After each, the chain is verified and must hold every entry. Floor: ${a.floor.description}, same run.`,
    '',
    '| benchmark | seconds | appended | appends/s | failed | chain | floor rows/s | ratio | target | met |',
    '|---|---|---|---|---|---|---|---|---|---|',
    line(a),
    ...(r.views ? [line(r.views)] : []),
    '',
    `Verification: a chain generated in Node with the service's entryHash (${v.generatedSeconds ? `${v.generatedSeconds} s` : 'reused'}), ` +
      'verified by the NATS request behind GET /api/v1/access-log/verify. Floor: ' +
      `${v.floor.description}.${quick ? ' **Quick run: 100,000 entries instead of 1,000,000; the target is scaled.**' : ''}`,
    '',
    '| benchmark | seconds | entries/s | result | floor s | ratio | target | met |',
    '|---|---|---|---|---|---|---|---|',
    `| ${v.name} | ${v.seconds} | ${v.entriesPerSecond} | ${v.ok ? `intact (${v.checked})` : 'BROKEN'} | ${v.floor.seconds} | ${v.ratio} | ${v.target} | ${v.met ? 'yes' : 'NO'} |`,
    '',
  ];
}

module.exports = { benchAccessLog, accessLogMarkdown, appendRate, WRITERS };
