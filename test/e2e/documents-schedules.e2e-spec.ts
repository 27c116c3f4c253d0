import request from 'supertest';
import { Queue } from 'bullmq';
import { QueueName, QUEUE_PREFIX, redisConnectionOptions, workspaceSchedulerId } from '@app/jobs';
import { adminUrl } from '../support/env';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { eventually } from '../support/e2e-helpers';
import { TestSystem } from '../support/system';
import { runJobAt } from '../support/jobs';

type Who = keyof Fixture['members'];

/** The periodic document jobs with the local time each runs at (apps/document-security/src/documents/document-jobs.ts). */
const JOBS: Record<string, string> = {
  VerifyAccessLogJob: '02:30',
  ExpireGrantsJob: '00:10',
  RemindPolicyAcknowledgementsJob: '09:00',
};
const NEW_YORK = 'America/New_York';

/** A time as read on a wall clock in the zone, e.g. '02:30'. */
const localTime = (at: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(at),
  );

/**
 * Document-security's periodic jobs and a policy reminder's "day" run in each workspace's own time zone (issue 6),
 * which it learns from account-management: its workspace list at start (retried until it answers), a re-check every
 * minute and settings.changed events.
 */
describe("document schedules in each workspace's time zone", () => {
  const system = new TestSystem();
  let queue: Queue;
  const tokens = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    await system.start();
    queue = new Queue(QueueName.Documents, {
      connection: redisConnectionOptions(system.env.redisUrl),
      prefix: QUEUE_PREFIX,
    });
  });
  afterAll(async () => {
    // Job schedulers outlive the process; the service now keeps one per workspace of the stack.
    if (queue) {
      for (const s of await queue.getJobSchedulers()) await queue.removeJobScheduler(s.key);
      await queue.close();
    }
    await system.stop();
  });

  const api = () => request(system.baseUrl);
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const workspace = async () => {
    const w = await createWorkspace(system.env);
    const t: Record<string, string> = {};
    for (const who of ['director', 'admin', 'am1'] as Who[])
      t[who] = await memberToken(system.jwtSecret, w, who);
    tokens.set(w.workspaceId, t);
    return w;
  };
  const as = (w: Fixture, who: Who) => ({ Authorization: `Bearer ${tokens.get(w.workspaceId)![who]}` });
  const createDocument = async (w: Fixture, who: Who, fields: Record<string, string>) => {
    const r = api().post('/api/v1/documents').set(as(w, who));
    for (const [k, v] of Object.entries(fields)) void r.field(k, v);
    const res = await r.attach('file', Buffer.from('制度正文\n'), {
      filename: 'doc.txt',
      contentType: 'text/plain',
    });
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
    return res.body as { id: string };
  };
  /** The zone of each document job's scheduler of the workspace (undefined: none). */
  const schedulerZones = async (workspaceId: string) => {
    const zones: Record<string, string | undefined> = {};
    for (const name of Object.keys(JOBS))
      zones[name] = (await queue.getJobScheduler(workspaceSchedulerId(name, workspaceId)))?.tz ?? undefined;
    return zones;
  };
  const allIn = (timeZone: string) => Object.fromEntries(Object.keys(JOBS).map((n) => [n, timeZone]));
  const scheduledIn = (workspaceId: string, timeZone: string, timeoutMs = 15000) =>
    eventually(
      `the document jobs of ${workspaceId} scheduled in ${timeZone}`,
      async () => {
        const zones = await schedulerZones(workspaceId);
        if (Object.values(zones).every((z) => z === timeZone)) return zones;
        throw new Error(`zones are ${JSON.stringify(zones)}`);
      },
      { timeoutMs },
    );
  const storedZone = async (workspaceId: string) =>
    (
      await db<{ time_zone: string }>(
        `SELECT time_zone FROM document_security.workspaces WHERE workspace_id = $1`,
        [workspaceId],
      )
    )[0]?.time_zone;
  /** Changes the zone in account-management directly, as if its settings.changed event had been missed. */
  const changeZoneWithoutEvent = (workspaceId: string, timeZone: string) =>
    db(
      `UPDATE account_management.workspaces SET time_zone = $2,
         settings = jsonb_set(settings, '{timeZone}', to_jsonb($2::text)) WHERE id = $1`,
      [workspaceId, timeZone],
    );

  describe('a workspace in America/New_York', () => {
    let ny: Fixture;

    beforeAll(async () => {
      ny = await workspace();
    });

    it('changing the zone in the settings reschedules every document job at its local time there', async () => {
      const s = await api().get('/api/v1/settings').set(as(ny, 'director')).expect(200);
      await api()
        .patch('/api/v1/settings')
        .set(as(ny, 'director'))
        .set('If-Match', s.headers.etag)
        .send({ changes: { timeZone: NEW_YORK }, reason: '纽约分部' })
        .expect(200);
      await scheduledIn(ny.workspaceId, NEW_YORK);
      for (const [name, at] of Object.entries(JOBS)) {
        const scheduler = await queue.getJobScheduler(workspaceSchedulerId(name, ny.workspaceId));
        expect({ name, tz: scheduler?.tz, at: localTime(Number(scheduler?.next), NEW_YORK) }).toEqual({
          name,
          tz: NEW_YORK,
          at,
        });
      }
      await eventually('the zone stored by document-security', async () =>
        (await storedZone(ny.workspaceId)) === NEW_YORK ? true : undefined,
      );
    });

    it("a policy reminder's day is the day in New York, not in Shanghai", async () => {
      const policy = await createDocument(ny, 'director', {
        kind: 'policy',
        classification: 'internal',
        title: '纽约分部保密制度',
      });
      await api().post(`/api/v1/documents/${policy.id}/publish`).set(as(ny, 'director')).expect(200);
      // The daily job as it runs at `asOf` (the admin's run-now takes no future asOf: the job goes on its queue).
      const run = async (asOf: string) =>
        (
          await runJobAt(
            system.env,
            '/api/v1/admin/jobs/documents/policy-reminders/run',
            ny.workspaceId,
            asOf,
          )
        ).reminders as number;
      // 23:30 and 00:30 in New York are two days there, one day (the 2nd, 12:30 and 13:30) in Shanghai.
      const evening = await run('2099-01-01T23:30:00-05:00');
      expect(evening).toBeGreaterThan(0);
      expect(await run('2099-01-01T23:50:00-05:00')).toBe(0);
      expect(await run('2099-01-02T00:30:00-05:00')).toBe(evening);
      const days = await db<{ day: string; n: number }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, count(*)::int AS n FROM document_security.policy_reminders
         WHERE document_id = $1 GROUP BY day ORDER BY day`,
        [policy.id],
      );
      expect(days).toEqual([
        { day: '2099-01-01', n: evening },
        { day: '2099-01-02', n: evening },
      ]);
    });
  });

  it('a workspace in the default zone counts the same two runs as one day in Shanghai', async () => {
    const sh = await workspace();
    const policy = await createDocument(sh, 'director', {
      kind: 'policy',
      classification: 'internal',
      title: '保密制度',
    });
    await api().post(`/api/v1/documents/${policy.id}/publish`).set(as(sh, 'director')).expect(200);
    const run = async (asOf: string) =>
      (await runJobAt(
        system.env,
        '/api/v1/admin/jobs/documents/policy-reminders/run',
        sh.workspaceId,
        asOf,
      )) as {
        reminders: number;
      };
    expect((await run('2099-01-01T23:30:00-05:00')).reminders).toBeGreaterThan(0);
    expect((await run('2099-01-02T00:30:00-05:00')).reminders).toBe(0);
    expect(
      await db(
        `SELECT DISTINCT to_char(day, 'YYYY-MM-DD') AS day FROM document_security.policy_reminders
         WHERE document_id = $1`,
        [policy.id],
      ),
    ).toEqual([{ day: '2099-01-02' }]);
  });

  describe('workspaces met before the list names them, and a start without account-management', () => {
    let stored: Fixture;
    let unknown: Fixture;

    it('a first document schedules the jobs in the zone stored before, or in Asia/Shanghai', async () => {
      stored = await workspace();
      unknown = await workspace();
      for (const w of [stored, unknown]) await changeZoneWithoutEvent(w.workspaceId, 'Europe/Berlin');
      await db(
        `INSERT INTO document_security.workspaces (workspace_id, time_zone) VALUES ($1, 'Asia/Tokyo')`,
        [stored.workspaceId],
      );
      // The minute's re-check may land in between (then the zone is already Berlin, which the last test wants).
      await createDocument(stored, 'am1', { kind: 'report', classification: 'internal', title: '周报' });
      await createDocument(unknown, 'am1', { kind: 'report', classification: 'internal', title: '周报' });
      expect(await schedulerZones(stored.workspaceId)).toEqual(allIn('Asia/Tokyo'));
      expect(await schedulerZones(unknown.workspaceId)).toEqual(allIn('Asia/Shanghai'));
    });

    it('starts while account-management is down and schedules from its list once it answers', async () => {
      await system.stopApp('account-management');
      await system.stopApp('document-security');
      system.spawnApp('document-security');
      await eventually(
        'document-security answering while account-management is down',
        async () => {
          const res = await fetch(`${system.baseUrl}/health`);
          const body = (await res.json()) as { services: Record<string, { status: string }> };
          return body.services['document-security']?.status === 'up' &&
            body.services['account-management']?.status === 'down'
            ? true
            : undefined;
        },
        { timeoutMs: 30000 },
      );
      await eventually('the retry to be logged', () =>
        system.logs('document-security').includes('workspaces not available yet') ? true : undefined,
      );
      system.spawnApp('account-management');
      await system.waitHealthy();
      // The first retry comes 15 s after the failed attempt.
      for (const w of [stored, unknown]) {
        await scheduledIn(w.workspaceId, 'Europe/Berlin', 45000);
        expect(await storedZone(w.workspaceId)).toBe('Europe/Berlin');
      }
    }, 150_000);
  });
});
