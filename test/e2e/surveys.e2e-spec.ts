import request from 'supertest';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { expectProblem } from '../support/e2e-helpers';
import { runJobAt } from '../support/jobs';

type Who = keyof Fixture['members'];
interface Survey {
  id: string;
  accountId: string;
  trigger: string;
  complaintId: string | null;
  period: string | null;
  status: string;
  dueDate: string;
  answeredAt: string | null;
  scores: Record<string, number> | null;
  comments: string | null;
  respondentContactId: string | null;
  recordedBy: string | null;
  version: number;
}
interface Aggregates {
  timeZone: string;
  rows: {
    key: string | null;
    name: string | null;
    answered: number;
    averages: Record<string, number | null>;
  }[];
}

/** Satisfaction surveys (满意度调查) and care/training attendees, gateway → NATS → PostgreSQL, and the schedule job. */
describe('satisfaction surveys', () => {
  const system = new TestSystem();
  /** The main workspace; `other` for isolation; `sched` and `stats` own the job and aggregates tests' surveys. */
  let f: Fixture;
  let other: Fixture;
  let sched: Fixture;
  let stats: Fixture;
  const tokens = new Map<Fixture, Record<string, string>>();

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    sched = await createWorkspace(system.env);
    stats = await createWorkspace(system.env);
    for (const w of [f, other, sched, stats]) {
      const t: Record<string, string> = {};
      for (const who of Object.keys(w.members) as Who[]) t[who] = await memberToken(system.jwtSecret, w, who);
      tokens.set(w, t);
    }
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const as = (who: Who, w: Fixture = f) => ({ Authorization: `Bearer ${tokens.get(w)![who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const start = async (who: Who, accountId: string, w: Fixture = f, body: Record<string, unknown> = {}) =>
    (await api().post(`/api/v1/accounts/${accountId}/surveys`).set(as(who, w)).send(body).expect(201))
      .body as Survey;
  const answer = (who: Who, s: { id: string; version: number }, body: Record<string, unknown>, w = f) =>
    api().post(`/api/v1/surveys/${s.id}/answer`).set(as(who, w)).set('If-Match', `"${s.version}"`).send(body);
  const ofAccount = async (accountId: string, who: Who = 'director', w = f) =>
    (await api().get(`/api/v1/accounts/${accountId}/surveys`).set(as(who, w)).expect(200)).body as Survey[];
  const timeline = async (accountId: string, w = f) =>
    (await api().get(`/api/v1/accounts/${accountId}/timeline?limit=500`).set(as('director', w)).expect(200))
      .body.items as { kind: string; details: Record<string, unknown> }[];
  /** Everything a refused request must leave as it was. */
  const state = async (w: Fixture = f) =>
    (
      await db(
        `SELECT (SELECT count(*)::int FROM account_management.surveys WHERE workspace_id = $1) AS surveys,
                (SELECT coalesce(sum(version), 0)::int FROM account_management.surveys WHERE workspace_id = $1) AS versions,
                (SELECT count(*)::int FROM account_management.communication_records WHERE workspace_id = $1) AS records,
                (SELECT count(*)::int FROM account_management.account_timeline WHERE workspace_id = $1) AS timeline,
                (SELECT count(*)::int FROM account_management.outbox WHERE workspace_id = $1) AS outbox`,
        [w.workspaceId],
      )
    )[0];

  describe('the quarterly schedule (ScheduleSatisfactionSurveysJob)', () => {
    const run = (asOf?: string, who: Who = 'admin') =>
      api()
        .post('/api/v1/admin/jobs/surveys/run')
        .set(as(who, sched))
        .send(asOf ? { asOf } : {});
    /** The job as it runs at `asOf` (the admin's run-now takes no future asOf). */
    const runAt = (asOf: string) =>
      runJobAt(system.env, '/api/v1/admin/jobs/surveys/run', sched.workspaceId, asOf);

    it('only an admin may run it now', async () => {
      expectProblem(await run(undefined, 'director'), 403, 'forbidden');
      expectProblem(await run('yesterday'), 400, 'validation_failed');
    });

    it("creates the quarter's pending survey for every account, once; the quarter is the workspace's", async () => {
      const first = { body: await runAt('2026-11-26T09:00:00+08:00') };
      expect(first.body).toMatchObject({ created: 5, expired: 0, period: '2026-Q4' });
      expect(await runAt('2026-12-15T09:00:00+08:00')).toMatchObject({
        created: 0,
        period: '2026-Q4',
      });
      const surveys = await ofAccount(sched.accounts.am1Own, 'director', sched);
      expect(surveys).toEqual([
        expect.objectContaining({
          trigger: 'scheduled',
          period: '2026-Q4',
          status: 'pending',
          dueDate: '2026-12-31',
          complaintId: null,
          version: 1,
        }),
      ]);
      // 17:00 UTC on New Year's Eve is already 2027 in Shanghai.
      // The unanswered 2026-Q4 surveys were due on 2026-12-31: they expire.
      expect(await runAt('2026-12-31T17:00:00Z')).toMatchObject({
        created: 5,
        expired: 5,
        period: '2027-Q1',
      });
      expect(await runAt('2027-03-31T23:00:00+08:00')).toMatchObject({
        created: 0,
        expired: 0,
      });
      expect(
        (await ofAccount(sched.accounts.am1Own, 'director', sched)).map((s) => [
          s.period,
          s.status,
          s.version,
        ]),
      ).toEqual([
        ['2027-Q1', 'pending', 1],
        ['2026-Q4', 'expired', 2],
      ]);
      expect(
        (await timeline(sched.accounts.am1Own, sched)).filter((e) => e.kind === 'survey_expired'),
      ).toHaveLength(1);
      const entries = (await timeline(sched.accounts.am2Own, sched)).filter(
        (e) => e.kind === 'survey_created',
      );
      expect(entries.map((e) => e.details.period).sort()).toEqual(['2026-Q4', '2027-Q1']);
      const events = await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM account_management.outbox
         WHERE subject = 'kam.events.accounts.survey.created' AND workspace_id = $1`,
        [sched.workspaceId],
      );
      expect(events[0].n).toBe(10);
    });
  });

  describe('after a resolved complaint', () => {
    it('one survey per complaint, created with the resolution, none again after a reopen', async () => {
      const acc = f.accounts.am2Own;
      let c = (
        await api()
          .post(`/api/v1/accounts/${acc}/complaints`)
          .set(as('am2'))
          .send({
            channel: 'phone',
            category: '交付',
            severity: 'low',
            description: '交货延迟三天',
            receivedAt: new Date(Date.now() - 600_000).toISOString(),
          })
          .expect(201)
      ).body as { id: string; version: number };
      const move = async (to: string, extra: Record<string, unknown> = {}) => {
        c = (
          await api()
            .post(`/api/v1/complaints/${c.id}/transition`)
            .set(as('am2'))
            .set('If-Match', `"${c.version}"`)
            .send({ to, ...extra })
            .expect(200)
        ).body as { id: string; version: number };
      };
      await move('acknowledged');
      await move('in_progress');
      expect((await ofAccount(acc)).filter((s) => s.complaintId === c.id)).toEqual([]);
      await move('resolved', { result: '已补发' });
      const after = (await ofAccount(acc)).filter((s) => s.complaintId === c.id);
      expect(after).toEqual([
        expect.objectContaining({ trigger: 'complaint_resolved', status: 'pending', period: null }),
      ]);
      const entry = (await timeline(acc)).find(
        (e) => e.kind === 'survey_created' && e.details.complaintId === c.id,
      );
      expect(entry?.details).toMatchObject({ surveyId: after[0].id, trigger: 'complaint_resolved' });
      await move('in_progress');
      await move('resolved', { result: '已再次补发' });
      expect((await ofAccount(acc)).filter((s) => s.complaintId === c.id)).toHaveLength(1);
    });
  });

  describe('answering', () => {
    let s: Survey;
    beforeAll(async () => {
      s = await start('am1', f.accounts.am1Own);
    });

    it('a manual survey is pending, due in 30 days, with a timeline entry', async () => {
      expect(s).toMatchObject({ trigger: 'manual', status: 'pending', version: 1, scores: null });
      const entry = (await timeline(f.accounts.am1Own)).find(
        (e) => e.kind === 'survey_created' && e.details.surveyId === s.id,
      );
      expect(entry?.details).toMatchObject({ trigger: 'manual' });
      expectProblem(
        await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/surveys`)
          .set(as('am1'))
          .send({ dueDate: '2020-01-01' }),
        400,
        'validation_failed',
      );
    });

    it('bad scores, an unknown dimension, a foreign respondent or no If-Match are refused and change nothing', async () => {
      const before = await state();
      const bad: Record<string, unknown>[] = [
        { scores: { overall: 6 } },
        { scores: { overall: 0 } },
        { scores: { overall: 4.5 } },
        { scores: { overall: 4, taste: 5 } },
        { scores: { delivery: 4 } },
        { scores: 'great' },
        { scores: { overall: 4 }, respondentContactId: '00000000-0000-4000-8000-000000000000' },
      ];
      for (const body of bad) expectProblem(await answer('am1', s, body), 400, 'validation_failed');
      const res = await answer('am1', s, { scores: { overall: 4, taste: 5 } });
      expect(JSON.stringify(res.body)).toContain('scores.taste');
      expectProblem(
        await api()
          .post(`/api/v1/surveys/${s.id}/answer`)
          .set(as('am1'))
          .send({ scores: { overall: 5 } }),
        428,
      );
      expect(await state()).toEqual(before);
    });

    it('records the answer at the version seen; timeline, event; a second answer is 409, a stale one 412', async () => {
      const contact = (
        await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/contacts`)
          .set(as('am1'))
          .send({ name: '李明', buyingRole: 'user' })
          .expect(201)
      ).body as { id: string };
      const scores = { productQuality: 5, delivery: 4, serviceAttitude: 5, responsiveness: 3, overall: 4 };
      const res = await answer('am1', s, { scores, comments: '交付稍慢', respondentContactId: contact.id });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body).toMatchObject({
        status: 'answered',
        scores,
        comments: '交付稍慢',
        respondentContactId: contact.id,
        recordedBy: f.members.am1.id,
        version: 2,
      });
      const entry = (await timeline(f.accounts.am1Own)).find(
        (e) => e.kind === 'survey_answered' && e.details.surveyId === s.id,
      );
      expect(entry?.details).toMatchObject({ scores });
      expect(JSON.stringify(entry)).not.toContain('交付稍慢');
      const events = await db<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM account_management.outbox
         WHERE subject = 'kam.events.accounts.survey.answered' AND payload->>'surveyId' = $1`,
        [s.id],
      );
      expect(events.map((e) => e.payload)).toEqual([
        expect.objectContaining({ surveyId: s.id, accountId: f.accounts.am1Own, trigger: 'manual', scores }),
      ]);
      expectProblem(await answer('am1', { id: s.id, version: 2 }, { scores }), 409, 'survey_not_pending');
      expectProblem(await answer('am1', { id: s.id, version: 1 }, { scores }), 412, 'precondition_failed');
    });
  });

  describe('aggregates', () => {
    // The month of "now" in the workspace's time zone (Asia/Shanghai, +08:00).
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    beforeAll(async () => {
      const give = async (acc: string, scores: Record<string, number>) => {
        const s = await start('director', acc, stats);
        await answer('director', s, { scores }, stats).expect(200);
      };
      await give(stats.accounts.am1Own, { overall: 4, delivery: 3 });
      await give(stats.accounts.am1Own, { overall: 5, delivery: 4, productQuality: 5 });
      await give(stats.accounts.am2Own, { overall: 3 });
      await give(stats.accounts.am3Own, { overall: 2, responsiveness: 1 });
      await start('director', stats.accounts.leader1Own, stats); // pending: not counted
    });
    const aggregates = async (groupBy: string, who: Who = 'director') =>
      (
        await api()
          .get(`/api/v1/surveys/aggregates?groupBy=${groupBy}&month=${month}`)
          .set(as(who, stats))
          .expect(200)
      ).body as Aggregates;

    it('per account: answered surveys and averages per dimension', async () => {
      const body = await aggregates('account');
      expect(body.timeZone).toBe('Asia/Shanghai');
      const row = (k: string) => body.rows.find((r) => r.key === k);
      expect(body.rows).toHaveLength(3);
      expect(row(stats.accounts.am1Own)).toEqual({
        key: stats.accounts.am1Own,
        name: '深圳华为技术有限公司',
        answered: 2,
        averages: {
          productQuality: 5,
          delivery: 3.5,
          serviceAttitude: null,
          responsiveness: null,
          overall: 4.5,
        },
      });
      expect(row(stats.accounts.am3Own)?.averages).toMatchObject({ overall: 2, responsiveness: 1 });
    });

    it("per member (the account's owner) and per team", async () => {
      const members = await aggregates('member');
      const am1 = members.rows.find((r) => r.key === stats.members.am1.id);
      expect(am1).toMatchObject({ name: 'am1', answered: 2 });
      expect(members.rows.find((r) => r.key === stats.members.am2.id)?.averages.overall).toBe(3);
      const teams = await aggregates('team');
      expect(teams.rows.find((r) => r.key === stats.teams.team1)).toMatchObject({
        answered: 3,
        averages: { overall: 4, delivery: 3.5 },
      });
      expect(teams.rows.find((r) => r.key === stats.teams.team2)).toMatchObject({ answered: 1 });
    });

    it('scoped to what the caller may read; another month is empty; a bad month is 400', async () => {
      const am2 = await aggregates('account', 'am2');
      expect(am2.rows.map((r) => r.key)).toEqual([stats.accounts.am2Own]);
      expect(
        (
          await api()
            .get('/api/v1/surveys/aggregates?groupBy=account&month=2001-01')
            .set(as('director', stats))
            .expect(200)
        ).body.rows,
      ).toEqual([]);
      expectProblem(
        await api()
          .get('/api/v1/surveys/aggregates?groupBy=account&month=2026-13')
          .set(as('director', stats)),
        400,
        'validation_failed',
      );
      expectProblem(
        await api()
          .get(`/api/v1/surveys/aggregates?groupBy=planet&month=${month}`)
          .set(as('director', stats)),
        400,
        'validation_failed',
      );
    });
  });

  describe('permissions per role', () => {
    const made = new Map<string, Survey>();
    beforeAll(async () => {
      for (const acc of Object.values(f.accounts)) made.set(acc, await start('director', acc));
    });
    const accountsSeen = async (who: Who) =>
      new Set(
        ((await api().get('/api/v1/surveys?limit=200').set(as(who)).expect(200)).body.items as Survey[]).map(
          (s) => s.accountId,
        ),
      );

    it('an account manager sees and answers surveys of their own accounts only', async () => {
      expect(await accountsSeen('am1')).toEqual(new Set([f.accounts.am1Own, f.accounts.am1Serviced]));
      const before = await state();
      expectProblem(
        await answer('am2', made.get(f.accounts.am1Own)!, { scores: { overall: 5 } }),
        404,
        'survey_not_found',
      );
      expectProblem(
        await api().post(`/api/v1/accounts/${f.accounts.am2Own}/surveys`).set(as('am1')).send({}),
        404,
        'account_not_found',
      );
      expect(await state()).toEqual(before);
      const list = (
        await api().get(`/api/v1/surveys?accountId=${f.accounts.am2Own}`).set(as('am1')).expect(200)
      ).body.items as Survey[];
      expect(list).toEqual([]);
    });

    it("customer service sees and answers surveys of its service team's accounts", async () => {
      expect(await accountsSeen('service')).toEqual(new Set([f.accounts.am1Serviced, f.accounts.am3Own]));
      await answer('service', made.get(f.accounts.am3Own)!, { scores: { overall: 5 } }).expect(200);
      expectProblem(
        await api().get(`/api/v1/accounts/${f.accounts.am1Own}/surveys`).set(as('service')),
        404,
        'account_not_found',
      );
    });

    it('a market researcher has no access to surveys', async () => {
      expectProblem(await api().get('/api/v1/surveys').set(as('researcher')), 403, 'forbidden');
      expectProblem(
        await api().get('/api/v1/surveys/aggregates?groupBy=account&month=2026-10').set(as('researcher')),
        403,
        'forbidden',
      );
      expectProblem(
        await api().post(`/api/v1/accounts/${f.accounts.am1Own}/surveys`).set(as('researcher')).send({}),
        403,
        'forbidden',
      );
      expectProblem(
        await answer('researcher', made.get(f.accounts.am1Own)!, { scores: { overall: 5 } }),
        403,
        'forbidden',
      );
    });

    it('the clerk reads every survey but changes none', async () => {
      expect(await accountsSeen('clerk')).toEqual(new Set(Object.values(f.accounts)));
      const answered = (
        await api().get('/api/v1/surveys?status=answered&limit=200').set(as('clerk')).expect(200)
      ).body.items as Survey[];
      expect(answered.map((x) => x.accountId).sort()).toEqual([f.accounts.am1Own, f.accounts.am3Own].sort());
      const before = await state();
      expectProblem(
        await answer('clerk', made.get(f.accounts.am1Own)!, { scores: { overall: 5 } }),
        403,
        'forbidden',
      );
      expectProblem(
        await api().post(`/api/v1/accounts/${f.accounts.am1Own}/surveys`).set(as('clerk')).send({}),
        403,
        'forbidden',
      );
      expect(await state()).toEqual(before);
    });

    it('another workspace’s survey is 404, and its accounts too', async () => {
      expectProblem(
        await answer('director', made.get(f.accounts.am1Own)!, { scores: { overall: 5 } }, other),
        404,
        'survey_not_found',
      );
      expectProblem(
        await api().get(`/api/v1/accounts/${f.accounts.am1Own}/surveys`).set(as('director', other)),
        404,
        'account_not_found',
      );
      expect(
        ((await api().get('/api/v1/surveys').set(as('director', other)).expect(200)).body.items as []).length,
      ).toBe(0);
    });
  });

  describe('customer care and training with attendees (客户关怀, 客户培训)', () => {
    const record = (body: Record<string, unknown>, who: Who = 'am1', acc = f.accounts.am1Own) =>
      api()
        .post(`/api/v1/accounts/${acc}/records`)
        .set(as(who))
        .send({ occurredAt: new Date(Date.now() - 60_000).toISOString(), summary: '中秋客户关怀', ...body });
    let contactId: string;
    beforeAll(async () => {
      contactId = (
        (
          await api()
            .post(`/api/v1/accounts/${f.accounts.am1Own}/contacts`)
            .set(as('am1'))
            .send({ name: '张伟', buyingRole: 'decision_maker' })
            .expect(201)
        ).body as { id: string }
      ).id;
    });

    it('a care activity records its customer and staff attendees and counts as contact', async () => {
      await db(
        `UPDATE account_management.accounts SET last_contact_at = now() - interval '40 days' WHERE id = $1`,
        [f.accounts.am1Own],
      );
      const attendees = {
        customers: [{ contactId }, { name: '王经理' }],
        staff: [f.members.am1.id, f.members.service.id],
      };
      const res = await record({ kind: 'care', attendees }).expect(201);
      expect(res.body).toMatchObject({ kind: 'care', attendees });
      const acc = await db<{ recent: boolean }>(
        `SELECT last_contact_at > now() - interval '5 minutes' AS recent FROM account_management.accounts WHERE id = $1`,
        [f.accounts.am1Own],
      );
      expect(acc[0].recent).toBe(true);
      const listed = (
        await api().get(`/api/v1/accounts/${f.accounts.am1Own}/records?kind=care`).set(as('am1')).expect(200)
      ).body.items as { id: string; attendees: unknown }[];
      expect(listed.find((r) => r.id === (res.body as { id: string }).id)?.attendees).toEqual(attendees);
    });

    it('a training with named attendees only', async () => {
      const res = await record({
        kind: 'training',
        summary: '新产品操作培训',
        attendees: { customers: [{ name: '赵工' }, { name: '钱工' }] },
      }).expect(201);
      expect(res.body.attendees).toEqual({ customers: [{ name: '赵工' }, { name: '钱工' }], staff: [] });
    });

    it('attendees on other kinds, unknown contacts or members, empty attendees: 400 and nothing changed', async () => {
      const before = await state();
      const bad: Record<string, unknown>[] = [
        { kind: 'visit', attendees: { customers: [{ name: '王经理' }] } },
        { kind: 'care', attendees: { customers: [{ contactId: '00000000-0000-4000-8000-000000000000' }] } },
        { kind: 'care', attendees: { staff: [f.members.departed.id] } },
        { kind: 'care', attendees: { staff: [other.members.am1.id] } },
        { kind: 'training', attendees: {} },
        { kind: 'training', attendees: { customers: [{}] } },
        { kind: 'training', attendees: { staff: ['not-a-uuid'] } },
      ];
      for (const body of bad) expectProblem(await record(body), 400, 'validation_failed');
      expect(await state()).toEqual(before);
    });
  });
});
