import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { expectProblem } from '../support/e2e-helpers';

type Who = keyof Fixture['members'];
interface Task {
  id: string;
  title: string;
  ownerId: string;
  dueOn: string;
  doneAt: string | null;
  waived: boolean;
  progress: number;
  onTime: boolean | null;
  version: number;
}
interface Project {
  id: string;
  accountId: string;
  name: string;
  stage: string;
  allowedStages: string[];
  approvalStatus: string;
  approvedBy: string | null;
  budget: { amountMinor: number; currency: string } | null;
  managerId: string;
  acceptance: { acceptedByCustomer: boolean | null; acceptedAt: string | null; note: string | null };
  summary: string | null;
  lessons: string | null;
  progress: number;
  taskCount: number;
  openTaskCount: number;
  version: number;
  redacted: string[];
  tasks?: Task[];
  risks?: { id: string; risk: string; status: string; severity: string; version: number }[];
}

/** Projects (立项 → 计划 → 执行 → 验收 → 总结) through the gateway → NATS → PostgreSQL. */
describe('projects', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  const tokens = new Map<Fixture, Record<string, string>>();

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const w of [f, other]) {
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
  const ok = <T>(res: request.Response, status = 200): T => {
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
    return res.body as T;
  };
  const create = async (who: Who, accountId: string, body: Record<string, unknown> = {}) =>
    ok<Project>(
      await api()
        .post(`/api/v1/accounts/${accountId}/projects`)
        .set(as(who))
        .send({ name: '供应链优化项目', objective: '缩短交付周期 20%', ...body }),
      201,
    );
  const stage = (who: Who, id: string, to: string, extra: Record<string, unknown> = {}) =>
    api()
      .post(`/api/v1/projects/${id}/stage`)
      .set(as(who))
      .send({ to, ...extra });
  const getP = async (who: Who, id: string) =>
    ok<Project>(await api().get(`/api/v1/projects/${id}`).set(as(who)));
  const task = (who: Who, id: string, body: Record<string, unknown>) =>
    api().post(`/api/v1/projects/${id}/tasks`).set(as(who)).send(body);
  const patchTask = (who: Who, id: string, body: Record<string, unknown>) =>
    api().patch(`/api/v1/project-tasks/${id}`).set(as(who)).send(body);
  /** Everything a refused request must leave as it was. */
  const state = async (w: Fixture = f) =>
    (
      await db(
        `SELECT (SELECT count(*)::int FROM account_management.projects WHERE workspace_id = $1) AS projects,
                (SELECT coalesce(sum(version), 0)::int FROM account_management.projects WHERE workspace_id = $1) AS versions,
                (SELECT count(*)::int FROM account_management.project_tasks WHERE workspace_id = $1) AS tasks,
                (SELECT coalesce(sum(version), 0)::int FROM account_management.project_tasks WHERE workspace_id = $1) AS task_versions,
                (SELECT count(*)::int FROM account_management.project_risks WHERE workspace_id = $1) AS risks,
                (SELECT count(*)::int FROM account_management.account_timeline WHERE workspace_id = $1) AS timeline,
                (SELECT count(*)::int FROM account_management.outbox WHERE workspace_id = $1) AS outbox`,
        [w.workspaceId],
      )
    )[0];

  describe('the life of a project', () => {
    let p: Project;
    const taskIds: Record<string, string> = {};

    it('starts in initiation (立项), with timeline and event', async () => {
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/projects`)
        .set(as('am1'))
        .send({
          name: '华为供应链优化项目',
          objective: '缩短交付周期 20%',
          budget: { amountMinor: 50000000, currency: 'CNY' },
          startsOn: '2026-09-01',
          dueOn: '2026-12-31',
        });
      p = ok<Project>(res, 201);
      expect(res.headers.etag).toBe('"1"');
      expect(p).toMatchObject({
        accountId: f.accounts.am1Own,
        stage: 'initiation',
        allowedStages: ['planning'],
        approvalStatus: 'not_requested',
        budget: { amountMinor: 50000000, currency: 'CNY' },
        managerId: f.members.am1.id,
        progress: 0,
        taskCount: 0,
        version: 1,
        redacted: [],
      });
      const tl = await db<{ kind: string; details: Record<string, unknown> }>(
        `SELECT kind, details FROM account_management.account_timeline WHERE account_id = $1 AND details->>'projectId' = $2`,
        [f.accounts.am1Own, p.id],
      );
      expect(tl.map((e) => e.kind)).toEqual(['project_created']);
      expect(JSON.stringify(tl)).not.toContain('50000000');
      const ev = await db<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM account_management.outbox WHERE subject = 'kam.events.accounts.project.changed'
         AND payload->>'projectId' = $1`,
        [p.id],
      );
      expect(ev.map((e) => e.payload)).toEqual([
        {
          workspaceId: f.workspaceId,
          accountId: f.accounts.am1Own,
          projectId: p.id,
          change: 'created',
          stage: 'initiation',
          approvalStatus: 'not_requested',
        },
      ]);
    });

    it('planning; execution needs the approval (409) and an illegal jump names the allowed stages', async () => {
      p = ok<Project>(await stage('am1', p.id, 'planning'));
      expect(p).toMatchObject({ stage: 'planning', allowedStages: ['execution'], version: 2 });
      const before = await state();
      const blocked = await stage('am1', p.id, 'execution');
      expectProblem(blocked, 409, 'project_stage_blocked');
      const jump = await stage('am1', p.id, 'closed');
      expectProblem(jump, 409, 'illegal_project_transition');
      expect(jump.body.detail).toContain('execution');
      expect(await state()).toEqual(before);
    });

    it('the director decides the approval; others get 403; reject, ask again, approve', async () => {
      // Deciding before anyone asks is a conflict.
      expectProblem(
        await api()
          .post(`/api/v1/projects/${p.id}/approval`)
          .set(as('director'))
          .send({ decision: 'approve' }),
        409,
        'conflict',
      );
      p = ok<Project>(await api().post(`/api/v1/projects/${p.id}/approval-request`).set(as('am1')));
      expect(p.approvalStatus).toBe('pending');
      expectProblem(
        await api().post(`/api/v1/projects/${p.id}/approval-request`).set(as('am1')),
        409,
        'conflict',
      );
      for (const who of ['am1', 'leader1', 'deputy'] as Who[])
        expectProblem(
          await api().post(`/api/v1/projects/${p.id}/approval`).set(as(who)).send({ decision: 'approve' }),
          403,
          'forbidden',
        );
      expectProblem(
        await api().post(`/api/v1/projects/${p.id}/approval`).set(as('director')).send({ decision: 'maybe' }),
        400,
        'validation_failed',
      );
      p = ok<Project>(
        await api()
          .post(`/api/v1/projects/${p.id}/approval`)
          .set(as('director'))
          .send({ decision: 'reject', note: '预算过高' }),
      );
      expect(p).toMatchObject({ approvalStatus: 'rejected', approvedBy: f.members.director.id });
      expectProblem(await stage('am1', p.id, 'execution'), 409, 'project_stage_blocked');
      p = ok<Project>(await api().post(`/api/v1/projects/${p.id}/approval-request`).set(as('am1')));
      p = ok<Project>(
        await api()
          .post(`/api/v1/projects/${p.id}/approval`)
          .set(as('director'))
          .send({ decision: 'approve' }),
      );
      expect(p.approvalStatus).toBe('approved');
      p = ok<Project>(await stage('am1', p.id, 'execution'));
      expect(p).toMatchObject({ stage: 'execution', allowedStages: ['acceptance'] });
    });

    it('tasks with owners and deadlines; progress from tasks; on time in the workspace time zone', async () => {
      const add = async (key: string, body: Record<string, unknown>) => {
        const r = ok<Project>(await task('am1', p.id, body), 201);
        taskIds[key] = r.tasks!.find((t) => t.title === body.title)!.id;
        return r;
      };
      await add('t1', { title: '需求调研', ownerId: f.members.am1.id, dueOn: '2026-10-15' });
      await add('t2', { title: '方案设计', ownerId: f.members.am1.id, dueOn: '2026-10-15' });
      await add('t3', { title: '试点上线', ownerId: f.members.am2.id, dueOn: '2026-10-20' });
      p = await add('t4', { title: '培训', ownerId: f.members.am1.id, dueOn: '2026-12-31', progress: 50 });
      expect(p).toMatchObject({ taskCount: 4, openTaskCount: 4, progress: 13 });
      // 23:30 in Shanghai on the due date: on time. 00:30 the next day there (still the 15th in UTC): late.
      ok(await patchTask('am1', taskIds.t1, { done: true, doneAt: '2026-10-15T23:30:00+08:00' }));
      ok(await patchTask('am1', taskIds.t2, { done: true, doneAt: '2026-10-16T00:30:00+08:00' }));
      // Access follows the account: am2 owns the task but not the account, so am1 records it.
      expectProblem(await patchTask('am2', taskIds.t3, { done: true }), 404);
      ok(await patchTask('am1', taskIds.t3, { done: true, doneAt: '2026-10-10T10:00:00+08:00' }));
      p = await getP('am1', p.id);
      // (100 + 100 + 100 + 50) / 4 = 87.5
      expect(p).toMatchObject({ progress: 88, openTaskCount: 1 });
      expect(p.tasks!.map((t) => [t.title, t.onTime, t.progress])).toEqual([
        ['需求调研', true, 100],
        ['方案设计', false, 100],
        ['试点上线', true, 100],
        ['培训', null, 50],
      ]);
      const list = ok<{ items: Project[] }>(
        await api().get(`/api/v1/projects?stage=execution`).set(as('am1')),
      );
      expect(list.items.find((x) => x.id === p.id)).toMatchObject({ progress: 88 });
    });

    it('acceptance needs every task done or waived', async () => {
      const before = await state();
      const res = await stage('am1', p.id, 'acceptance');
      expectProblem(res, 409, 'project_stage_blocked');
      expect(await state()).toEqual(before);
      const r = ok<Project>(await patchTask('am1', taskIds.t4, { waived: true }));
      expect(r).toMatchObject({ progress: 100, openTaskCount: 0 });
      p = ok<Project>(await stage('am1', p.id, 'acceptance'));
      expect(p).toMatchObject({ stage: 'acceptance', allowedStages: ['summary', 'execution'] });
    });

    it('on-time rate per member and per team for a month (one query, workspace time zone)', async () => {
      const byMember = ok<{
        timeZone: string;
        rows: { key: string; done: number; onTime: number; onTimeRate: number }[];
        total: { done: number; onTime: number; onTimeRate: number };
      }>(await api().get('/api/v1/projects/on-time?groupBy=member&month=2026-10').set(as('director')));
      expect(byMember.timeZone).toBe('Asia/Shanghai');
      expect(byMember.rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: f.members.am1.id, done: 2, onTime: 1, onTimeRate: 0.5 }),
          expect.objectContaining({ key: f.members.am2.id, done: 1, onTime: 1, onTimeRate: 1 }),
        ]),
      );
      expect(byMember.rows).toHaveLength(2);
      expect(byMember.total).toEqual({ done: 3, onTime: 2, onTimeRate: 0.667 });
      const byTeam = ok<{
        rows: { key: string; name: string; done: number; onTime: number; onTimeRate: number }[];
      }>(await api().get('/api/v1/projects/on-time?groupBy=team&month=2026-10').set(as('director')));
      expect(byTeam.rows).toEqual([
        { key: f.teams.team1, name: '客户经理一组', done: 3, onTime: 2, onTimeRate: 0.667 },
      ]);
      const none = ok<{ rows: unknown[] }>(
        await api().get('/api/v1/projects/on-time?groupBy=member&month=2026-09').set(as('director')),
      );
      expect(none.rows).toEqual([]);
      // Scoped: am3 (team 2) reads none of team 1's projects.
      const am3 = ok<{ rows: unknown[] }>(
        await api().get('/api/v1/projects/on-time?groupBy=member&month=2026-10').set(as('am3')),
      );
      expect(am3.rows).toEqual([]);
      expectProblem(
        await api().get('/api/v1/projects/on-time?groupBy=account&month=2026-10').set(as('director')),
        400,
        'validation_failed',
      );
      expectProblem(
        await api().get('/api/v1/projects/on-time?groupBy=member&month=2026-13').set(as('director')),
        400,
        'validation_failed',
      );
    });

    it('risks: severity, likelihood, mitigation, owner; closed by PATCH', async () => {
      let r = ok<Project>(
        await api().post(`/api/v1/projects/${p.id}/risks`).set(as('am1')).send({
          risk: '客户需求变更频繁',
          severity: 'high',
          likelihood: 'medium',
          mitigation: '每周需求评审',
          ownerId: f.members.am1.id,
        }),
        201,
      );
      expect(r.risks).toEqual([
        expect.objectContaining({ risk: '客户需求变更频繁', status: 'open', severity: 'high' }),
      ]);
      const riskId = r.risks![0].id;
      expectProblem(
        await api()
          .post(`/api/v1/projects/${p.id}/risks`)
          .set(as('am1'))
          .send({ risk: 'x', severity: 'huge', likelihood: 'low' }),
        400,
        'validation_failed',
      );
      expectProblem(
        await api()
          .patch(`/api/v1/project-risks/${riskId}`)
          .set(as('am1'))
          .set('If-Match', '"7"')
          .send({ status: 'closed' }),
        412,
        'precondition_failed',
      );
      r = ok<Project>(
        await api()
          .patch(`/api/v1/project-risks/${riskId}`)
          .set(as('am1'))
          .set('If-Match', '"1"')
          .send({ status: 'closed' }),
      );
      expect(r.risks![0]).toMatchObject({ status: 'closed', version: 2 });
    });

    it('summary needs the customer acceptance; closing needs summary and lessons', async () => {
      const before = await state();
      expectProblem(await stage('am1', p.id, 'summary'), 409, 'project_stage_blocked');
      expectProblem(
        await stage('am1', p.id, 'summary', { acceptedByCustomer: false }),
        409,
        'project_stage_blocked',
      );
      expect(await state()).toEqual(before);
      p = ok<Project>(
        await stage('am1', p.id, 'summary', { acceptedByCustomer: true, acceptanceNote: '客户签字验收' }),
      );
      expect(p.acceptance).toMatchObject({ acceptedByCustomer: true, note: '客户签字验收' });
      expect(p.acceptance.acceptedAt).not.toBeNull();
      expectProblem(await stage('am1', p.id, 'closed'), 409, 'project_stage_blocked');
      expectProblem(
        await stage('am1', p.id, 'closed', { summary: '按期交付' }),
        409,
        'project_stage_blocked',
      );
      p = ok<Project>(await stage('am1', p.id, 'closed', { summary: '按期交付', lessons: '提前锁定需求' }));
      expect(p).toMatchObject({
        stage: 'closed',
        allowedStages: [],
        summary: '按期交付',
        lessons: '提前锁定需求',
      });
      expectProblem(
        await api()
          .patch(`/api/v1/projects/${p.id}`)
          .set(as('am1'))
          .set('If-Match', `"${p.version}"`)
          .send({ name: '新名称' }),
        409,
        'conflict',
      );
      expectProblem(
        await task('am1', p.id, { title: 'x', ownerId: f.members.am1.id, dueOn: '2026-12-01' }),
        409,
        'conflict',
      );
      const kinds = (
        await db<{ kind: string }>(
          `SELECT kind FROM account_management.account_timeline WHERE details->>'projectId' = $1 ORDER BY seq`,
          [p.id],
        )
      ).map((e) => e.kind);
      for (const k of [
        'project_created',
        'project_stage_changed',
        'project_approval_requested',
        'project_approval_decided',
        'project_task_added',
        'project_task_updated',
        'project_risk_added',
        'project_risk_updated',
      ])
        expect(kinds).toContain(k);
      const events = await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM account_management.outbox WHERE subject = 'kam.events.accounts.project.changed'
         AND payload->>'projectId' = $1`,
        [p.id],
      );
      expect(events[0].n).toBe(kinds.length);
    });
  });

  describe('If-Match on PATCH', () => {
    it('missing is 428, stale is 412, and nothing changes', async () => {
      const p = await create('am1', f.accounts.am1Own);
      const before = await state();
      expectProblem(
        await api().patch(`/api/v1/projects/${p.id}`).set(as('am1')).send({ name: 'x' }),
        428,
        'precondition_required',
      );
      expectProblem(
        await api()
          .patch(`/api/v1/projects/${p.id}`)
          .set(as('am1'))
          .set('If-Match', '"9"')
          .send({ name: 'x' }),
        412,
        'precondition_failed',
      );
      expect(await state()).toEqual(before);
      const res = await api()
        .patch(`/api/v1/projects/${p.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ name: '新名称', dueOn: '2027-03-31' });
      const u = ok<Project>(res);
      expect(res.headers.etag).toBe('"2"');
      expect(u).toMatchObject({ name: '新名称', version: 2 });
    });
  });

  describe('permissions per role (DESIGN §4, the archive group)', () => {
    let am2Project: Project;
    beforeAll(async () => {
      am2Project = await create('am2', f.accounts.am2Own);
    });

    it('an account manager works on projects of own accounts only', async () => {
      expectProblem(
        await api().get(`/api/v1/projects/${am2Project.id}`).set(as('am1')),
        404,
        'project_not_found',
      );
      expectProblem(
        await api().post(`/api/v1/accounts/${f.accounts.am2Own}/projects`).set(as('am1')).send({ name: 'x' }),
        404,
        'account_not_found',
      );
      const mine = ok<{ items: Project[] }>(await api().get('/api/v1/projects').set(as('am1')));
      expect(mine.items.length).toBeGreaterThan(0);
      expect(
        mine.items.every((x) => x.accountId === f.accounts.am1Own || x.accountId === f.accounts.am1Serviced),
      ).toBe(true);
      const byManager = ok<{ items: Project[] }>(
        await api().get(`/api/v1/projects?managerId=${f.members.am2.id}`).set(as('director')),
      );
      expect(byManager.items.map((x) => x.id)).toEqual([am2Project.id]);
    });

    it("a group leader manages the team's projects, not another team's", async () => {
      const p = await getP('leader1', am2Project.id);
      ok(
        await task('leader1', p.id, {
          title: '组长补充任务',
          ownerId: f.members.am2.id,
          dueOn: '2027-01-15',
        }),
        201,
      );
      expectProblem(
        await api().get(`/api/v1/projects/${am2Project.id}`).set(as('leader2')),
        404,
        'project_not_found',
      );
      const list = ok<{ items: Project[] }>(
        await api().get(`/api/v1/accounts/${f.accounts.am2Own}/projects`).set(as('leader1')),
      );
      expect(list.items.map((x) => x.id)).toEqual([am2Project.id]);
    });

    it('a market researcher sees no projects; a clerk reads but cannot change', async () => {
      expectProblem(await api().get('/api/v1/projects').set(as('researcher')), 403, 'forbidden');
      expectProblem(
        await api().get(`/api/v1/projects/${am2Project.id}`).set(as('researcher')),
        403,
        'forbidden',
      );
      expectProblem(
        await api()
          .post(`/api/v1/accounts/${f.accounts.am2Own}/projects`)
          .set(as('researcher'))
          .send({ name: 'x' }),
        403,
        'forbidden',
      );
      const before = await state();
      const seen = await getP('clerk', am2Project.id);
      // The clerk does not read financial fields.
      expect(seen.redacted).toEqual(['budget']);
      expectProblem(
        await api()
          .post(`/api/v1/accounts/${f.accounts.am2Own}/projects`)
          .set(as('clerk'))
          .send({ name: 'x' }),
        403,
        'forbidden',
      );
      expectProblem(
        await api()
          .patch(`/api/v1/projects/${am2Project.id}`)
          .set(as('clerk'))
          .set('If-Match', '"1"')
          .send({ name: 'x' }),
        403,
        'forbidden',
      );
      expectProblem(await stage('clerk', am2Project.id, 'planning'), 403, 'forbidden');
      expectProblem(
        await api().post(`/api/v1/projects/${am2Project.id}/approval-request`).set(as('clerk')),
        403,
        'forbidden',
      );
      expect(await state()).toEqual(before);
    });

    it("another workspace's projects are not found", async () => {
      expectProblem(
        await api().get(`/api/v1/projects/${am2Project.id}`).set(as('director', other)),
        404,
        'project_not_found',
      );
      expectProblem(
        await api()
          .post(`/api/v1/projects/${am2Project.id}/stage`)
          .set(as('director', other))
          .send({ to: 'planning' }),
        404,
        'project_not_found',
      );
      expectProblem(
        await api().get(`/api/v1/accounts/${f.accounts.am2Own}/projects`).set(as('director', other)),
        404,
        'account_not_found',
      );
      const list = ok<{ items: Project[] }>(await api().get('/api/v1/projects').set(as('director', other)));
      expect(list.items).toEqual([]);
    });
  });

  describe('bad input', () => {
    it('is 400 and changes nothing', async () => {
      const p = await create('am1', f.accounts.am1Own);
      const before = await state();
      const bad: [string, () => request.Test][] = [
        [
          'empty name',
          () =>
            api().post(`/api/v1/accounts/${f.accounts.am1Own}/projects`).set(as('am1')).send({ name: '' }),
        ],
        [
          'due before start',
          () =>
            api()
              .post(`/api/v1/accounts/${f.accounts.am1Own}/projects`)
              .set(as('am1'))
              .send({ name: 'x', startsOn: '2027-02-01', dueOn: '2027-01-01' }),
        ],
        [
          'negative budget',
          () =>
            api()
              .post(`/api/v1/accounts/${f.accounts.am1Own}/projects`)
              .set(as('am1'))
              .send({ name: 'x', budget: { amountMinor: -1, currency: 'CNY' } }),
        ],
        [
          'manager of nowhere',
          () =>
            api()
              .post(`/api/v1/accounts/${f.accounts.am1Own}/projects`)
              .set(as('am1'))
              .send({ name: 'x', managerId: randomUUID() }),
        ],
        ['unknown stage', () => stage('am1', p.id, 'done')],
        ['not a uuid', () => api().get('/api/v1/projects/not-a-uuid').set(as('am1'))],
        [
          'progress 101',
          () =>
            task('am1', p.id, { title: 'x', ownerId: f.members.am1.id, dueOn: '2027-01-01', progress: 101 }),
        ],
        ['no deadline', () => task('am1', p.id, { title: 'x', ownerId: f.members.am1.id })],
        ['bad date', () => task('am1', p.id, { title: 'x', ownerId: f.members.am1.id, dueOn: '2027-02-30' })],
        [
          'departed owner',
          () => task('am1', p.id, { title: 'x', ownerId: f.members.departed.id, dueOn: '2027-01-01' }),
        ],
        ['unknown stage filter', () => api().get('/api/v1/projects?stage=foo').set(as('am1'))],
        [
          'unknown field',
          () =>
            api()
              .patch(`/api/v1/projects/${p.id}`)
              .set(as('am1'))
              .set('If-Match', '"1"')
              .send({ stage: 'closed' }),
        ],
      ];
      for (const [what, send] of bad) {
        const res = await send();
        expect({ what, status: res.status }).toEqual({ what, status: 400 });
        expectProblem(res, 400, 'validation_failed');
      }
      expectProblem(await patchTask('am1', randomUUID(), { progress: 10 }), 404);
      expect(await state()).toEqual(before);
    });
  });
});
