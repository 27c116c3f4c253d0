import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connect, NatsConnection } from 'nats';
import {
  Actor,
  MemberContextView,
  MemberMonthMetrics,
  MemberRosterView,
  MetricsMembersView,
  MetricsTeamsView,
  Reply,
  SUBJECTS,
} from '@app/contracts';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { natsOptions, serviceDatabaseUrl } from '../support/env';
import { addDays, dateInTimeZone } from '../../apps/account-management/src/domain/revisit';
import { monthRange } from '../../apps/account-management/src/domain/discount';
import { runJobAt } from '../support/jobs';

type Who = keyof Fixture['members'];
const TZ = 'Asia/Shanghai';

/**
 * What performance-evaluation asks account-management for (issue 5), straight over NATS as that service sends
 * it: the roster, a member's actor context, and the monthly scorecard inputs per member and per team.
 *
 * The month under test is the current month of the workspace (Asia/Shanghai): accounts are created and surveys
 * answered "now" by the API (no backdating there), so that is the only month where every figure can be made
 * through the real API. Orders, complaints, communication records (which set the revisit due dates), revisit
 * reschedules and task completions take explicit dates. Whether the one late revisit, the late task and the
 * old complaint are late depends on the day of the month the suite runs; those three expectations are taken
 * from the facts the API answered (due date vs completion), so every number checked is still exact.
 */
describe('scorecard inputs for performance evaluation (NATS subjects)', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  let big: Fixture;
  const tokens = new Map<Fixture, Record<string, string>>();
  let nc: NatsConnection;

  const today = dateInTimeZone(new Date(), TZ);
  const month = today.slice(0, 7);
  const { from: monthStart, to: lastDay } = monthRange(month);
  const nextMonthFirst = addDays(lastDay, 1);
  const prevMonthLast = addDays(monthStart, -1);
  /** Yesterday, or today on the first of the month: a due date in the month that is not in the future. */
  const lateDue = today > monthStart ? addDays(today, -1) : today;

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    big = await createWorkspace(system.env);
    for (const w of [f, other, big]) {
      const t: Record<string, string> = {};
      for (const who of Object.keys(w.members) as Who[]) t[who] = await memberToken(system.jwtSecret, w, who);
      tokens.set(w, t);
    }
    nc = await connect({
      servers: system.env.natsUrl,
      ...natsOptions(system.env, 'gateway'),
      name: 'performance-inputs-e2e',
    });
  });
  afterAll(async () => {
    await nc?.drain();
    await system.stop();
  });

  const api = () => request(system.baseUrl);
  const as = (who: Who, w: Fixture = f) => ({ Authorization: `Bearer ${tokens.get(w)![who]}` });
  const ok = <T>(res: request.Response, status = 200): T => {
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
    return res.body as T;
  };

  /** A request straight to account-management over NATS, as performance-evaluation sends it. */
  const direct = async <T = unknown>(subject: string, actor: Actor, data: unknown, timeout = 10000) => {
    const msg = await nc.request(subject, new TextEncoder().encode(JSON.stringify({ actor, data })), {
      timeout,
    });
    return JSON.parse(new TextDecoder().decode(msg.data)) as Reply<T>;
  };
  const okData = <T>(r: Reply<T>): T => {
    expect(r).toMatchObject({ ok: true });
    return (r as { ok: true; data: T }).data;
  };
  const expectError = (r: Reply, status: number, code: string, field?: string) => {
    expect(r).toMatchObject({ ok: false, error: { status, code } });
    if (field && !r.ok) expect((r.error.errors ?? []).map((e) => e.field)).toContain(field);
  };
  const systemActor = (w: Fixture = f): Actor => ({
    workspaceId: w.workspaceId,
    memberId: '00000000-0000-0000-0000-000000000000',
    roles: [],
    requestId: randomUUID(),
    kind: 'system',
  });
  const memberActor = (who: Who, w: Fixture = f): Actor => ({
    workspaceId: w.workspaceId,
    memberId: w.members[who].id,
    roles: w.members[who].roles,
    requestId: randomUUID(),
  });
  const id = (who: Who, w: Fixture = f) => w.members[who].id;

  // ---------------------------------------------------------------------------------------------------------
  // Building the month through the API.

  const addOrder = async (
    accountId: string,
    memberId: string,
    amountMinor: number,
    orderedOn: string,
    currency = 'CNY',
    crmOpportunityId?: string,
  ) =>
    ok(
      await api()
        .post(`/api/v1/accounts/${accountId}/orders`)
        .set(as('director'))
        .send({ memberId, amount: { amountMinor, currency }, orderedOn, crmOpportunityId }),
      201,
    );

  interface Complaint {
    id: string;
    version: number;
    status: string;
    resolvedAt: string | null;
    resolutionDue: string;
  }
  const openComplaint = async (accountId: string, severity: string, receivedAt: Date) =>
    ok<Complaint>(
      await api().post(`/api/v1/accounts/${accountId}/complaints`).set(as('director')).send({
        channel: 'phone',
        category: '产品质量',
        severity,
        description: '外包装破损',
        receivedAt: receivedAt.toISOString(),
      }),
      201,
    );
  const move = async (c: Complaint, to: string, extra: Record<string, unknown> = {}) =>
    ok<Complaint>(
      await api()
        .post(`/api/v1/complaints/${c.id}/transition`)
        .set(as('director'))
        .set('If-Match', `"${c.version}"`)
        .send({ to, ...extra }),
    );
  const resolve = async (c: Complaint) => {
    c = await move(c, 'acknowledged');
    c = await move(c, 'in_progress');
    return move(c, 'resolved', { result: '已补发' });
  };

  interface Revisit {
    id: string;
    accountId: string;
    dueDate: string;
    status: string;
    version: number;
    completedAt: string | null;
  }
  const revisitOf = async (accountId: string) => {
    const items = ok<{ items: Revisit[] }>(
      await api().get(`/api/v1/accounts/${accountId}/revisits`).set(as('director')),
    ).items;
    expect(items).toHaveLength(1);
    return items[0];
  };
  const reschedule = async (r: Revisit, dueDate: string) =>
    ok<Revisit>(
      await api()
        .post(`/api/v1/revisits/${r.id}/reschedule`)
        .set(as('director'))
        .send({ dueDate, reason: '客户要求改期' }),
    );
  const complete = async (r: Revisit) =>
    ok<Revisit>(
      await api()
        .post(`/api/v1/revisits/${r.id}/completion`)
        .set(as('director'))
        .set('If-Match', `"${r.version}"`)
        .send({ satisfaction: 4 }),
    );

  const surveyAnswered = async (accountId: string, overall: number) => {
    const s = ok<{ id: string; version: number }>(
      await api().post(`/api/v1/accounts/${accountId}/surveys`).set(as('director')).send({}),
      201,
    );
    ok(
      await api()
        .post(`/api/v1/surveys/${s.id}/answer`)
        .set(as('director'))
        .set('If-Match', `"${s.version}"`)
        .send({ scores: { overall } }),
    );
  };

  /** Facts the API answered that decide the day-of-month dependent expectations. */
  const facts = { lateRevisitOnTime: 0, oldComplaintInSla: 0, lateTaskOnTime: 0 };

  beforeAll(async () => {
    // Orders: am1 two CNY orders in the month (one from a won CRM opportunity), one USD (not counted), one the
    // day before and one the day after the month; am2 and am3 one each.
    await addOrder(f.accounts.am1Own, id('am1'), 100_000, monthStart);
    await addOrder(f.accounts.am1Serviced, id('am1'), 250_050, lastDay, 'CNY', `opp-${randomUUID()}`);
    await addOrder(f.accounts.am1Own, id('am1'), 99_999, today, 'USD');
    await addOrder(f.accounts.am1Own, id('am1'), 700_000, prevMonthLast);
    await addOrder(f.accounts.am1Own, id('am1'), 800_000, nextMonthFirst);
    await addOrder(f.accounts.am2Own, id('am2'), 49_950, today);
    await addOrder(f.accounts.am3Own, id('am3'), 300_000, today);
    // Another workspace's order on the same day is never counted here.
    ok(
      await api()
        .post(`/api/v1/accounts/${other.accounts.am1Own}/orders`)
        .set(as('director', other))
        .send({ amount: { amountMinor: 900_000, currency: 'CNY' }, orderedOn: today }),
      201,
    );

    // Complaints on am1's accounts: one resolved at once (high: 24 h), one received at the start of the month
    // and resolved now (low: 72 h), one still open; one received the month before. On am3's: resolved and closed.
    const monthStartInstant = Date.parse(`${monthStart}T00:01:00+08:00`);
    const recent = new Date(Math.max(monthStartInstant, Date.now() - 60_000));
    await resolve(await openComplaint(f.accounts.am1Own, 'high', recent));
    const old = await resolve(await openComplaint(f.accounts.am1Own, 'low', new Date(monthStartInstant)));
    facts.oldComplaintInSla = Date.parse(old.resolvedAt!) <= Date.parse(old.resolutionDue) ? 1 : 0;
    await openComplaint(f.accounts.am1Serviced, 'medium', recent);
    await openComplaint(f.accounts.am1Own, 'medium', new Date(monthStartInstant - 3600_000));
    let closed = await resolve(await openComplaint(f.accounts.am3Own, 'high', recent));
    closed = ok<Complaint>(
      await api()
        .post(`/api/v1/complaints/${closed.id}/callback`)
        .set(as('director'))
        .send({ satisfaction: 5 }),
    );
    await move(closed, 'closed');

    // Surveys answered now: am1's accounts 5 and 4, am3's 3.
    await surveyAnswered(f.accounts.am1Own, 5);
    await surveyAnswered(f.accounts.am1Serviced, 4);
    await surveyAnswered(f.accounts.am3Own, 3);

    // Revisits: a visit recorded 14 days before `lateDue` makes the gold account's revisit due then; the sweep
    // run 100 days ahead creates one revisit per account, and reschedules move three of them into the month.
    ok(
      await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/records`)
        .set(as('am1'))
        .send({ kind: 'visit', occurredAt: `${addDays(lateDue, -14)}T10:00:00+08:00`, summary: '季度拜访' }),
      201,
    );
    // 100 days ahead: the job goes on its queue as the scheduler would put it (run-now takes no future asOf).
    await runJobAt(
      system.env,
      '/api/v1/admin/jobs/revisits/run',
      f.workspaceId,
      `${addDays(today, 100)}T12:00:00+08:00`,
    );
    const late = await revisitOf(f.accounts.am1Own);
    expect(late.dueDate).toBe(lateDue);
    const lateDone = await complete(late);
    facts.lateRevisitOnTime = dateInTimeZone(new Date(lateDone.completedAt!), TZ) <= lateDone.dueDate ? 1 : 0;
    await complete(await reschedule(await revisitOf(f.accounts.am1Serviced), today));
    await reschedule(await revisitOf(f.accounts.am2Own), lastDay);
    await complete(await reschedule(await revisitOf(f.accounts.am3Own), lastDay));
    // leader1's white-gold account is due 60 days on: not in the month.
    expect((await revisitOf(f.accounts.leader1Own)).dueDate > lastDay).toBe(true);

    // Project tasks: am1 owns one done on time, one due on the 1st done now, one open at the end of the month,
    // one waived, one next month and one last month; am3 owns one done on time.
    const p = ok<{ id: string }>(
      await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/projects`)
        .set(as('director'))
        .send({ name: '供应链优化项目' }),
      201,
    );
    const task = async (title: string, owner: Who, dueOn: string) => {
      const view = ok<{ tasks: { id: string; title: string }[] }>(
        await api()
          .post(`/api/v1/projects/${p.id}/tasks`)
          .set(as('director'))
          .send({ title, ownerId: id(owner), dueOn }),
        201,
      );
      return view.tasks.find((t) => t.title === title)!.id;
    };
    const patch = async (taskId: string, body: Record<string, unknown>) =>
      ok<{ tasks: { id: string; onTime: boolean | null }[] }>(
        await api().patch(`/api/v1/project-tasks/${taskId}`).set(as('director')).send(body),
      ).tasks.find((t) => t.id === taskId)!;
    await patch(await task('需求调研', 'am1', today), { done: true });
    const lateTask = await patch(await task('方案设计', 'am1', monthStart), { done: true });
    facts.lateTaskOnTime = lateTask.onTime ? 1 : 0;
    await task('试点上线', 'am1', lastDay);
    await patch(await task('培训', 'am1', today), { waived: true });
    await patch(await task('验收', 'am1', nextMonthFirst), { done: true });
    await task('立项', 'am1', prevMonthLast);
    await patch(await task('客户回访', 'am3', today), { done: true });
  }, 120_000);

  // ---------------------------------------------------------------------------------------------------------

  describe('kam.accounts.metrics.members', () => {
    const zeros = (memberId: string): MemberMonthMetrics => ({
      memberId,
      salesMinor: '0',
      ordersCount: 0,
      crmSalesMinor: '0',
      crmOrdersCount: 0,
      newAccounts: 0,
      revisitsDue: 0,
      revisitsCompleted: 0,
      revisitsCompletedOnTime: 0,
      satisfactionAvg: null,
      satisfactionCount: 0,
      complaintsReceived: 0,
      complaintsResolved: 0,
      complaintsResolvedInSla: 0,
      projectsDue: 0,
      projectsOnTime: 0,
    });

    it('answers the month of each member asked, in the order asked, once per member, with exact figures', async () => {
      const view = okData(
        await direct<MetricsMembersView>(SUBJECTS.accounts.metricsMembers, systemActor(), {
          month,
          memberIds: [id('am1'), id('am2'), id('am3'), id('leader1'), id('am1'), id('clerk')],
        }),
      );
      expect(view).toMatchObject({
        month,
        timeZone: TZ,
        from: new Date(`${monthStart}T00:00:00+08:00`).toISOString(),
        to: new Date(`${nextMonthFirst}T00:00:00+08:00`).toISOString(),
      });
      expect(view.items).toEqual([
        {
          memberId: id('am1'),
          // 100000 + 250050 CNY; the USD order and the orders outside the month are not counted.
          salesMinor: '350050',
          ordersCount: 2,
          // The 250050 came from a won CRM opportunity.
          crmSalesMinor: '250050',
          crmOrdersCount: 1,
          newAccounts: 2,
          revisitsDue: 2,
          revisitsCompleted: 2,
          revisitsCompletedOnTime: 1 + facts.lateRevisitOnTime,
          satisfactionAvg: '4.50',
          satisfactionCount: 2,
          complaintsReceived: 3,
          complaintsResolved: 2,
          complaintsResolvedInSla: 1 + facts.oldComplaintInSla,
          projectsDue: 3,
          projectsOnTime: 1 + facts.lateTaskOnTime,
        },
        {
          ...zeros(id('am2')),
          salesMinor: '49950',
          ordersCount: 1,
          newAccounts: 1,
          revisitsDue: 1,
        },
        {
          memberId: id('am3'),
          salesMinor: '300000',
          ordersCount: 1,
          crmSalesMinor: '0',
          crmOrdersCount: 0,
          newAccounts: 1,
          revisitsDue: 1,
          revisitsCompleted: 1,
          revisitsCompletedOnTime: 1,
          satisfactionAvg: '3.00',
          satisfactionCount: 1,
          complaintsReceived: 1,
          complaintsResolved: 1,
          complaintsResolvedInSla: 1,
          projectsDue: 1,
          projectsOnTime: 1,
        },
        { ...zeros(id('leader1')), newAccounts: 1 },
        zeros(id('clerk')),
      ]);
    });

    it('another month has nothing: zeros for everyone (the month before holds only out-of-month records)', async () => {
      const prev = prevMonthLast.slice(0, 7);
      const view = okData(
        await direct<MetricsMembersView>(SUBJECTS.accounts.metricsMembers, systemActor(), {
          month: prev,
          memberIds: [id('am2'), id('am3')],
        }),
      );
      expect(view.items).toEqual([zeros(id('am2')), zeros(id('am3'))]);
      const am1 = okData(
        await direct<MetricsMembersView>(SUBJECTS.accounts.metricsMembers, systemActor(), {
          month: prev,
          memberIds: [id('am1')],
        }),
      ).items[0];
      // The order of the last day of that month, and the complaint received an hour before this month began.
      expect(am1).toMatchObject({
        salesMinor: '700000',
        ordersCount: 1,
        complaintsReceived: 1,
        projectsDue: 1,
      });
    });

    it('no member may ask, whatever their role: performance-evaluation asks as the system', async () => {
      // A subject services call on each other takes only system callers (ADR 0018): no member, whatever the role.
      for (const who of [
        'director',
        'deputy',
        'executive',
        'leader1',
        'am1',
        'clerk',
        'admin',
        'security',
      ] as Who[])
        expectError(
          await direct(SUBJECTS.accounts.metricsMembers, memberActor(who), {
            month,
            memberIds: [id('am1'), id('am3')],
          }),
          403,
          'forbidden',
        );
    });

    it('bad input is a 400 naming the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ month: '2026-13', memberIds: [id('am1')] }, 'month'],
        [{ month: '2026/11', memberIds: [id('am1')] }, 'month'],
        [{ memberIds: [id('am1')] }, 'month'],
        [{ month, memberIds: [] }, 'memberIds'],
        [{ month, memberIds: ['not-a-uuid'] }, 'memberIds'],
        [{ month, memberIds: id('am1') }, 'memberIds'],
        [{ month, memberIds: Array.from({ length: 2001 }, () => randomUUID()) }, 'memberIds'],
        [{ month, memberIds: [id('am1')], extra: 1 }, 'extra'],
        // Not a member of this workspace (here: a member of another one).
        [{ month, memberIds: [id('am1'), id('am1', other)] }, 'memberIds'],
      ];
      for (const [data, field] of cases)
        expectError(
          await direct(SUBJECTS.accounts.metricsMembers, systemActor(), data),
          400,
          'validation_failed',
          field,
        );
    });

    it('2000 members in one request: one item each, in the order asked', async () => {
      // 1985 more members in a workspace of their own (written as the fixtures are, straight to the service's
      // own tables: there is no bulk member API), so that the workspace has exactly 2000 members.
      await withDb(serviceDatabaseUrl(system.env, 'account-management'), (c) =>
        c.query(
          `INSERT INTO members (id, workspace_id, name, roles, team_id)
           SELECT gen_random_uuid(), $1, 'bulk ' || g, '{account_manager}', $2 FROM generate_series(1, 1985) g`,
          [big.workspaceId, big.teams.team2],
        ),
      );
      ok(
        await api()
          .post(`/api/v1/accounts/${big.accounts.am3Own}/orders`)
          .set(as('director', big))
          .send({
            memberId: id('am3', big),
            amount: { amountMinor: 123_456, currency: 'CNY' },
            orderedOn: today,
          }),
        201,
      );
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: MemberRosterView = okData(
          await direct<MemberRosterView>(SUBJECTS.accounts.memberRoster, systemActor(big), {
            limit: 1000,
            includeDeparted: true,
            ...(cursor ? { cursor } : {}),
          }),
        );
        ids.push(...page.items.map((m) => m.memberId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ids).toHaveLength(2000);
      const shuffled = [...ids].reverse();
      const started = performance.now();
      const view = okData(
        await direct<MetricsMembersView>(SUBJECTS.accounts.metricsMembers, systemActor(big), {
          month,
          memberIds: shuffled,
        }),
      );
      const ms = Math.round(performance.now() - started);
      process.stdout.write(`metrics.members for 2000 members: ${ms} ms\n`);
      expect(view.items.map((i) => i.memberId)).toEqual(shuffled);
      expect(view.items.find((i) => i.memberId === id('am3', big))).toMatchObject({
        salesMinor: '123456',
        ordersCount: 1,
        newAccounts: 1,
      });
      expect(view.items.filter((i) => i.salesMinor !== '0')).toHaveLength(1);
      expect(ms).toBeLessThan(5000);
    });
  });

  // ---------------------------------------------------------------------------------------------------------

  describe('kam.accounts.metrics.teams', () => {
    const byId = (v: MetricsTeamsView) => Object.fromEntries(v.teams.map((t) => [t.teamId, t]));

    it('answers every team of the workspace and the whole department', async () => {
      const view = okData(
        await direct<MetricsTeamsView>(SUBJECTS.accounts.metricsTeams, systemActor(), { month }),
      );
      expect(view).toMatchObject({
        month,
        timeZone: TZ,
        // am1 350050 + am2 49950 + am3 300000; the other workspace's order is not here.
        department: { salesMinor: '700000', ordersCount: 4 },
      });
      expect(view.teams).toHaveLength(4);
      const teams = byId(view);
      expect(teams[f.teams.team1]).toEqual({
        teamId: f.teams.team1,
        teamName: '客户经理一组',
        leaderId: id('leader1'),
        // leader1, am1, am2 and the assistant; the departed member is not counted.
        memberCount: 4,
        salesMinor: '400000',
        ordersCount: 3,
        revisitsDue: 3,
        revisitsCompleted: 2,
        complaintsReceived: 3,
        complaintsResolved: 2,
      });
      expect(teams[f.teams.team2]).toEqual({
        teamId: f.teams.team2,
        teamName: '客户经理二组',
        leaderId: id('leader2'),
        memberCount: 2,
        salesMinor: '300000',
        ordersCount: 1,
        revisitsDue: 1,
        revisitsCompleted: 1,
        complaintsReceived: 1,
        complaintsResolved: 1,
      });
      expect(teams[f.teams.service]).toMatchObject({ memberCount: 1, salesMinor: '0', revisitsDue: 0 });
    });

    it('no member may ask, whatever their role; a bad month is a 400', async () => {
      // A subject services call on each other takes only system callers (ADR 0018): no member, whatever the role.
      for (const who of [
        'director',
        'deputy',
        'executive',
        'leader1',
        'am1',
        'clerk',
        'admin',
        'security',
      ] as Who[])
        expectError(
          await direct(SUBJECTS.accounts.metricsTeams, memberActor(who), { month }),
          403,
          'forbidden',
        );
      for (const data of [{}, { month: '2026-00' }, { month: 202611 }, { month, teamId: f.teams.team1 }])
        expectError(
          await direct(SUBJECTS.accounts.metricsTeams, systemActor(), data),
          400,
          'validation_failed',
        );
      expectError(
        await direct(SUBJECTS.accounts.metricsTeams, systemActor(), { month: 'x' }),
        400,
        'validation_failed',
        'month',
      );
    });
  });

  // ---------------------------------------------------------------------------------------------------------

  describe('kam.accounts.member.roster', () => {
    it('pages through the members by id with a keyset cursor; departed ones only when asked', async () => {
      const all: MemberRosterView['items'] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: MemberRosterView = okData(
          await direct<MemberRosterView>(SUBJECTS.accounts.memberRoster, systemActor(), {
            limit: 4,
            ...(cursor ? { cursor } : {}),
          }),
        );
        expect(page.items.length).toBeLessThanOrEqual(4);
        all.push(...page.items);
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      // 15 fixture members, one departed.
      expect(all).toHaveLength(14);
      expect(pages).toBe(4);
      const ids = all.map((m) => m.memberId);
      expect(ids).toEqual([...ids].sort());
      expect(ids).not.toContain(id('departed'));
      expect(all.find((m) => m.memberId === id('am1'))).toEqual({
        memberId: id('am1'),
        name: 'am1',
        roles: ['account_manager'],
        teamId: f.teams.team1,
        teamName: '客户经理一组',
        teamLeaderId: id('leader1'),
        managerId: null,
        status: 'active',
      });
      expect(all.find((m) => m.memberId === id('director'))).toMatchObject({
        teamId: null,
        teamName: null,
        teamLeaderId: null,
      });
      const withDeparted = okData(
        await direct<MemberRosterView>(SUBJECTS.accounts.memberRoster, systemActor(), {
          includeDeparted: true,
        }),
      );
      expect(withDeparted.items).toHaveLength(15);
      expect(withDeparted.nextCursor).toBeNull();
      expect(withDeparted.items.find((m) => m.memberId === id('departed'))).toMatchObject({
        status: 'departed',
      });
    });

    it('no member may ask, whatever their role; bad input is a 400', async () => {
      // A subject services call on each other takes only system callers (ADR 0018): no member, whatever the role.
      for (const who of [
        'director',
        'deputy',
        'executive',
        'leader1',
        'am1',
        'clerk',
        'admin',
        'security',
      ] as Who[])
        expectError(await direct(SUBJECTS.accounts.memberRoster, memberActor(who), {}), 403, 'forbidden');
      for (const [data, field] of [
        [{ limit: 0 }, 'limit'],
        [{ limit: 1001 }, 'limit'],
        [{ limit: '5' }, 'limit'],
        [{ includeDeparted: 'yes' }, 'includeDeparted'],
        [{ cursor: 'garbage' }, 'cursor'],
        [{ cursor: '' }, 'cursor'],
      ] as [Record<string, unknown>, string][])
        expectError(
          await direct(SUBJECTS.accounts.memberRoster, systemActor(), data),
          400,
          'validation_failed',
          field,
        );
    });
  });

  // ---------------------------------------------------------------------------------------------------------

  describe('kam.accounts.member.context', () => {
    it('gives what rebuilds the CASL actor context: the team and the teams led', async () => {
      expect(
        okData(
          await direct<MemberContextView>(SUBJECTS.accounts.memberContext, systemActor(), {
            memberId: id('leader1'),
          }),
        ),
      ).toEqual({
        memberId: id('leader1'),
        active: true,
        name: 'leader1',
        roles: ['group_leader'],
        teamIds: [f.teams.team1],
        ledTeamIds: [f.teams.team1],
      });
      expect(
        okData(
          await direct<MemberContextView>(SUBJECTS.accounts.memberContext, systemActor(), {
            memberId: id('departed'),
          }),
        ),
      ).toMatchObject({ active: false, teamIds: [f.teams.team1], ledTeamIds: [] });
      // Not even about themselves: only the system asks (ADR 0018).
      expectError(
        await direct(SUBJECTS.accounts.memberContext, memberActor('am1'), { memberId: id('am1') }),
        403,
        'forbidden',
      );
    });

    it('about someone else a member gets 403; a member of another workspace is 404; a bad id is a 400', async () => {
      expectError(
        await direct(SUBJECTS.accounts.memberContext, memberActor('am1'), { memberId: id('am2') }),
        403,
        'forbidden',
      );
      expectError(
        await direct(SUBJECTS.accounts.memberContext, memberActor('director'), { memberId: id('am2') }),
        403,
        'forbidden',
      );
      expectError(
        await direct(SUBJECTS.accounts.memberContext, systemActor(), { memberId: id('am1', other) }),
        404,
        'not_found',
      );
      expectError(
        await direct(SUBJECTS.accounts.memberContext, systemActor(), { memberId: 'nope' }),
        400,
        'validation_failed',
        'memberId',
      );
      expectError(
        await direct(SUBJECTS.accounts.memberContext, systemActor(), {}),
        400,
        'validation_failed',
        'memberId',
      );
    });
  });
});
