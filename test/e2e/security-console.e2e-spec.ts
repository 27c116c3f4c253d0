import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import { QUEUE_PREFIX, QueueName, redisConnectionOptions } from '@app/jobs';
import { signOperatorToken } from '../../apps/gateway/src/auth/operator.service';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken } from '../support/fixtures';
import { eventually, expectProblem } from '../support/e2e-helpers';

/*
 * Issue 14, point 1: the job console crossed workspaces. A workspace's admin sees and retries only their own
 * workspace's jobs; the raw bull-board of every queue is the deployment operator's (KAM_OPERATOR_SECRET), read-only
 * apart from retry; no job is added by hand; cookie-carried writes check Origin; every console action is in the
 * access log; a malformed console request is a 400.
 */
describe('the job console keeps each workspace to itself', () => {
  const system = new TestSystem();
  let a: Fixture;
  let b: Fixture;
  let adminA: string;
  let operator: string;
  let complaints: Queue;
  let crmSync: Queue;
  let events: QueueEvents;
  const api = () => request(system.baseUrl);
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

  /** A job of the workspace that fails at once (no handler knows its name), as a broken run would. */
  const failedJob = async (ws: Fixture): Promise<Job> => {
    const job = await complaints.add(
      'NoSuchJob',
      { workspaceId: ws.workspaceId },
      { attempts: 1, jobId: `NoSuchJob-${ws.workspaceId}-${randomUUID()}`, removeOnFail: false },
    );
    await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/unknown job/);
    return job;
  };
  /** Resolves when the job has failed once more (a retried NoSuchJob runs again and fails again). */
  const failsAgain = (id: string) =>
    new Promise<void>((resolve) => {
      const on = ({ jobId }: { jobId: string }) => {
        if (jobId !== id) return;
        events.off('failed', on);
        resolve();
      };
      events.on('failed', on);
    });
  const stateOf = async (id: string) => (await complaints.getJob(id))?.getState();
  const consoleEntries = async (ws: Fixture) => {
    const res = await api()
      .get('/api/v1/access-log?limit=500')
      .set(bearer(await memberToken(system.jwtSecret, ws, 'security')))
      .expect(200);
    return (
      res.body.items as {
        memberId: string;
        action: string;
        subject: string;
        details: Record<string, unknown>;
      }[]
    ).filter((e) => e.action === 'console');
  };

  beforeAll(async () => {
    await system.start();
    a = await createWorkspace(system.env);
    b = await createWorkspace(system.env);
    adminA = await memberToken(system.jwtSecret, a, 'admin');
    operator = await signOperatorToken(system.operatorSecret, 'ops-team', 3600);
    const connection = redisConnectionOptions(system.env.redisUrl);
    complaints = new Queue(QueueName.Complaints, { connection, prefix: QUEUE_PREFIX });
    crmSync = new Queue(QueueName.CrmSync, { connection, prefix: QUEUE_PREFIX });
    events = new QueueEvents(QueueName.Complaints, { connection, prefix: QUEUE_PREFIX });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events?.close();
    await complaints?.close();
    await crmSync?.close();
    await system.stop();
  });

  describe("a workspace's admin", () => {
    it("cannot read bull-board's every-queue API: 403", async () => {
      expectProblem(await api().get('/admin/queues/api/queues').set(bearer(adminA)), 403, 'forbidden');
    });

    it("cannot add a job to another workspace's CRM sync, and nothing is added", async () => {
      const before = await crmSync.count();
      const res = await api()
        .post('/admin/queues/api/queues/crm-sync/add')
        .set(bearer(adminA))
        .send({ name: 'SyncCompaniesJob', data: { workspaceId: b.workspaceId } });
      expectProblem(res, 403, 'forbidden');
      expect(await crmSync.count()).toBe(before);
    });

    it('cannot pause a queue every workspace shares', async () => {
      expectProblem(
        await api().put('/admin/queues/api/queues/complaints/pause').set(bearer(adminA)),
        403,
        'forbidden',
      );
      expect(await complaints.isPaused()).toBe(false);
    });

    it("sees their own workspace's failures and not another's", async () => {
      const mine = await failedJob(a);
      const theirs = await failedJob(b);
      const res = await api()
        .get('/admin/queues/summary')
        .set(bearer(adminA))
        .set('Accept', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body.workspaceId).toBe(a.workspaceId);
      const failures = (res.body.queues as { queue: string; recentFailures: { jobId: string }[] }[]).flatMap(
        (q) => q.recentFailures.map((x) => x.jobId),
      );
      expect(failures).toContain(mine.id);
      expect(failures).not.toContain(theirs.id);
      expect(JSON.stringify(res.body)).not.toContain(b.workspaceId);
    });

    it("retrying another workspace's job is a 404 and leaves it failed", async () => {
      const theirs = await failedJob(b);
      const res = await api()
        .post(`/admin/queues/summary/complaints/jobs/${encodeURIComponent(String(theirs.id))}/retry`)
        .set(bearer(adminA))
        .set('Accept', 'application/json');
      expectProblem(res, 404, 'not_found');
      expect(await stateOf(String(theirs.id))).toBe('failed');
    });

    it('retrying their own failed job works and is in their access log', async () => {
      const mine = await failedJob(a);
      const ranAgain = failsAgain(String(mine.id));
      const res = await api()
        .post(`/admin/queues/summary/complaints/jobs/${encodeURIComponent(String(mine.id))}/retry`)
        .set(bearer(adminA))
        .set('Accept', 'application/json')
        .expect(200);
      expect(res.body).toMatchObject({ retried: 1, jobId: mine.id });
      await ranAgain;
      const entry = await eventually('the retry in the access log', async () =>
        (await consoleEntries(a)).find((e) => e.details.jobId === mine.id),
      );
      expect(entry).toMatchObject({
        memberId: a.members.admin.id,
        subject: 'job',
        details: expect.objectContaining({ operation: 'retry', queue: 'complaints', caller: 'admin' }),
      });
      expect((await consoleEntries(b)).find((e) => e.details.jobId === mine.id)).toBeUndefined();
    });

    it("retrying all failed jobs touches only the admin's workspace", async () => {
      const theirs = await failedJob(b);
      await failedJob(a);
      const res = await api()
        .post('/admin/queues/summary/complaints/retry')
        .set(bearer(adminA))
        .set('Accept', 'application/json')
        .expect(200);
      expect(res.body.retried).toBeGreaterThanOrEqual(1);
      expect(await stateOf(String(theirs.id))).toBe('failed');
    });
  });

  describe('the console cookie and Origin', () => {
    let cookie: string;

    beforeAll(async () => {
      const res = await api().get(`/admin/queues/summary?token=${adminA}`).redirects(0).expect(303);
      const raw = res.headers['set-cookie'] as unknown as string[];
      cookie = raw.find((c) => c.startsWith('kam_console='))!.split(';')[0];
    });

    it('signing in is in the access log, and the token is not', async () => {
      const entry = await eventually('the sign-in in the access log', async () =>
        (await consoleEntries(a)).find((e) => e.details.operation === 'sign_in'),
      );
      expect(JSON.stringify(entry)).not.toContain(adminA);
    });

    it('a cookie-carried retry from another site is refused (403) and retries nothing', async () => {
      const mine = await failedJob(a);
      for (const origin of [{ Origin: 'https://evil.example' }, {}]) {
        const res = await api()
          .post(`/admin/queues/summary/complaints/jobs/${encodeURIComponent(String(mine.id))}/retry`)
          .set('Cookie', cookie)
          .set(origin)
          .set('Accept', 'application/json');
        expectProblem(res, 403, 'forbidden');
      }
      expect(await stateOf(String(mine.id))).toBe('failed');
    });

    it('the same retry from the console itself goes through', async () => {
      const mine = await failedJob(a);
      await api()
        .post(`/admin/queues/summary/complaints/jobs/${encodeURIComponent(String(mine.id))}/retry`)
        .set('Cookie', cookie)
        .set('Origin', system.baseUrl)
        .set('Accept', 'application/json')
        .expect(200);
    });
  });

  describe('the deployment operator', () => {
    it('reads every queue through bull-board', async () => {
      const res = await api().get('/admin/queues/api/queues').set(bearer(operator)).expect(200);
      const names = (res.body.queues as { name: string }[]).map((q) => q.name);
      expect(names).toEqual(expect.arrayContaining([QueueName.Complaints, QueueName.CrmSync]));
    });

    it.each([
      ['POST', '/admin/queues/api/queues/crm-sync/add'],
      ['PUT', '/admin/queues/api/queues/complaints/pause'],
      ['PUT', '/admin/queues/api/queues/complaints/resume'],
      ['PUT', '/admin/queues/api/queues/complaints/clean/failed'],
      ['PUT', '/admin/queues/api/queues/complaints/empty'],
      ['PUT', '/admin/queues/api/queues/complaints/obliterate'],
      ['DELETE', '/admin/queues/api/queues/complaints/obliterate'],
      ['PUT', '/admin/queues/api/queues/complaints/some-job/promote'],
      ['PUT', '/admin/queues/api/queues/complaints/some-job/clean'],
      ['PATCH', '/admin/queues/api/queues/complaints/some-job/update-data'],
    ])('may not %s %s (405), and nothing changes', async (method, path) => {
      const before = [await crmSync.count(), await complaints.count(), await complaints.isPaused()];
      const verb = method.toLowerCase() as 'post' | 'put' | 'delete' | 'patch';
      const call = api()[verb](path);
      const res = await call
        .set(bearer(operator))
        .send({ name: 'SyncCompaniesJob', data: { workspaceId: b.workspaceId } });
      expectProblem(res, 405, 'console_read_only');
      expect([await crmSync.count(), await complaints.count(), await complaints.isPaused()]).toEqual(before);
    });

    it("retries a workspace's failed job, and the retry is in that workspace's access log", async () => {
      const theirs = await failedJob(b);
      const ranAgain = failsAgain(String(theirs.id));
      await api()
        .put(`/admin/queues/api/queues/complaints/${encodeURIComponent(String(theirs.id))}/retry`)
        .set(bearer(operator))
        .expect(204);
      await ranAgain;
      const entry = await eventually("the operator's retry in the workspace's log", async () =>
        (await consoleEntries(b)).find((e) => e.details.jobId === theirs.id),
      );
      expect(entry).toMatchObject({
        memberId: 'operator:ops-team',
        details: expect.objectContaining({ caller: 'operator' }),
      });
    });

    it('a token signed with the JWT secret cannot pass for the operator', async () => {
      const forged = await signOperatorToken(system.jwtSecret, 'ops-team', 3600);
      expectProblem(await api().get('/admin/queues/api/queues').set(bearer(forged)), 401, 'token_invalid');
    });
  });

  describe('malformed console requests', () => {
    it.each([
      [
        'a body that is not JSON',
        () =>
          api()
            .put('/admin/queues/api/queues/complaints/x/retry')
            .set(bearer(operator))
            .set('Content-Type', 'application/json')
            .send('{"broken":'),
      ],
      [
        'a path that is not valid percent-encoding',
        () =>
          api()
            .post('/admin/queues/summary/%E0%A4%A/retry')
            .set(bearer(adminA))
            .set('Accept', 'application/json'),
      ],
      [
        'a job id that is not valid percent-encoding',
        () => api().put('/admin/queues/api/queues/complaints/%E0%A4%A/retry').set(bearer(operator)),
      ],
    ])('%s is a 400 problem, not a 500', async (_what, send) => {
      const res = await send();
      expectProblem(res, 400);
    });
  });
});
