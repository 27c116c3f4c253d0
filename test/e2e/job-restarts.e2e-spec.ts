import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Job, JobState, Queue } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import { DEFAULT_JOB_OPTIONS, QUEUE_PREFIX, QueueName, redisConnectionOptions } from '@app/jobs';
import { AppName, freePort, ROOT, TestSystem } from '../support/system';
import { createWorkspace, Fixture, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { eventually } from '../support/e2e-helpers';

/*
 * Issue 4, point 10: every job survives a restart of its service and of Redis. On the real servers:
 * (a) a workspace's job schedulers, a delayed job and a waiting job are still in Redis after Redis is stopped and
 *     started again on the same data folder, and they run once account-management has reconnected;
 * (b) a job waiting while account-management is killed with SIGKILL runs after the restart, and its effect
 *     happens once.
 * The suite runs a Redis of its own, started with exactly the arguments the stack gives every Redis
 * (scripts/lib/stack.js: append-only file, fsync every second), so that it can stop it without pulling the
 * shared test Redis from under the other suites. Scheduled runs are switched on for account-management here
 * (KAM_PERIODIC_JOBS=1); a scheduled run's time is reached by promoting its delayed job, never by waiting.
 */

// scripts/lib is plain CommonJS without types: the two functions this suite needs, typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require('../../scripts/lib/stack') as {
  redisServerArgs(port: number, dir: string): string[];
  waitForPort(port: number, host?: string, timeoutMs?: number): Promise<void>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { which } = require('../../scripts/lib/system') as { which(bin: string): string | null };

/** The periodic jobs of account-management, one job scheduler each per workspace (workspace-schedules.service). */
const SCHEDULES: { queue: QueueName; job: string; pattern: string }[] = [
  { queue: QueueName.AccountMaintenance, job: 'PurgeIdempotencyKeysJob', pattern: '' },
  { queue: QueueName.Revisits, job: 'CreateDueRevisitsJob', pattern: '0 6 * * *' },
  { queue: QueueName.Complaints, job: 'MarkComplaintBreachesJob', pattern: '' },
  { queue: QueueName.AccountHealth, job: 'ScoreAccountHealthJob', pattern: '30 5 * * *' },
  { queue: QueueName.AccountHealth, job: 'TenderDeadlineRemindersJob', pattern: '0 7 * * *' },
  { queue: QueueName.AccountHealth, job: 'ContractRenewalRemindersJob', pattern: '30 7 * * *' },
  { queue: QueueName.Surveys, job: 'ScheduleSatisfactionSurveysJob', pattern: '' },
];
const SCHEDULED_QUEUES = [...new Set(SCHEDULES.map((s) => s.queue))];
const APPS: AppName[] = ['account-management', 'performance-evaluation', 'document-security', 'gateway'];
const DAY = 86_400_000;

interface SchedulerSnapshot {
  key: string;
  name: string;
  pattern?: string | null;
  tz?: string | null;
  next?: number;
}

describe('jobs survive a restart of Redis and of account-management', () => {
  const redisBin = which('redis-server') ?? 'redis-server';
  const extraEnv: Partial<Record<AppName, Record<string, string>>> = {};
  const system = new TestSystem({ extraEnv });
  let redisPort = 0;
  let redisDir = '';
  let redisUrl = '';
  let redis: { child: ChildProcess; exited: Promise<number | null> } | undefined;
  let queues = new Map<QueueName, Queue>();
  let a: Fixture;
  let b: Fixture;

  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];

  async function startRedis(): Promise<void> {
    const out = fs.openSync(path.join(redisDir, '..', 'redis-job-restarts.log'), 'a');
    const child = spawn(redisBin, stack.redisServerArgs(redisPort, redisDir), {
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    redis = { child, exited };
    await stack.waitForPort(redisPort);
    // Ready once the append-only file is loaded (LOADING errors until then).
    await eventually('Redis to answer PING', async () => {
      const c = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return (await c.ping()) === 'PONG' ? true : undefined;
      } finally {
        c.disconnect();
      }
    });
  }

  /** A clean stop (SIGTERM): Redis writes what is left of the append-only file and exits. */
  async function stopRedis(): Promise<number | null> {
    if (!redis || redis.child.exitCode !== null) return redis?.child.exitCode ?? null;
    redis.child.kill('SIGTERM');
    return redis.exited;
  }

  function openQueues(): void {
    queues = new Map(
      SCHEDULED_QUEUES.map((name) => [
        name,
        new Queue(name, { connection: redisConnectionOptions(redisUrl), prefix: QUEUE_PREFIX }),
      ]),
    );
  }
  async function closeQueues(): Promise<void> {
    for (const q of queues.values()) await q.close();
    queues.clear();
  }
  const queue = (name: QueueName) => queues.get(name) as Queue;

  async function schedulersOf(workspaceId: string): Promise<SchedulerSnapshot[]> {
    const all: SchedulerSnapshot[] = [];
    for (const q of queues.values())
      for (const s of await q.getJobSchedulers())
        if (s.key.endsWith(`:${workspaceId}`))
          all.push({ key: s.key, name: s.name, pattern: s.pattern, tz: s.tz, next: s.next });
    return all.sort((x, y) => x.key.localeCompare(y.key));
  }

  async function stateOf(q: QueueName, id: string): Promise<JobState | 'unknown'> {
    return queue(q).getJobState(id);
  }
  async function finished(q: QueueName, id: string, timeoutMs = 30000): Promise<Job> {
    return eventually(
      `job ${id} of ${q} to complete`,
      async () => {
        const job = await Job.fromId(queue(q), id);
        if (job?.failedReason) throw new Error(`job ${id} failed: ${job.failedReason}`);
        return job?.finishedOn ? job : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  beforeAll(async () => {
    redisPort = await freePort();
    redisDir = path.join(ROOT, '.data', system.env.profile, 'redis-job-restarts', 'data');
    fs.rmSync(path.dirname(redisDir), { recursive: true, force: true });
    fs.mkdirSync(redisDir, { recursive: true });
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    await startRedis();
    for (const app of APPS) extraEnv[app] = { KAM_REDIS_URL: redisUrl };
    // This suite only: the schedulers' runs are processed, as in production.
    extraEnv['account-management'] = { KAM_REDIS_URL: redisUrl, KAM_PERIODIC_JOBS: '1' };

    // The workspaces exist before account-management starts: it puts their schedulers in place at start-up. The
    // system is started once first so that the schemas are migrated whatever suite ran before (or none).
    await system.start();
    await system.stopApp('account-management');
    [a, b] = await Promise.all([createWorkspace(system.env), createWorkspace(system.env)]);
    // Every account of workspace B was last contacted 100 days ago: its revisits are all due (cadence ≤ 90 days).
    await db(`UPDATE account_management.accounts SET last_contact_at = $2 WHERE workspace_id = $1`, [
      b.workspaceId,
      new Date(Date.now() - 100 * DAY),
    ]);
    system.spawnApp('account-management');
    await system.waitHealthy();
    openQueues();
  });

  afterAll(async () => {
    await system.stop();
    await closeQueues();
    await stopRedis();
    fs.rmSync(path.dirname(redisDir), { recursive: true, force: true });
  });

  it('every Redis the stack starts keeps an append-only file, fsynced every second (the test stack’s too)', async () => {
    for (const url of [system.env.redisUrl, redisUrl]) {
      const c = new IORedis(url, { maxRetriesPerRequest: 1 });
      try {
        expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        expect(await c.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
        expect(await c.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      } finally {
        c.disconnect();
      }
    }
  });

  it("a workspace's seven periodic jobs each have one job scheduler in Redis, in the workspace's time zone", async () => {
    const found = await eventually('the schedulers of workspace A', async () => {
      const s = await schedulersOf(a.workspaceId);
      return s.length >= SCHEDULES.length ? s : undefined;
    });
    expect(found.map((s) => s.key).sort()).toEqual(SCHEDULES.map((s) => `${s.job}:${a.workspaceId}`).sort());
    for (const s of SCHEDULES) {
      const got = found.find((x) => x.key === `${s.job}:${a.workspaceId}`);
      expect(got).toMatchObject({ name: s.job, tz: 'Asia/Shanghai' });
      if (s.pattern) expect(got?.pattern).toBe(s.pattern);
      expect(got?.next).toBeGreaterThan(Date.now());
    }
  });

  describe('Redis stopped and started again on the same data folder', () => {
    const delayedId = `restart-delayed-${randomUUID()}`;
    const waitingId = `restart-waiting-${randomUUID()}`;
    const sweepKey = () => `CreateDueRevisitsJob:${a.workspaceId}`;
    let before: SchedulerSnapshot[] = [];
    let nextRunId = '';
    const asOf = new Date().toISOString();

    beforeAll(async () => {
      before = await schedulersOf(a.workspaceId);
      // The revisit sweep's next scheduled run: one delayed job the scheduler keeps for it.
      const next = (await queue(QueueName.Revisits).getDelayed()).find((j) => j.repeatJobKey === sweepKey());
      expect(next?.id).toBeDefined();
      nextRunId = next?.id as string;
      // A delayed job of our own, due in an hour.
      await queue(QueueName.Revisits).add(
        'CreateDueRevisitsJob',
        { workspaceId: a.workspaceId, asOf },
        { ...DEFAULT_JOB_OPTIONS, jobId: delayedId, delay: 3600_000 },
      );
      // A waiting job: the queue is paused (as an operator pauses it in the console), so nobody takes it yet.
      await queue(QueueName.AccountHealth).pause();
      await queue(QueueName.AccountHealth).add(
        'ContractRenewalRemindersJob',
        { workspaceId: a.workspaceId, asOf },
        { ...DEFAULT_JOB_OPTIONS, jobId: waitingId },
      );
      expect(await stateOf(QueueName.Revisits, delayedId)).toBe('delayed');
      expect(['waiting', 'paused']).toContain(await stateOf(QueueName.AccountHealth, waitingId));

      await closeQueues();
      const code = await stopRedis();
      expect(code).toBe(0);
      // While Redis is down the system says so instead of pretending.
      await eventually('the gateway to report Redis down', async () => {
        const res = await fetch(`${system.baseUrl}/health`);
        return res.status === 503 ? true : undefined;
      });
      await startRedis();
      // Every service has reconnected (the gateway's health asks each one, and each checks its Redis).
      await system.waitHealthy(60000);
      openQueues();
    });

    it('the schedulers are all still there, unchanged (same pattern, time zone and next run)', async () => {
      expect(await schedulersOf(a.workspaceId)).toEqual(before);
    });

    it('the delayed and the waiting job are still there, and the queue is still paused', async () => {
      expect(await stateOf(QueueName.Revisits, delayedId)).toBe('delayed');
      expect(await stateOf(QueueName.Revisits, nextRunId)).toBe('delayed');
      expect(['waiting', 'paused']).toContain(await stateOf(QueueName.AccountHealth, waitingId));
      expect(await queue(QueueName.AccountHealth).isPaused()).toBe(true);
    });

    it('the waiting job runs once the queue is resumed', async () => {
      await queue(QueueName.AccountHealth).resume();
      const job = await finished(QueueName.AccountHealth, waitingId);
      expect(job.returnvalue).toMatchObject({ workspaceId: a.workspaceId, reminded: 0, expired: 0 });
    });

    it('the delayed job runs when its time comes (promoted: the clock is driven, not waited for)', async () => {
      await (await Job.fromId(queue(QueueName.Revisits), delayedId))?.promote();
      const job = await finished(QueueName.Revisits, delayedId);
      expect(job.returnvalue).toMatchObject({ workspaceId: a.workspaceId, created: 0 });
    });

    it("the scheduler's next run is processed by the reconnected service, and the one after it is scheduled", async () => {
      const prevNext = before.find((s) => s.key === sweepKey())?.next as number;
      await (await Job.fromId(queue(QueueName.Revisits), nextRunId))?.promote();
      const job = await finished(QueueName.Revisits, nextRunId);
      // A scheduled run, really processed (not skipped as with KAM_PERIODIC_JOBS=0).
      expect(job.repeatJobKey).toBe(sweepKey());
      expect(job.returnvalue).toMatchObject({ workspaceId: a.workspaceId, created: expect.any(Number) });
      expect(job.returnvalue).not.toHaveProperty('skipped');
      const after = await eventually('the following run to be scheduled', async () => {
        const s = (await schedulersOf(a.workspaceId)).find((x) => x.key === sweepKey());
        return s?.next && s.next > prevNext ? s : undefined;
      });
      // The next day at 06:00 Shanghai.
      expect((after.next as number) - prevNext).toBe(DAY);
    });
  });

  describe('account-management killed with SIGKILL while a job waits', () => {
    const asOf = new Date().toISOString();
    const revisitsOfB = async () =>
      (
        await db<{ n: number; pairs: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT (account_id, due_date))::int AS pairs
           FROM account_management.revisits WHERE workspace_id = $1`,
          [b.workspaceId],
        )
      )[0];
    const sweepB = (jobId: string) =>
      queue(QueueName.Revisits).add(
        'CreateDueRevisitsJob',
        { workspaceId: b.workspaceId, asOf },
        { ...DEFAULT_JOB_OPTIONS, jobId },
      );

    it('the waiting revisit sweep runs after the restart and creates the due revisits once', async () => {
      await system.kill('account-management');
      const id = `restart-kill-${randomUUID()}`;
      await sweepB(id);
      expect(await stateOf(QueueName.Revisits, id)).toBe('waiting');
      expect((await revisitsOfB()).n).toBe(0);

      system.spawnApp('account-management', 'account-management-restarted');
      await system.waitHealthy(60000);
      const job = await finished(QueueName.Revisits, id);
      // All five accounts of workspace B were due; one revisit each.
      expect(job.returnvalue).toMatchObject({ workspaceId: b.workspaceId, created: 5 });
      expect(job.attemptsMade).toBe(1);
      expect(await revisitsOfB()).toEqual({ n: 5, pairs: 5 });
    });

    it('enqueueing it again with the same job id adds nothing; a new run for the same day creates nothing', async () => {
      const id = `restart-rerun-${randomUUID()}`;
      await sweepB(id);
      const rerun = await finished(QueueName.Revisits, id);
      expect(rerun.returnvalue).toMatchObject({ created: 0 });
      const finishedOn = rerun.finishedOn;
      await sweepB(id);
      expect(await stateOf(QueueName.Revisits, id)).toBe('completed');
      expect((await Job.fromId(queue(QueueName.Revisits), id))?.finishedOn).toBe(finishedOn);
      expect(await revisitsOfB()).toEqual({ n: 5, pairs: 5 });
    });
  });
});
