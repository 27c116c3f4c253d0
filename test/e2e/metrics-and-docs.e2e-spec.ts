import request from 'supertest';
import { Job, Queue, QueueEvents } from 'bullmq';
import { EVENTS, SUBJECTS } from '@app/contracts';
import { QueueName, redisConnectionOptions } from '@app/jobs';
import { AppName, freePort, TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken } from '../support/fixtures';
import { eventually, expectProblem } from '../support/e2e-helpers';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Parses the Prometheus text format (the subset our registry writes). */
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

function find(samples: Sample[], name: string, labels: Record<string, string>): Sample | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** Operations (issue 7): /metrics on every app, the queue summary page, and the API documents. */
describe('metrics, the queue summary and the API documents', () => {
  let system: TestSystem;
  let f: Fixture;
  const tokens: Record<string, string> = {};
  const metricsPorts: Partial<Record<AppName, number>> = {};
  const connection = () => redisConnectionOptions(system.env.redisUrl);
  const created: Job[] = [];

  beforeAll(async () => {
    for (const app of ['account-management', 'performance-evaluation', 'document-security'] as const)
      metricsPorts[app] = await freePort();
    system = new TestSystem({
      extraEnv: Object.fromEntries(
        Object.entries(metricsPorts).map(([app, port]) => [app, { KAM_METRICS_PORT: String(port) }]),
      ),
    });
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of ['admin', 'am1', 'director'] as const)
      tokens[who] = await memberToken(system.jwtSecret, f, who);
  });
  afterAll(async () => {
    for (const job of created) await job.remove().catch(() => undefined);
    await system?.stop();
  });

  const api = () => request(system.baseUrl);
  const scrape = async (app: AppName): Promise<Sample[]> => {
    const url = app === 'gateway' ? system.baseUrl : `http://127.0.0.1:${metricsPorts[app]}`;
    // The system is healthy once every service answers over NATS; a service opens its metrics listener when its
    // start-up work is done (schedules of every workspace so far), which can be a little later.
    if (app !== 'gateway')
      await eventually(`${app} metrics listener`, async () =>
        (await fetch(`${url}/metrics`)
          .then((r) => r.ok)
          .catch(() => false))
          ? true
          : undefined,
      );
    const res = await request(url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(res.text);
  };

  /** Adds a job by hand (as the console's "add" would) and waits until a worker has finished with it. */
  async function runJob(queueName: QueueName, name: string, attempts = 1): Promise<Job> {
    const queue = new Queue(queueName, { connection: connection(), prefix: 'kam' });
    const events = new QueueEvents(queueName, { connection: connection(), prefix: 'kam' });
    try {
      await events.waitUntilReady();
      const job = await queue.add(name, { workspaceId: f.workspaceId }, { attempts, removeOnFail: false });
      created.push(job);
      await job.waitUntilFinished(events, 20_000).catch(() => undefined);
      return job;
    } finally {
      await events.close();
      await queue.close();
    }
  }

  describe('/metrics', () => {
    beforeAll(async () => {
      // Some traffic: reads through the gateway (HTTP + NATS), a refused request, and one job run.
      for (let i = 0; i < 3; i++)
        await api().get('/api/v1/accounts').set('Authorization', `Bearer ${tokens.am1}`).expect(200);
      await api().get('/api/v1/accounts').expect(401);
      await runJob(QueueName.AccountMaintenance, 'PurgeIdempotencyKeysJob');
      await runJob(QueueName.Documents, 'E2eMetricsUnknownJob');
    });

    it('the gateway times its HTTP requests by route template and status, never by URL', async () => {
      const samples = await scrape('gateway');
      const ok = find(samples, 'kam_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/v1/accounts',
        status: '200',
      });
      expect(ok?.value).toBeGreaterThanOrEqual(3);
      expect(
        find(samples, 'kam_http_request_duration_seconds_count', { route: '/api/v1/accounts', status: '401' })
          ?.value,
      ).toBeGreaterThanOrEqual(1);
      const sum = find(samples, 'kam_http_request_duration_seconds_sum', {
        route: '/api/v1/accounts',
        status: '200',
      });
      expect(sum?.value).toBeGreaterThan(0);
      expect(sum?.value).toBeLessThan(60);
      // No label carries an id or a token.
      for (const s of samples) {
        for (const v of Object.values(s.labels)) {
          expect(v).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/i);
          expect(v).not.toContain(tokens.am1);
        }
      }
    });

    it('the gateway times its NATS requests by subject and outcome; its own queue depth is read at scrape', async () => {
      const samples = await scrape('gateway');
      expect(
        find(samples, 'kam_nats_client_request_duration_seconds_count', {
          subject: SUBJECTS.accounts.accountList,
          outcome: 'ok',
        })?.value,
      ).toBeGreaterThanOrEqual(3);
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(
          find(samples, 'kam_queue_jobs', { queue: QueueName.CrmSync, state })?.value,
        ).toBeGreaterThanOrEqual(0);
    });

    it('account-management times its handlers and jobs, and reports its queue depths', async () => {
      const samples = await scrape('account-management');
      expect(
        find(samples, 'kam_nats_handler_duration_seconds_count', {
          subject: SUBJECTS.accounts.accountList,
          outcome: 'ok',
        })?.value,
      ).toBeGreaterThanOrEqual(3);
      const job = find(samples, 'kam_job_duration_seconds_count', {
        queue: QueueName.AccountMaintenance,
        name: 'PurgeIdempotencyKeysJob',
        status: 'completed',
      });
      expect(job?.value).toBeGreaterThanOrEqual(1);
      for (const q of [QueueName.AccountMaintenance, QueueName.Revisits, QueueName.Complaints])
        expect(find(samples, 'kam_queue_jobs', { queue: q, state: 'waiting' })).toBeDefined();
      expect(find(samples, 'process_resident_memory_bytes', {})?.value).toBeGreaterThan(1_000_000);
    });

    it('document-security counts a failed job by queue and job name, and its failed depth shows it', async () => {
      const samples = await scrape('document-security');
      expect(
        find(samples, 'kam_job_failures_total', { queue: QueueName.Documents, name: 'E2eMetricsUnknownJob' })
          ?.value,
      ).toBeGreaterThanOrEqual(1);
      expect(
        find(samples, 'kam_queue_jobs', { queue: QueueName.Documents, state: 'failed' })?.value,
      ).toBeGreaterThanOrEqual(1);
    });

    it('performance-evaluation serves its metrics too (its queue at least)', async () => {
      const samples = await scrape('performance-evaluation');
      expect(
        find(samples, 'kam_queue_jobs', { queue: QueueName.Performance, state: 'active' }),
      ).toBeDefined();
    });

    it('the metrics listener of a service serves nothing else', async () => {
      await scrape('account-management');
      await request(`http://127.0.0.1:${metricsPorts['account-management']}`).get('/').expect(404);
    });
  });

  describe('the queue summary page', () => {
    let cookie: string;

    const schedulerId = 'e2e-summary-next-run';
    let maintenance: Queue;

    beforeAll(async () => {
      // A scheduler far in the future (1 January, 03:00), so the page has a next run to show and nothing runs.
      maintenance = new Queue(QueueName.AccountMaintenance, { connection: connection(), prefix: 'kam' });
      await maintenance.upsertJobScheduler(
        schedulerId,
        { pattern: '0 3 1 1 *', tz: 'Asia/Shanghai' },
        { name: 'PurgeIdempotencyKeysJob', data: { workspaceId: f.workspaceId } },
      );
      const res = await api().get(`/admin/queues/summary?token=${tokens.admin}`).redirects(0).expect(303);
      expect(res.headers.location).toBe('/admin/queues/summary');
      const raw = res.headers['set-cookie'] as unknown as string[];
      cookie = raw.find((c) => c.startsWith('kam_console='))!.split(';')[0];
    });
    afterAll(async () => {
      // Job schedulers outlive the process (DESIGN §2).
      await maintenance.removeJobScheduler(schedulerId);
      await maintenance.close();
    });

    it('without a token it is 401; an account manager or the director is 403', async () => {
      expectProblem(await api().get('/admin/queues/summary'), 401, 'unauthenticated');
      expectProblem(
        await api().get('/admin/queues/summary').set('Cookie', `kam_console=${tokens.am1}`),
        403,
        'forbidden',
      );
      expectProblem(
        await api().get('/admin/queues/summary').set('Authorization', `Bearer ${tokens.director}`),
        403,
        'forbidden',
      );
    });

    it('the admin sees per queue the last run, failures in 24 h and the next scheduled run', async () => {
      const res = await api()
        .get('/admin/queues/summary')
        .set('Cookie', cookie)
        .set('Accept', 'application/json')
        .expect(200);
      const byName = new Map(
        (res.body.queues as { queue: string }[]).map((q) => [q.queue, q as Record<string, unknown>]),
      );
      expect([...byName.keys()].sort()).toEqual(Object.values(QueueName).sort());
      const docs = byName.get(QueueName.Documents) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON body
      expect(docs.failedLast24h).toBeGreaterThanOrEqual(1);
      expect(docs.lastRun).toMatchObject({
        name: expect.any(String),
        state: expect.stringMatching(/completed|failed/),
      });
      expect(docs.recentFailures[0]).toMatchObject({
        name: 'E2eMetricsUnknownJob',
        reason: expect.stringContaining('unknown job'),
      });
      const maintenance = byName.get(QueueName.AccountMaintenance) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON body
      expect(maintenance.lastRun).toMatchObject({ name: 'PurgeIdempotencyKeysJob', state: 'completed' });
      // The earliest next run of the queue's schedulers, in the future.
      expect(Date.parse(maintenance.nextScheduledRun.at)).toBeGreaterThan(Date.now());
      expect(maintenance.nextScheduledRun.schedulers).toBeGreaterThanOrEqual(1);

      const html = await api().get('/admin/queues/summary').set('Cookie', cookie).expect(200);
      expect(html.headers['content-type']).toMatch(/^text\/html/);
      expect(html.text).toContain('Failures in the last 24 h');
      expect(html.text).toContain('Retry');
    });

    it('a retry from another site (the cookie alone) is refused; from the console itself the job runs again', async () => {
      const failed = created.find((j) => j.name === 'E2eMetricsUnknownJob')!;
      const queue = new Queue(QueueName.Documents, { connection: connection(), prefix: 'kam' });
      const before = (await queue.getJob(String(failed.id)))!.finishedOn ?? 0;
      const path = `/admin/queues/summary/${QueueName.Documents}/jobs/${failed.id}/retry`;
      expectProblem(
        await api().post(path).set('Cookie', cookie).set('Origin', 'https://evil.example'),
        403,
        'forbidden',
      );
      expectProblem(await api().post(path).set('Cookie', cookie), 403, 'forbidden');
      expectProblem(
        await api().post(path).set('Cookie', `kam_console=${tokens.am1}`).set('Origin', system.baseUrl),
        403,
        'forbidden',
      );
      const res = await api()
        .post(path)
        .set('Cookie', cookie)
        .set('Origin', system.baseUrl)
        .set('Accept', 'application/json')
        .expect(200);
      expect(res.body).toMatchObject({ queue: QueueName.Documents, retried: 1 });
      try {
        // It fails again (the job name is unknown on purpose): failed once more, later than before.
        await eventually('the retried job to fail again', async () => {
          const job = await queue.getJob(String(failed.id));
          return job && (await job.isFailed()) && (job.finishedOn ?? 0) > before ? job : undefined;
        });
      } finally {
        await queue.close();
      }
      expectProblem(
        await api()
          .post(`/admin/queues/summary/no-such-queue/retry`)
          .set('Authorization', `Bearer ${tokens.admin}`),
        404,
        'not_found',
      );
    });
  });

  describe('the API documents', () => {
    it('AsyncAPI 3 is served and lists every subject and event of the contracts', async () => {
      const res = await api().get('/api/asyncapi.yaml').expect(200);
      expect(res.headers['content-type']).toMatch(/yaml/);
      expect(res.text.startsWith('asyncapi: "3.0.0"\n')).toBe(true);
      const subjects = [
        ...Object.values(SUBJECTS).flatMap((s) => Object.values(s) as string[]),
        ...(Object.values(EVENTS) as string[]),
      ];
      const missing = subjects.filter((s) => !res.text.includes(`address: ${s}\n`));
      expect(missing).toEqual([]);
    });

    it('OpenAPI has summaries, examples and problem+json errors for a sample of operations', async () => {
      const doc = (await api().get('/api/docs/openapi.json').expect(200)).body;
      const create = doc.paths['/api/v1/accounts'].post;
      expect(create.summary).toBeTruthy();
      const bodyRef = create.requestBody.content['application/json'].schema.$ref as string;
      const body = doc.components.schemas[bodyRef.split('/').pop() as string];
      for (const [name, prop] of Object.entries(
        body.properties as Record<string, { example?: unknown; $ref?: string; allOf?: unknown }>,
      ))
        if (!prop.$ref && !prop.allOf)
          expect({ name, example: prop.example }).toEqual({ name, example: expect.anything() });
      const update = doc.paths['/api/v1/accounts/{id}'].patch;
      for (const status of ['400', '401', '403', '404', '412'])
        expect(update.responses[status]).toBeDefined();
      const p412 = doc.components.responses.Problem412.content['application/problem+json'];
      expect(p412.example).toMatchObject({ status: 412, code: 'precondition_failed' });
      const list = doc.paths['/api/v1/accounts'].get;
      expect(list.summary).toBeTruthy();
      // The success body comes from the controller's return type (Page<AccountView>), with examples.
      const pageRef = list.responses['200'].content['application/json'].schema.$ref as string;
      const page = doc.components.schemas[pageRef.split('/').pop() as string];
      expect(Object.keys(page.properties)).toEqual(expect.arrayContaining(['items', 'nextCursor']));
      expect(list.responses['401']).toEqual({ $ref: '#/components/responses/Problem401' });
    });
  });
});
