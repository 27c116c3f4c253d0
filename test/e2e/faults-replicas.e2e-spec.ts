import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { Job, Queue } from 'bullmq';
import { QUEUE_PREFIX, QueueName, redisConnectionOptions } from '@app/jobs';
import { ALL_APPS, AppName, freePort, RunningApp, TestSystem } from '../support/system';
import { PrivateStack } from '../support/private-stack';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { eventually } from '../support/e2e-helpers';

/*
 * Issue 8, point 3: two replicas of every service. Each service runs twice (NATS queue groups, one BullMQ queue),
 * the gateway runs twice on two ports. Checked: every request is handled once (creates with distinct
 * Idempotency-Keys through both gateways all exist exactly once, and the NATS handler counters of the two
 * account-management replicas add up to the number of creates, both non-zero); a scheduled job runs once per
 * period (both account-management replicas put the workspace's schedulers in place, there is still one
 * scheduler per job, and a run of the revisit sweep is processed by exactly one replica, with one effect).
 * Servers of its own (test/support/private-stack.ts): scheduled runs are on here (KAM_PERIODIC_JOBS=1), and
 * job schedulers outlive the processes.
 */

const DAY = 86_400_000;
const CREATE = 'kam.accounts.account.create';

describe('two replicas of every service', () => {
  const stack = new PrivateStack('faults-replicas');
  let system: TestSystem;
  let f: Fixture;
  let token: string;
  let queue: Queue;
  const metricsPorts = new Map<RunningApp, number>();
  const replicas = new Map<AppName, RunningApp & { httpPort: number }>();

  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];

  async function ready(a: RunningApp): Promise<void> {
    await eventually(
      `${a.name} (pid ${a.child.pid}) to be ready`,
      () => {
        if (a.child.exitCode !== null) throw new Error(fs.readFileSync(a.logFile, 'utf8').slice(-2000));
        return fs.readFileSync(a.logFile, 'utf8').includes(`${a.name} ready`) ? true : undefined;
      },
      { timeoutMs: 60000, intervalMs: 50 },
    );
  }

  /** The sum of a Prometheus series' samples whose labels include all of `labels`. */
  async function metric(port: number, name: string, labels: Record<string, string>): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  beforeAll(async () => {
    const env = await stack.start();
    const extraEnv: Partial<Record<AppName, Record<string, string>>> = {};
    // The NATS services serve /metrics on a port of their own; the gateway on its HTTP port.
    for (const app of ALL_APPS)
      if (app !== 'gateway') extraEnv[app] = { KAM_METRICS_PORT: String(await freePort()) };
    (extraEnv['account-management'] as Record<string, string>).KAM_PERIODIC_JOBS = '1';
    system = new TestSystem({ env, extraEnv });
    // account-management runs the migrations of the fresh database once, then stops.
    const migrate = system.spawnApp('account-management', 'account-management-migrate');
    await ready(migrate);
    await system.stopApp('account-management');
    // The workspace exists before the services start: they put its schedulers in place at start-up.
    f = await createWorkspace(env);
    await withDb(adminUrl(env), (c) =>
      c.query(`UPDATE account_management.accounts SET last_contact_at = $2 WHERE workspace_id = $1`, [
        f.workspaceId,
        new Date(Date.now() - 100 * DAY),
      ]),
    );
    await system.start();
    for (const app of ALL_APPS) {
      const a = system.apps.get(app) as RunningApp;
      const gateway = app === 'gateway';
      metricsPorts.set(a, gateway ? system.httpPort : Number(extraEnv[app]?.KAM_METRICS_PORT));
      const port = gateway ? 0 : await freePort();
      const r = await system.spawnReplica(
        app,
        `${app}-replica`,
        gateway ? {} : { ...(extraEnv[app] ?? {}), KAM_METRICS_PORT: String(port) },
      );
      metricsPorts.set(r, gateway ? r.httpPort : port);
      replicas.set(app, r);
    }
    for (const r of replicas.values()) await ready(r);
    token = await memberToken(system.jwtSecret, f, 'am1');
    queue = new Queue(QueueName.Revisits, {
      connection: redisConnectionOptions(env.redisUrl),
      prefix: QUEUE_PREFIX,
    });
  }, 240000);

  afterAll(async () => {
    await queue?.close();
    await system?.stop();
    await stack.stop();
  });

  it('each create is handled once: all exist exactly once and both account-management replicas served', async () => {
    const gateways = [system.httpPort, (replicas.get('gateway') as { httpPort: number }).httpPort];
    const am = [
      system.apps.get('account-management') as RunningApp,
      replicas.get('account-management') as RunningApp,
    ];
    const before = await Promise.all(
      am.map((a) =>
        metric(metricsPorts.get(a) as number, 'kam_nats_handler_duration_seconds_count', { subject: CREATE }),
      ),
    );
    const N = 80;
    const crms = Array.from({ length: N }, () => `crm-replica-${randomUUID()}`);
    // Eight clients at a time, alternating between the two gateways; a 503 is retried with the same key.
    const results: number[] = [];
    let sent = 0;
    const post = async (crm: string, i: number, key: string): Promise<number> => {
      sent++;
      const res = await fetch(`http://127.0.0.1:${gateways[sent % 2]}/api/v1/accounts`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': key,
        },
        body: JSON.stringify({
          crmCompanyId: crm,
          name: `副本客户 ${i}`,
          tier: 'silver',
          category: 'industry',
        }),
        signal: AbortSignal.timeout(15000),
      });
      return res.status;
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < N) {
          const i = next++;
          const key = randomUUID();
          let status = await post(crms[i], i, key);
          for (let retry = 0; status === 503 && retry < 3; retry++) status = await post(crms[i], i, key);
          results.push(status);
        }
      }),
    );
    expect(results.filter((s) => s !== 201)).toEqual([]);
    const rows = await db<{ crm_company_id: string; n: number }>(
      `SELECT crm_company_id, count(*)::int AS n FROM account_management.accounts
       WHERE workspace_id = $1 AND crm_company_id = ANY($2) GROUP BY crm_company_id`,
      [f.workspaceId, crms],
    );
    expect(rows.length).toBe(N);
    expect(rows.every((r) => r.n === 1)).toBe(true);

    const after = await Promise.all(
      am.map((a) =>
        metric(metricsPorts.get(a) as number, 'kam_nats_handler_duration_seconds_count', { subject: CREATE }),
      ),
    );
    const served = after.map((v, i) => v - before[i]);
    // Every create handled by exactly one replica (the two counts add up), and both took a share.
    expect(served[0] + served[1]).toBe(sent);
    expect(served[0]).toBeGreaterThan(0);
    expect(served[1]).toBeGreaterThan(0);
    const gatewayServed = await Promise.all(
      [system.apps.get('gateway') as RunningApp, replicas.get('gateway') as RunningApp].map((g) =>
        metric(metricsPorts.get(g) as number, 'kam_http_request_duration_seconds_count', { method: 'POST' }),
      ),
    );
    expect(gatewayServed.every((n) => n > 0)).toBe(true);
    process.stdout.write(
      `replicas: ${N} creates (${sent} requests) through two gateways (${gatewayServed.join(' + ')} POSTs by their metrics), ` +
        `handled by account-management replicas ${served[0]} + ${served[1]} = ${sent}; each account in the database once\n`,
    );
  });

  it('every service replica answers in its queue group (each NATS service served by both)', async () => {
    // Reads through both gateways on all three services; each replica's handler count rises.
    const director = await memberToken(system.jwtSecret, f, 'director');
    const services: { app: AppName; path: string }[] = [
      { app: 'account-management', path: `/api/v1/accounts/${f.accounts.am1Own}` },
      { app: 'performance-evaluation', path: '/api/v1/performance/templates' },
      { app: 'document-security', path: '/api/v1/documents' },
    ];
    for (const s of services) {
      const procs = [system.apps.get(s.app) as RunningApp, replicas.get(s.app) as RunningApp];
      const count = (a: RunningApp) =>
        metric(metricsPorts.get(a) as number, 'kam_nats_handler_duration_seconds_count', {});
      const before = await Promise.all(procs.map(count));
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          fetch(
            `http://127.0.0.1:${i % 2 ? system.httpPort : (replicas.get('gateway') as { httpPort: number }).httpPort}${s.path}`,
            {
              headers: { Authorization: `Bearer ${director}` },
              signal: AbortSignal.timeout(15000),
            },
          ).then((r) => r.status),
        ),
      );
      expect(statuses.filter((x) => x !== 200)).toEqual([]);
      const after = await Promise.all(procs.map(count));
      const served = after.map((v, i) => v - before[i]);
      expect(served.every((n) => n > 0)).toBe(true);
      process.stdout.write(`replicas: ${s.app} served ${served.join(' + ')} requests\n`);
    }
  });

  it('a scheduled run is processed once by the two account-management replicas (one scheduler per job)', async () => {
    const key = `CreateDueRevisitsJob:${f.workspaceId}`;
    // Both replicas upserted the workspace's schedulers at start-up: still one per job.
    const schedulers = (await queue.getJobSchedulers()).filter((s) => s.key === key);
    expect(schedulers).toHaveLength(1);
    const next = await eventually('the next run of the revisit sweep', async () =>
      (await queue.getDelayed()).find((j) => j.repeatJobKey === key),
    );
    const am = [
      system.apps.get('account-management') as RunningApp,
      replicas.get('account-management') as RunningApp,
    ];
    const completed = (a: RunningApp) =>
      metric(metricsPorts.get(a) as number, 'kam_job_duration_seconds_count', {
        name: 'CreateDueRevisitsJob',
        status: 'completed',
      });
    const before = await Promise.all(am.map(completed));
    // The run's time is reached by promoting its delayed job, never by waiting for 06:00.
    await next.promote();
    const job = await eventually(
      'the scheduled run to complete',
      async () => {
        const j = await Job.fromId(queue, next.id as string);
        return j?.finishedOn ? j : undefined;
      },
      { timeoutMs: 30000 },
    );
    expect(job.attemptsMade).toBe(1);
    expect(job.returnvalue).toMatchObject({ workspaceId: f.workspaceId, created: 5 });
    const ranOn = (await Promise.all(am.map(completed))).map((v, i) => v - before[i]);
    expect(ranOn[0] + ranOn[1]).toBe(1);
    const revisits = await db<{ n: number }>(
      `SELECT count(*)::int AS n FROM account_management.revisits WHERE workspace_id = $1`,
      [f.workspaceId],
    );
    expect(revisits[0].n).toBe(5);
    // The following period is scheduled once, too.
    const following = await eventually('the following run', async () => {
      const d = (await queue.getDelayed()).filter((j) => j.repeatJobKey === key);
      return d.length ? d : undefined;
    });
    expect(following).toHaveLength(1);
    process.stdout.write(
      `replicas: one scheduled revisit sweep, run by replica ${ranOn[0] ? 1 : 2} of 2 only (${ranOn.join(' + ')}); 5 revisits once; next run scheduled once\n`,
    );
  });
});
