import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { redisConnectionOptions } from '@app/jobs';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { eventually, expectProblem } from '../support/e2e-helpers';
import { addDays, dateInTimeZone } from '../../apps/account-management/src/domain/revisit';

type Who = keyof Fixture['members'];
const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;

interface Revisit {
  id: string;
  accountId: string;
  dueDate: string;
  status: string;
  assigneeId: string;
  escalationLevel: number;
  satisfaction: number | null;
  rescheduledFrom: string | null;
  rescheduleReason: string | null;
  version: number;
}

/** Revisits (回访) on the tier cadence, the daily sweep, escalation and notifications: gateway → NATS → PostgreSQL. */
describe('revisits', () => {
  const system = new TestSystem();
  let f: Fixture;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as Who[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const daysAgo = (n: number) => new Date(Date.now() - n * DAY);
  /** Noon of a workspace day, as the sweep's clock. */
  const noonOf = (date: string) => `${date}T12:00:00+08:00`;
  const lastContact = (accountId: string, at: Date) =>
    db(`UPDATE account_management.accounts SET last_contact_at = $2 WHERE id = $1`, [accountId, at]);
  const sweep = async (asOf?: string) =>
    (
      await api()
        .post('/api/v1/admin/jobs/revisits/run')
        .set(as('admin'))
        .send(asOf ? { asOf } : {})
        .expect(200)
    ).body as { created: number; markedOverdue: number; escalations: number; today: string };
  const revisitsOf = async (accountId: string) =>
    (await api().get(`/api/v1/accounts/${accountId}/revisits`).set(as('director')).expect(200)).body
      .items as Revisit[];
  const listAs = async (who: Who, query = '') =>
    (await api().get(`/api/v1/revisits${query}`).set(as(who)).expect(200)).body.items as Revisit[];
  const notificationsOf = async (who: Who, query = '') =>
    (await api().get(`/api/v1/notifications${query}`).set(as(who)).expect(200)).body.items as {
      id: string;
      kind: string;
      title: string;
      link: Record<string, unknown>;
      readAt: string | null;
    }[];
  const revisitState = async (id: string) =>
    (
      await db(
        `SELECT r.status, r.version, r.due_date::text AS due, r.satisfaction,
                a.last_contact_at, a.next_revisit_due::text AS next_due,
                (SELECT count(*)::int FROM account_management.account_timeline t WHERE t.account_id = a.id) AS timeline
         FROM account_management.revisits r JOIN account_management.accounts a ON a.id = r.account_id WHERE r.id = $1`,
        [id],
      )
    )[0];

  describe('the daily sweep', () => {
    it('creates revisits per tier cadence: a gold account last contacted 15 days ago is due, a silver one is not', async () => {
      await lastContact(f.accounts.am1Own, daysAgo(15)); // gold: every 14 days
      await lastContact(f.accounts.am3Own, daysAgo(15)); // silver: every 90 days
      const due = addDays(dateInTimeZone(daysAgo(15), TZ), 14);
      const res = await sweep(noonOf(due));
      expect(res).toMatchObject({ workspaceId: f.workspaceId, today: due, created: 1 });
      const [gold] = await revisitsOf(f.accounts.am1Own);
      expect(gold).toMatchObject({
        dueDate: due,
        status: 'planned',
        assigneeId: f.members.am1.id,
        escalationLevel: 0,
        version: 1,
      });
      expect(await revisitsOf(f.accounts.am3Own)).toEqual([]);
      const [acc] = await db<{ next_due: string }>(
        `SELECT next_revisit_due::text AS next_due FROM account_management.accounts WHERE id = $1`,
        [f.accounts.am1Own],
      );
      expect(acc.next_due).toBe(due);
    });

    it('running it again the same day creates no second revisit', async () => {
      const due = addDays(dateInTimeZone(daysAgo(15), TZ), 14);
      expect((await sweep(noonOf(due))).created).toBe(0);
      expect(await revisitsOf(f.accounts.am1Own)).toHaveLength(1);
    });

    it('only an admin may run it (jobs:console)', async () => {
      const res = await api().post('/api/v1/admin/jobs/revisits/run').set(as('director')).send({});
      expectProblem(res, 403, 'forbidden');
      const bad = await api()
        .post('/api/v1/admin/jobs/revisits/run')
        .set(as('admin'))
        .send({ asOf: 'yesterday' });
      expectProblem(bad, 400, 'validation_failed');
      // An admin runs the jobs of their own workspace only.
      const other = await api()
        .post('/api/v1/admin/jobs/revisits/run')
        .set(as('admin'))
        .send({ workspaceId: '00000000-0000-4000-8000-000000000000' });
      expectProblem(other, 403, 'forbidden');
    });
  });

  describe('completing a revisit', () => {
    it('bad input is a 400 and changes nothing', async () => {
      const [r] = await revisitsOf(f.accounts.am1Own);
      const before = await revisitState(r.id);
      for (const body of [
        { satisfaction: 6 },
        { satisfaction: 0 },
        { satisfaction: '4' },
        {},
        { satisfaction: 3, issues: '' },
      ]) {
        const res = await api()
          .post(`/api/v1/revisits/${r.id}/completion`)
          .set(as('am1'))
          .set('If-Match', `"${r.version}"`)
          .send(body);
        expectProblem(res, 400, 'validation_failed');
      }
      expectProblem(
        await api().post(`/api/v1/revisits/${r.id}/completion`).set(as('am1')).send({ satisfaction: 4 }),
        428,
      );
      expectProblem(
        await api()
          .post(`/api/v1/revisits/${r.id}/completion`)
          .set(as('am1'))
          .set('If-Match', '"9"')
          .send({ satisfaction: 4 }),
        412,
        'precondition_failed',
      );
      expectProblem(
        await api()
          .post('/api/v1/revisits/not-a-uuid/completion')
          .set(as('am1'))
          .set('If-Match', '"1"')
          .send({ satisfaction: 4 }),
        400,
      );
      expect(await revisitState(r.id)).toEqual(before);
    });

    it("records the outcome and moves the account's last contact and next due date, with timeline and event", async () => {
      const [r] = await revisitsOf(f.accounts.am1Own);
      const res = await api()
        .post(`/api/v1/revisits/${r.id}/completion`)
        .set(as('am1'))
        .set('If-Match', `"${r.version}"`)
        .send({ satisfaction: 4, issues: '交货周期偏长', nextSteps: '下月安排技术交流' })
        .expect(200);
      expect(res.headers.etag).toBe(`"${r.version + 1}"`);
      expect(res.body).toMatchObject({ status: 'done', satisfaction: 4, completedBy: f.members.am1.id });
      const today = dateInTimeZone(new Date(), TZ);
      const state = await revisitState(r.id);
      expect(state.next_due).toBe(addDays(today, 14));
      expect(Date.now() - (state.last_contact_at as Date).getTime()).toBeLessThan(60_000);
      const timeline = (
        await api().get(`/api/v1/accounts/${f.accounts.am1Own}/timeline`).set(as('director')).expect(200)
      ).body.items as { kind: string; details: Record<string, unknown> }[];
      expect(timeline.find((e) => e.kind === 'revisit_completed')?.details).toMatchObject({
        revisitId: r.id,
        satisfaction: 4,
      });
      const events = await db<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM account_management.outbox
         WHERE subject = 'kam.events.accounts.revisit.completed' AND payload->>'revisitId' = $1`,
        [r.id],
      );
      expect(events.map((e) => e.payload)).toEqual([
        expect.objectContaining({
          accountId: f.accounts.am1Own,
          satisfaction: 4,
          nextRevisitDue: addDays(today, 14),
        }),
      ]);
      // Done is done: a second completion is a conflict; the next sweep does not create one for this account.
      expectProblem(
        await api()
          .post(`/api/v1/revisits/${r.id}/completion`)
          .set(as('am1'))
          .set('If-Match', `"${r.version + 1}"`)
          .send({ satisfaction: 5 }),
        409,
      );
      expect((await sweep()).created).toBe(0);
      expect(await revisitsOf(f.accounts.am1Own)).toHaveLength(1);
    });

    it('a communication record also moves the last contact', async () => {
      await lastContact(f.accounts.leader1Own, daysAgo(30));
      await api()
        .post(`/api/v1/accounts/${f.accounts.leader1Own}/records`)
        .set(as('leader1'))
        .send({
          kind: 'call',
          occurredAt: new Date(Date.now() - 3600_000).toISOString(),
          summary: '电话回访',
        })
        .expect(201);
      const [acc] = await db<{ last_contact_at: Date }>(
        `SELECT last_contact_at FROM account_management.accounts WHERE id = $1`,
        [f.accounts.leader1Own],
      );
      expect(Date.now() - acc.last_contact_at.getTime()).toBeLessThan(2 * 3600_000);
    });
  });

  describe('overdue revisits escalate: owner → group leader → director', () => {
    // Platinum: every 45 days. Last contacted 60 days ago, so it fell due 15 days ago.
    const lastAt = () => daysAgo(60);
    const dueDate = () => addDays(dateInTimeZone(lastAt(), TZ), 45);
    let revisit: Revisit;

    beforeAll(async () => {
      await lastContact(f.accounts.am2Own, lastAt());
      expect((await sweep(noonOf(dueDate()))).created).toBe(1);
      [revisit] = await revisitsOf(f.accounts.am2Own);
      expect(revisit).toMatchObject({ status: 'planned', assigneeId: f.members.am2.id, escalationLevel: 0 });
    });

    const escalations = () =>
      db<{ level: number; to_member_id: string }>(
        `SELECT level, to_member_id FROM account_management.revisit_escalations WHERE revisit_id = $1 ORDER BY level`,
        [revisit.id],
      );

    it('one day overdue: marked overdue and escalated to the group leader of the owner’s team, notified in-app', async () => {
      const res = await sweep(noonOf(addDays(dueDate(), 1)));
      expect(res).toMatchObject({ markedOverdue: 1, escalations: 1 });
      expect((await revisitsOf(f.accounts.am2Own))[0]).toMatchObject({
        status: 'overdue',
        escalationLevel: 1,
      });
      expect(await escalations()).toEqual([{ level: 1, to_member_id: f.members.leader1.id }]);
      const notes = await notificationsOf('leader1');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({
        kind: 'revisit_escalated',
        link: { revisitId: revisit.id, accountId: f.accounts.am2Own, level: 1 },
        readAt: null,
      });
      expect(notes[0].title).toContain('北京中联能源有限公司');
      expect(await notificationsOf('director')).toEqual([]);
      // The same day again: nothing more.
      expect(await sweep(noonOf(addDays(dueDate(), 1)))).toMatchObject({ created: 0, escalations: 0 });
    });

    it('seven days overdue: escalated to the director, each step recorded and told as an event', async () => {
      const res = await sweep(noonOf(addDays(dueDate(), 7)));
      expect(res).toMatchObject({ markedOverdue: 0, escalations: 1 });
      expect((await revisitsOf(f.accounts.am2Own))[0]).toMatchObject({
        status: 'overdue',
        escalationLevel: 2,
      });
      expect(await escalations()).toEqual([
        { level: 1, to_member_id: f.members.leader1.id },
        { level: 2, to_member_id: f.members.director.id },
      ]);
      const notes = await notificationsOf('director');
      expect(notes.map((n) => n.link)).toEqual([
        { revisitId: revisit.id, accountId: f.accounts.am2Own, level: 2 },
      ]);
      expect(await notificationsOf('leader1')).toHaveLength(1);
      const events = await db<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM account_management.outbox
         WHERE subject = 'kam.events.accounts.revisit.escalated' AND payload->>'revisitId' = $1 ORDER BY seq`,
        [revisit.id],
      );
      expect(events.map((e) => [e.payload.level, e.payload.toMemberId])).toEqual([
        [1, f.members.leader1.id],
        [2, f.members.director.id],
      ]);
      expect((await sweep(noonOf(addDays(dueDate(), 8)))).escalations).toBe(0);
    });

    it('a member reads only their own notifications and marks them read', async () => {
      const [note] = await notificationsOf('director');
      const other = await api().post(`/api/v1/notifications/${note.id}/read`).set(as('leader1'));
      expectProblem(other, 404);
      const read = await api().post(`/api/v1/notifications/${note.id}/read`).set(as('director')).expect(200);
      expect(read.body.readAt).not.toBeNull();
      expect(await notificationsOf('director', '?unread=true')).toEqual([]);
      expect(await notificationsOf('director')).toHaveLength(1);
      expectProblem(await api().get('/api/v1/notifications?unread=maybe').set(as('director')), 400);
    });

    it('rescheduling needs a reason and a day not in the past; then the revisit is planned again', async () => {
      const before = await revisitState(revisit.id);
      const tomorrow = addDays(dateInTimeZone(new Date(), TZ), 1);
      for (const body of [
        { dueDate: tomorrow },
        { dueDate: tomorrow, reason: '' },
        { dueDate: '2020-01-01', reason: '客户要求改期' },
        { dueDate: '2026-02-30', reason: '客户要求改期' },
      ]) {
        const res = await api().post(`/api/v1/revisits/${revisit.id}/reschedule`).set(as('am2')).send(body);
        expectProblem(res, 400, 'validation_failed');
      }
      expect(await revisitState(revisit.id)).toEqual(before);
      const res = await api()
        .post(`/api/v1/revisits/${revisit.id}/reschedule`)
        .set(as('am2'))
        .send({ dueDate: tomorrow, reason: '客户要求改期' })
        .expect(200);
      expect(res.body).toMatchObject({
        dueDate: tomorrow,
        status: 'planned',
        rescheduledFrom: dueDate(),
        rescheduleReason: '客户要求改期',
      });
    });
  });

  describe('permissions per role', () => {
    beforeAll(async () => {
      // The service team does this workspace's revisits from now on; the team has no leader, so its first member.
      await db(
        `UPDATE account_management.workspaces SET settings = settings || '{"revisitAssignee": "service_team"}' WHERE id = $1`,
        [f.workspaceId],
      );
      await lastContact(f.accounts.am3Own, daysAgo(100)); // silver, serviced by the service team
      const due = addDays(dateInTimeZone(daysAgo(100), TZ), 90);
      expect((await sweep(noonOf(due))).created).toBe(1);
    });

    it('with revisitAssignee = service_team the revisit goes to the service team', async () => {
      expect((await revisitsOf(f.accounts.am3Own))[0].assigneeId).toBe(f.members.service.id);
    });

    it('an account manager sees the revisits of their own accounts only', async () => {
      expect(new Set((await listAs('am1')).map((r) => r.accountId))).toEqual(new Set([f.accounts.am1Own]));
      expect(new Set((await listAs('am2')).map((r) => r.accountId))).toEqual(new Set([f.accounts.am2Own]));
    });

    it("customer service sees its service team's accounts' revisits", async () => {
      expect((await listAs('service')).map((r) => r.accountId)).toEqual([f.accounts.am3Own]);
    });

    it('the group leader sees the team, the director everything, filters narrow', async () => {
      expect(new Set((await listAs('leader1')).map((r) => r.accountId))).toEqual(
        new Set([f.accounts.am1Own, f.accounts.am2Own]),
      );
      expect(await listAs('director')).toHaveLength(3);
      expect((await listAs('director', '?status=done')).map((r) => r.accountId)).toEqual([f.accounts.am1Own]);
      expect(
        (await listAs('director', `?assigneeId=${f.members.service.id}`)).map((r) => r.accountId),
      ).toEqual([f.accounts.am3Own]);
      expect(await listAs('director', '?dueBefore=2000-01-01')).toEqual([]);
      expectProblem(
        await api().get('/api/v1/revisits?status=lost').set(as('director')),
        400,
        'validation_failed',
      );
    });

    it('a market researcher and the admin see none; another account manager cannot complete or see it', async () => {
      expectProblem(await api().get('/api/v1/revisits').set(as('researcher')), 403, 'forbidden');
      expectProblem(await api().get('/api/v1/revisits').set(as('admin')), 403, 'forbidden');
      const [r] = await revisitsOf(f.accounts.am2Own);
      expectProblem(
        await api()
          .post(`/api/v1/revisits/${r.id}/completion`)
          .set(as('am1'))
          .set('If-Match', `"${r.version}"`)
          .send({ satisfaction: 3 }),
        404,
      );
      expectProblem(await api().get(`/api/v1/accounts/${f.accounts.am2Own}/revisits`).set(as('am1')), 404);
      // The clerk and the executive read, but do not complete.
      expect(await listAs('clerk')).toHaveLength(3);
      expectProblem(
        await api()
          .post(`/api/v1/revisits/${r.id}/completion`)
          .set(as('clerk'))
          .set('If-Match', `"${r.version}"`)
          .send({ satisfaction: 3 }),
        403,
      );
    });
  });

  describe("the due day in the workspace's own time zone, to the second", () => {
    // New York, on 2026-03-22 (gold: every 14 days, so a last contact on 2026-03-08, local date, falls due today;
    // summer time began that day at 02:00).
    const NY_NOON = '2026-03-22T12:00:00-04:00';
    let g: Fixture;
    let adminToken: string;
    const ids: Record<string, string> = {};
    const account = async (key: string, clock: string | null, status = 'active', createdAt?: string) => {
      ids[key] = randomUUID();
      await db(
        `INSERT INTO account_management.accounts (id, workspace_id, crm_company_id, name, tier, category, status,
           owner_id, last_contact_at, created_at)
         VALUES ($1, $2, $3, $4, 'gold', 'industry', $5, $6, $7, coalesce($8::timestamptz, now()))`,
        [
          ids[key],
          g.workspaceId,
          `crm-tz-${key}`,
          `时区测试 ${key}`,
          status,
          g.members.am1.id,
          clock,
          createdAt ?? null,
        ],
      );
    };
    const revisit = (key: string, due: string, status: string) =>
      db(
        `INSERT INTO account_management.revisits (id, workspace_id, account_id, due_date, assignee_id, status)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [randomUUID(), g.workspaceId, ids[key], due, g.members.am1.id, status],
      );

    beforeAll(async () => {
      g = await createWorkspace(system.env);
      adminToken = await memberToken(system.jwtSecret, g, 'admin');
      await db(
        `UPDATE account_management.workspaces SET settings = settings || '{"timeZone": "America/New_York"}' WHERE id = $1`,
        [g.workspaceId],
      );
      // The fixture's own accounts were created now (no last contact): not due on 2026-03-22.
      await account('lastSecondOfTheDay', '2026-03-08T23:59:59-04:00');
      await account('firstSecondOfTheNext', '2026-03-09T00:00:00-04:00');
      await account('beforeSummerTime', '2026-03-08T00:30:00-05:00');
      await account('utcSaysTheNextDay', '2026-03-09T03:30:00Z'); // 23:30 on the 8th in New York
      await account('longOverdue', '2026-01-01T10:00:00-05:00');
      await account('neverContacted', null, 'active', '2026-03-08T18:00:00-04:00');
      await account('prospect', '2026-03-01T10:00:00-05:00', 'prospect');
      await account('cancelledToday', '2026-03-08T10:00:00-04:00');
      await revisit('cancelledToday', '2026-03-22', 'cancelled');
      await account('alreadyOpen', '2026-03-08T10:00:00-04:00');
      await revisit('alreadyOpen', '2026-03-21', 'planned');
    });

    const run = async () =>
      (
        await api()
          .post('/api/v1/admin/jobs/revisits/run')
          .set({ Authorization: `Bearer ${adminToken}` })
          .send({ asOf: NY_NOON })
          .expect(200)
      ).body as { created: number; today: string };

    it('an account is due when its last contact, as a local date, plus the cadence is today or earlier', async () => {
      const res = await run();
      expect(res).toMatchObject({ today: '2026-03-22', created: 5 });
      const rows = await db<{ account_id: string; due: string; status: string }>(
        `SELECT account_id, due_date::text AS due, status FROM account_management.revisits
         WHERE workspace_id = $1 AND status IN ('planned', 'overdue')`,
        [g.workspaceId],
      );
      const byKey = Object.fromEntries(
        Object.entries(ids).map(([k, id]) => [k, rows.filter((r) => r.account_id === id).map((r) => r.due)]),
      );
      expect(byKey).toEqual({
        lastSecondOfTheDay: ['2026-03-22'],
        firstSecondOfTheNext: [],
        beforeSummerTime: ['2026-03-22'],
        utcSaysTheNextDay: ['2026-03-22'],
        longOverdue: ['2026-01-15'],
        neverContacted: ['2026-03-22'],
        prospect: [],
        cancelledToday: [], // one revisit per account and day: cancelled today is not made again
        alreadyOpen: ['2026-03-21'], // one open revisit per account
      });
    });

    it('the next day the account first contacted at midnight falls due; nothing twice', async () => {
      expect((await run()).created).toBe(0);
      const next = await api()
        .post('/api/v1/admin/jobs/revisits/run')
        .set({ Authorization: `Bearer ${adminToken}` })
        .send({ asOf: '2026-03-23T00:00:01-04:00' })
        .expect(200);
      expect(next.body).toMatchObject({ today: '2026-03-23', created: 1 });
      const [r] = await db<{ due: string }>(
        `SELECT due_date::text AS due FROM account_management.revisits WHERE account_id = $1`,
        [ids.firstSecondOfTheNext],
      );
      expect(r.due).toBe('2026-03-23');
    });
  });

  describe('the schedule', () => {
    let queue: Queue;
    let before: Set<string>;

    beforeAll(async () => {
      queue = new Queue('revisits', {
        connection: redisConnectionOptions(system.env.redisUrl),
        prefix: 'kam',
      });
      before = new Set((await queue.getJobSchedulers()).map((s) => s.key));
    });
    afterAll(async () => {
      // Job schedulers outlive the process: stop the apps, then remove what this suite created.
      await system.stop();
      for (const s of await queue.getJobSchedulers())
        if (!before.has(s.key)) await queue.removeJobScheduler(s.key);
      await queue.close();
    });

    it('the runs are jobs of the revisits queue, with their results, as the job console shows them', async () => {
      const runs = (await queue.getCompleted()).filter(
        (j) => j.name === 'CreateDueRevisitsJob' && j.data?.workspaceId === f.workspaceId,
      );
      expect(runs.length).toBeGreaterThan(5);
      expect(runs.every((j) => typeof j.returnvalue?.created === 'number')).toBe(true);
    });

    it('every workspace gets a daily sweep at 06:00 in its own time zone', async () => {
      const exit = await system.stopApp('account-management');
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      system.spawnApp('account-management');
      await system.waitHealthy();
      const mine = await eventually('the revisit scheduler of the workspace', async () => {
        const found = (await queue.getJobSchedulers()).filter((s) => s.key.includes(f.workspaceId));
        return found.length ? found : undefined;
      });
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        key: `CreateDueRevisitsJob:${f.workspaceId}`,
        name: 'CreateDueRevisitsJob',
        tz: 'Asia/Shanghai',
        pattern: '0 6 * * *',
      });
      // 06:00 in Shanghai is 22:00 UTC.
      expect(new Date(mine[0].next as number).getUTCHours()).toBe(22);
    });
  });
});
