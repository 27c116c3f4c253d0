import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { enqueueOnce, QueueName, redisConnectionOptions } from '@app/jobs';
import { signOperatorToken } from '../../apps/gateway/src/auth/operator.service';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken } from '../support/fixtures';
import { eventually, expectProblem } from '../support/e2e-helpers';

/** The job console (a workspace's console for its admin, bull-board for the operator) and the periodic jobs. */
describe('the admin job console and scheduled housekeeping', () => {
  const system = new TestSystem();
  let f: Fixture;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of ['admin', 'am1', 'director'] as const)
      tokens[who] = await memberToken(system.jwtSecret, f, who);
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const consoleCookieOf = (res: request.Response): string | undefined => {
    const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
    return raw?.find((c) => c.startsWith('kam_console='));
  };

  describe('who may open the console', () => {
    it('without a token the console answers 401 as a problem, not the board', async () => {
      const res = await api().get('/admin/queues').set('Accept-Language', 'en');
      expectProblem(res, 401, 'unauthenticated');
      expect(res.text).not.toContain('<html');
    });

    it('an account manager signing in with ?token= is refused with 403 and gets no cookie', async () => {
      const res = await api().get(`/admin/queues?token=${tokens.am1}`).redirects(0);
      expectProblem(res, 403, 'forbidden');
      expect(consoleCookieOf(res)).toBeUndefined();
    });

    it("an account manager's token in the console cookie is refused with 403", async () => {
      const page = await api().get('/admin/queues').set('Cookie', `kam_console=${tokens.am1}`);
      expectProblem(page, 403, 'forbidden');
      const queues = await api().get('/admin/queues/api/queues').set('Cookie', `kam_console=${tokens.am1}`);
      expectProblem(queues, 403, 'forbidden');
    });

    it('the director, who sees all business data, still may not open the console: 403', async () => {
      expectProblem(
        await api().get('/admin/queues').set('Cookie', `kam_console=${tokens.director}`),
        403,
        'forbidden',
      );
    });

    it('a garbage console cookie is 401', async () => {
      expectProblem(
        await api().get('/admin/queues/api/queues').set('Cookie', 'kam_console=garbage'),
        401,
        'token_invalid',
      );
    });
  });

  describe('an admin signing in from a browser', () => {
    let cookie: string;

    it("?token= answers 303 to the workspace's console with an HttpOnly, SameSite=Strict cookie", async () => {
      const res = await api().get(`/admin/queues?token=${tokens.admin}`).redirects(0).expect(303);
      expect(res.headers.location).toBe('/admin/queues/summary');
      expect(res.headers.location).not.toContain(tokens.admin);
      const setCookie = consoleCookieOf(res);
      expect(setCookie).toBeDefined();
      expect(setCookie).toMatch(/;\s*HttpOnly/i);
      expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
      expect(setCookie).toMatch(/;\s*Path=\/admin\/queues(;|$)/i);
      cookie = (setCookie as string).split(';')[0];
    });

    it("with that cookie the workspace's console page is served as HTML", async () => {
      expect(cookie).toBeDefined();
      const res = await api().get('/admin/queues/summary').set('Cookie', cookie).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/<html/i);
    });

    it("with that cookie the workspace's console lists every KAM queue", async () => {
      expect(cookie).toBeDefined();
      const res = await api()
        .get('/admin/queues/summary')
        .set('Cookie', cookie)
        .set('Accept', 'application/json')
        .expect(200);
      expect(res.body.workspaceId).toBe(f.workspaceId);
      const names = (res.body.queues as { queue: string }[]).map((q) => q.queue).sort();
      expect(names).toEqual([...Object.values(QueueName)].sort());
    });

    it('the raw board of every queue is not theirs: the page sends them to their console, its API is 403', async () => {
      const page = await api().get('/admin/queues').set('Cookie', cookie).redirects(0).expect(303);
      expect(page.headers.location).toBe('/admin/queues/summary');
      expectProblem(await api().get('/admin/queues/api/queues').set('Cookie', cookie), 403, 'forbidden');
    });
  });

  describe('the deployment operator signing in from a browser', () => {
    let cookie: string;

    it('?token= answers 303 back to /admin/queues with the cookie, and the board lists every KAM queue', async () => {
      const operator = await signOperatorToken(system.operatorSecret, 'operator', 3600);
      const res = await api().get(`/admin/queues?token=${operator}`).redirects(0).expect(303);
      expect(res.headers.location).toBe('/admin/queues');
      cookie = (consoleCookieOf(res) as string).split(';')[0];
      const page = await api().get('/admin/queues').set('Cookie', cookie).expect(200);
      expect(page.text).toMatch(/<html/i);
      const queues = await api().get('/admin/queues/api/queues').set('Cookie', cookie).expect(200);
      const names = (queues.body.queues as { name: string }[]).map((q) => q.name).sort();
      expect(names).toEqual([...Object.values(QueueName)].sort());
    });
  });

  describe('housekeeping schedules per workspace', () => {
    const connection = () => redisConnectionOptions(system.env.redisUrl);
    let maintenance: Queue;
    let before: Set<string>;
    const schedulerId = () => `PurgeIdempotencyKeysJob:${f.workspaceId}`;

    const restartAccountManagement = async () => {
      const exit = await system.stopApp('account-management');
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      system.spawnApp('account-management');
      await system.waitHealthy();
    };
    const schedulersOfWorkspace = async () =>
      (await maintenance.getJobSchedulers()).filter((s) => s.key.includes(f.workspaceId));

    beforeAll(async () => {
      maintenance = new Queue('account-maintenance', { connection: connection(), prefix: 'kam' });
      before = new Set((await maintenance.getJobSchedulers()).map((s) => s.key));
    });

    afterAll(async () => {
      // Job schedulers outlive the process (DESIGN §2): stop the app first, then remove what the restarts
      // created, so no scheduler of this suite is left in Redis.
      await system.stop();
      for (const s of await maintenance.getJobSchedulers())
        if (!before.has(s.key)) await maintenance.removeJobScheduler(s.key);
      await maintenance.close();
    });

    it('a workspace gets a daily purge of idempotency records at 03:30 in its time zone', async () => {
      expect(before.has(schedulerId())).toBe(false);
      await restartAccountManagement();
      const mine = await eventually('the purge scheduler of the new workspace', async () => {
        const found = await schedulersOfWorkspace();
        return found.length ? found : undefined;
      });
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        key: schedulerId(),
        name: 'PurgeIdempotencyKeysJob',
        tz: 'Asia/Shanghai',
        pattern: '30 3 * * *',
      });
      // 03:30 in Shanghai (UTC+8, no daylight saving) is 19:30 UTC, within the next day.
      const next = new Date(mine[0].next as number);
      expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([19, 30]);
      expect(next.getTime() - Date.now()).toBeGreaterThan(0);
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
      expect(mine[0].template?.data).toEqual({ workspaceId: f.workspaceId });
    });

    it('restarting the service again keeps exactly one schedule for the workspace', async () => {
      await restartAccountManagement();
      const all = await maintenance.getJobSchedulers();
      expect(all.filter((s) => s.key === schedulerId())).toHaveLength(1);
      expect(all.filter((s) => s.key.includes(f.workspaceId))).toHaveLength(1);
      const delayed = await maintenance.getDelayed();
      expect(delayed.filter((j) => j.data?.workspaceId === f.workspaceId)).toHaveLength(1);
    });
  });

  describe('enqueueing the same work twice', () => {
    const name = `e2e-enqueue-once-${randomUUID()}`;
    let queue: Queue;

    beforeAll(() => {
      queue = new Queue(name, { connection: redisConnectionOptions(system.env.redisUrl), prefix: 'kam' });
    });
    afterAll(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });

    it('adds a job once for the same id, and another job for a different id', async () => {
      const revisit = randomUUID();
      await enqueueOnce(queue, 'SendReminderJob', `SendReminderJob:${revisit}:2025-01-15`, { revisit });
      await enqueueOnce(queue, 'SendReminderJob', `SendReminderJob:${revisit}:2025-01-15`, { revisit });
      let jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
      expect(jobs).toHaveLength(1);
      expect(jobs[0].data).toEqual({ revisit });
      expect(jobs[0].id).toContain(revisit);

      await enqueueOnce(queue, 'SendReminderJob', `SendReminderJob:${revisit}:2025-01-16`, { revisit });
      jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
      expect(jobs).toHaveLength(2);
    });
  });
});
