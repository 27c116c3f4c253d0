import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { Job, Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, QUEUE_PREFIX, QueueName, redisConnectionOptions } from '@app/jobs';
import { AppName, TestSystem } from '../support/system';
import { PrivateStack } from '../support/private-stack';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { eventually } from '../support/e2e-helpers';

/*
 * Issue 8, point 3 (`npm run test:faults`). Under a steady mixed load through the gateway (creates with an
 * Idempotency-Key, updates with If-Match, GETs and lists on all three services) each service is killed with
 * kill -9 in turn and Redis, NATS and PostgreSQL are restarted. The suite runs servers of its own
 * (test/support/private-stack.ts) so that it can stop them.
 * Checked: every write the gateway acknowledged is in the database exactly once afterwards; revisit-sweep jobs
 * enqueued around the faults all complete and their effect happens once; while something is down the gateway
 * answers 503 (never a 500, never a hang: every request has a client timeout and every status is counted), and
 * it answers again within 5 s of the dependency's return.
 */

const CLIENT_TIMEOUT_MS = 8000;
const DOWN_MS = 2000;
const DAY = 86_400_000;
/** A connection refused, or dropped by a gateway killed mid-request (undici's socket errors). */
const DROPPED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

type Outcome = number | 'timeout' | 'refused';
interface Fault {
  name: string;
  /** Whether some requests must see 503 while it is down (false: nothing on the request path needs it). */
  expect503: boolean;
  down(): Promise<void>;
  /** Brings it back; resolves at "its return" (the process is ready / the server listens). */
  up(): Promise<void>;
}

describe('faults under load: kill -9 each service, restart Redis, NATS and PostgreSQL', () => {
  const stack = new PrivateStack('faults-load');
  let system: TestSystem;
  let f: Fixture;
  let b: Fixture;
  let am1: string;
  let director: string;
  let adminB: string;
  let queue: Queue;
  let adminRun: Promise<{ status: Outcome; body: Record<string, unknown> }> | undefined;
  const jobIds: string[] = [];

  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];

  async function call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: Outcome; body: Record<string, unknown>; etag?: string }> {
    try {
      const res = await fetch(`${system.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      });
      const text = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { text };
      }
      return { status: res.status, body: parsed, etag: res.headers.get('etag') ?? undefined };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') return { status: 'timeout', body: {} };
      if (DROPPED.has(err.cause?.code ?? '')) {
        // The gateway is down: the client backs off a little instead of spinning on refusals.
        await new Promise((r) => setTimeout(r, 20));
        return { status: 'refused', body: {} };
      }
      throw e;
    }
  }

  // ---- the load ----------------------------------------------------------------------------------------
  const acknowledgedCreates = new Map<string, string>(); // crmCompanyId → account id
  const attemptedCreates: { crm: string; key: string }[] = [];
  /** Per worker: its own account, the version and name of its last acknowledged update. */
  const updates = new Map<string, { version: number; name: string; acknowledged: number }>();
  let histogram = new Map<string, number>();
  let writes = 0;
  let loadOn = false;

  function count(op: string, status: Outcome): void {
    const k = `${op} ${status}`;
    histogram.set(k, (histogram.get(k) ?? 0) + 1);
  }

  async function worker(n: number, accountId: string): Promise<void> {
    let version = Number(
      (await call('GET', `/api/v1/accounts/${accountId}`, am1)).etag?.replace(/\D/g, '') ?? 1,
    );
    let i = 0;
    while (loadOn) {
      i++;
      const pick = (n + i) % 8;
      if (pick === 0 || pick === 4) {
        const crm = `crm-fault-${randomUUID()}`;
        const key = randomUUID();
        attemptedCreates.push({ crm, key });
        const r = await call(
          'POST',
          '/api/v1/accounts',
          am1,
          { crmCompanyId: crm, name: `故障客户 ${crm.slice(-8)}`, tier: 'silver', category: 'industry' },
          { 'Idempotency-Key': key },
        );
        count('create', r.status);
        if (r.status === 201) {
          acknowledgedCreates.set(crm, r.body.id as string);
          writes++;
        }
      } else if (pick === 1) {
        const name = `更新 ${n}-${i}`;
        const r = await call(
          'PATCH',
          `/api/v1/accounts/${accountId}`,
          am1,
          { name },
          { 'If-Match': `"${version}"` },
        );
        count('update', r.status);
        if (r.status === 200) {
          version = r.body.version as number;
          const u = updates.get(accountId);
          updates.set(accountId, { version, name, acknowledged: (u?.acknowledged ?? 0) + 1 });
          writes++;
        } else if (r.status === 412) {
          // An update answered 503 may still have been applied: take the current version and go on.
          const g = await call('GET', `/api/v1/accounts/${accountId}`, am1);
          if (g.status === 200) version = g.body.version as number;
        }
      } else if (pick === 2 || pick === 5) {
        count('get', (await call('GET', `/api/v1/accounts/${accountId}`, am1)).status);
      } else if (pick === 3) {
        count('list', (await call('GET', '/api/v1/accounts?limit=20', am1)).status);
      } else if (pick === 6) {
        count('templates', (await call('GET', '/api/v1/performance/templates', director)).status);
      } else {
        count('documents', (await call('GET', '/api/v1/documents', director)).status);
      }
    }
  }

  const probes = () => [
    call('GET', `/api/v1/accounts/${f.accounts.am1Own}`, am1),
    call('GET', '/api/v1/performance/templates', director),
    call('GET', '/api/v1/documents', director),
  ];

  /** ms from `since` until every service answers 200 through the gateway again. */
  async function recoveredAfter(since: number): Promise<number> {
    return eventually(
      'the gateway to answer 200 for every service',
      async () => {
        const rs = await Promise.all(probes());
        return rs.every((r) => r.status === 200) ? Date.now() - since : undefined;
      },
      { timeoutMs: 30000, intervalMs: 50 },
    );
  }

  async function readyLine(app: AppName): Promise<void> {
    const a = system.apps.get(app);
    if (!a) throw new Error(`${app} is not running`);
    await eventually(
      `${app} to be ready`,
      () => (fs.readFileSync(a.logFile, 'utf8').includes(`${app} ready`) ? true : undefined),
      { timeoutMs: 60000, intervalMs: 20 },
    );
  }

  const killApp = (app: AppName): Fault => ({
    name: `kill -9 ${app}`,
    expect503: app !== 'gateway',
    down: () => system.kill(app),
    up: async () => {
      system.spawnApp(app, `${app}-restarted`);
      await readyLine(app);
    },
  });

  const sweepB = async (label: string): Promise<string> => {
    const id = `fault-${label}-${randomUUID()}`;
    await queue.add(
      'CreateDueRevisitsJob',
      { workspaceId: b.workspaceId, asOf: new Date().toISOString() },
      { ...DEFAULT_JOB_OPTIONS, jobId: id },
    );
    jobIds.push(id);
    return id;
  };

  beforeAll(async () => {
    const env = await stack.start();
    system = new TestSystem({ env });
    // The apps run their migrations at start-up: the fresh database has tables after that.
    await system.start();
    [f, b] = await Promise.all([createWorkspace(env), createWorkspace(env)]);
    // Every account of workspace B is overdue for a revisit: one sweep creates five revisits.
    await withDb(adminUrl(env), (c) =>
      c.query(`UPDATE account_management.accounts SET last_contact_at = $2 WHERE workspace_id = $1`, [
        b.workspaceId,
        new Date(Date.now() - 100 * DAY),
      ]),
    );
    am1 = await memberToken(system.jwtSecret, f, 'am1');
    director = await memberToken(system.jwtSecret, f, 'director');
    adminB = await memberToken(system.jwtSecret, b, 'admin');
    queue = new Queue(QueueName.Revisits, {
      connection: redisConnectionOptions(env.redisUrl),
      prefix: QUEUE_PREFIX,
    });
    queue.on('error', () => undefined);
  }, 180000);

  afterAll(async () => {
    loadOn = false;
    await queue?.close().catch(() => undefined);
    await system?.stop();
    await stack.stop();
  });

  it('keeps every acknowledged write, runs every job once, answers 503 while down and recovers within 5 s', async () => {
    // Each worker updates an account of its own (If-Match), so its acknowledged version is the truth.
    const own: string[] = [];
    for (let n = 0; n < 4; n++) {
      const r = await call(
        'POST',
        '/api/v1/accounts',
        am1,
        {
          crmCompanyId: `crm-worker-${randomUUID()}`,
          name: `工作者 ${n}`,
          tier: 'silver',
          category: 'industry',
        },
        { 'Idempotency-Key': randomUUID() },
      );
      expect(r.status).toBe(201);
      own.push(r.body.id as string);
    }
    loadOn = true;
    const workers = own.map((id, n) => worker(n, id));

    const faults: Fault[] = [
      killApp('gateway'),
      killApp('account-management'),
      killApp('performance-evaluation'),
      killApp('document-security'),
      {
        name: 'restart Redis',
        expect503: false,
        down: async () => {
          await sweepB('before-redis');
          await stack.stopRedis();
          // An operator runs the sweep from the admin job-run endpoint while Redis is away: it waits for Redis
          // (or is a 503), never a 500, and its effect adds nothing to the sweep that ran before.
          adminRun = call('POST', '/api/v1/admin/jobs/revisits/run', adminB, {});
        },
        up: () => stack.startRedis(),
      },
      { name: 'restart NATS', expect503: true, down: () => stack.stopNats(), up: () => stack.startNats() },
      {
        name: 'restart PostgreSQL (pg_ctl stop -m fast, start)',
        expect503: true,
        down: async () => {
          await sweepB('before-postgres');
          stack.stopPostgres();
        },
        up: () => stack.startPostgres(),
      },
    ];

    const report: string[] = [];
    const failures: string[] = [];
    for (const fault of faults) {
      // Warm: the load runs cleanly before the fault.
      histogram = new Map();
      await eventually(
        'load before the fault',
        () => (sumOf(histogram, 200) + sumOf(histogram, 201) >= 20 ? true : undefined),
        {
          timeoutMs: 30000,
          intervalMs: 20,
        },
      );
      const before = new Map(histogram);
      expect({ fault: fault.name, phase: 'before', bad: bad(before, []) }).toEqual({
        fault: fault.name,
        phase: 'before',
        bad: [],
      });

      histogram = new Map();
      await fault.down();
      if (fault.name === 'kill -9 account-management') await sweepB('while-account-management-down');
      const downAt = Date.now();
      // Load against the missing piece, for a while, plus one probe of every service.
      const probed = await Promise.all(probes());
      for (const p of probed) count('probe', p.status);
      while (Date.now() - downAt < DOWN_MS) await new Promise((r) => setTimeout(r, 50));
      await fault.up();
      const backAt = Date.now();
      const recovery = await recoveredAfter(backAt);
      const during = histogram;

      const allowed = fault.name.includes('gateway') ? ['refused'] : [];
      const wrong = bad(during, allowed);
      const n503 = sumOf(during, 503);
      if (wrong.length) failures.push(`${fault.name}: ${wrong.join(', ')}`);
      if (fault.expect503 && n503 === 0) failures.push(`${fault.name}: no 503 while down`);
      if (recovery > 5000) failures.push(`${fault.name}: recovered ${recovery} ms after its return`);
      report.push(
        `  ${fault.name.padEnd(48)} down ${String(backAt - downAt).padStart(5)} ms, back → 200 in ${String(recovery).padStart(4)} ms; ` +
          `statuses while down: ${[...during].map(([k, v]) => `${k}×${v}`).join(' ')}`,
      );
    }
    loadOn = false;
    await Promise.all(workers);

    // Clients retry what was not acknowledged with the same Idempotency-Key: applied at most once.
    const acknowledgedUnderLoad = acknowledgedCreates.size;
    for (const a of attemptedCreates) {
      if (acknowledgedCreates.has(a.crm)) continue;
      const r = await call(
        'POST',
        '/api/v1/accounts',
        am1,
        { crmCompanyId: a.crm, name: `故障客户 ${a.crm.slice(-8)}`, tier: 'silver', category: 'industry' },
        { 'Idempotency-Key': a.key },
      );
      expect(r.status).toBe(201);
      acknowledgedCreates.set(a.crm, r.body.id as string);
    }

    const rows = await db<{ crm_company_id: string; id: string }>(
      `SELECT crm_company_id, id FROM account_management.accounts WHERE workspace_id = $1 AND crm_company_id LIKE 'crm-fault-%'`,
      [f.workspaceId],
    );
    const byCrm = new Map<string, string[]>();
    for (const r of rows) byCrm.set(r.crm_company_id, [...(byCrm.get(r.crm_company_id) ?? []), r.id]);
    const lost = [...acknowledgedCreates].filter(([crm, id]) => byCrm.get(crm)?.[0] !== id);
    const duplicated = [...byCrm].filter(([, ids]) => ids.length > 1);
    // Nothing that was not attempted exists, and every attempt exists exactly once (all were retried).
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(rows.length).toBe(attemptedCreates.length);

    const accounts = await db<{ id: string; version: number; name: string }>(
      `SELECT id, version, name FROM account_management.accounts WHERE id = ANY($1)`,
      [own],
    );
    let updatesAcknowledged = 0;
    for (const a of accounts) {
      const u = updates.get(a.id);
      if (!u) continue;
      updatesAcknowledged += u.acknowledged;
      // An update answered 503 may have been applied after it (a newer version); never an older one.
      expect(a.version).toBeGreaterThanOrEqual(u.version);
      if (a.version === u.version) expect(a.name).toBe(u.name);
    }

    // Every job enqueued around the faults completed; the sweep's effect (five revisits) happened once.
    const done = await eventually(
      'every revisit sweep to complete',
      async () => {
        const jobs = await Promise.all(jobIds.map((id) => Job.fromId(queue, id)));
        return jobs.every((j) => j?.finishedOn && j.returnvalue) ? jobs : undefined;
      },
      { timeoutMs: 60000, intervalMs: 200 },
    );
    const run = await adminRun;
    expect([200, 503]).toContain(run?.status);
    // And once everything is back, the same endpoint runs the sweep and waits for it (nothing left to create).
    const after = await call('POST', '/api/v1/admin/jobs/revisits/run', adminB, {});
    expect(after.status).toBe(200);
    expect(after.body.created).toBe(0);
    const created =
      done.reduce((s, j) => s + ((j?.returnvalue as { created?: number }).created ?? 0), 0) +
      (run?.status === 200 ? (run.body.created as number) : 0);
    const revisits = await db<{ n: number; pairs: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT (account_id, due_date))::int AS pairs
       FROM account_management.revisits WHERE workspace_id = $1`,
      [b.workspaceId],
    );
    expect(created).toBe(5);
    expect(revisits[0]).toEqual({ n: 5, pairs: 5 });

    process.stdout.write(
      `faults summary (slot ${process.env.KAM_TEST_SLOT ?? '-'}):\n${report.join('\n')}\n` +
        `  writes acknowledged under load: ${writes} (${acknowledgedUnderLoad} creates, ${updatesAcknowledged} If-Match updates); ` +
        `${attemptedCreates.length - acknowledgedUnderLoad} creates refused and retried with their Idempotency-Key; ` +
        `${attemptedCreates.length} accounts in the database, each exactly once: none lost, none doubled\n` +
        `  jobs: ${jobIds.length} revisit sweeps enqueued around the faults, all completed (attempts ${done
          .map((j) => j?.attemptsMade)
          .join(
            '/',
          )}), one run from the admin job-run endpoint while Redis was down (→ ${run?.status}) and one after (→ ${after.status}); ` +
        `5 revisits created once\n`,
    );
    expect(failures).toEqual([]);
  }, 420000);
});

function sumOf(h: Map<string, number>, status: number): number {
  let n = 0;
  for (const [k, v] of h) if (k.endsWith(` ${status}`)) n += v;
  return n;
}

/** Outcomes that are never acceptable: any 5xx other than 503, a timeout (a hang), an unexpected refusal. */
function bad(h: Map<string, number>, allowed: string[]): string[] {
  const ok = (s: string) =>
    allowed.includes(s) || s === '503' || (/^\d+$/.test(s) && Number(s) < 500 && s !== '404' && s !== '401');
  return [...h].filter(([k]) => !ok(k.split(' ')[1])).map(([k, v]) => `${k}×${v}`);
}
