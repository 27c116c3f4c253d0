import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';
import { expectProblem } from '../support/e2e-helpers';
import { addDays, dateInTimeZone } from '../../apps/account-management/src/domain/revisit';
import { runJobAt } from '../support/jobs';

type Who = keyof Fixture['members'];
const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;

interface Reason {
  factor: string;
  points: number;
  weight: number;
  code: string;
  zh: string;
  en: string;
}
interface Risk {
  id: string;
  accountId: string;
  risk: string;
  severity: string;
  likelihood: string;
  mitigation: string | null;
  ownerId: string;
  status: string;
  version: number;
}
interface Tender {
  id: string;
  accountId: string;
  title: string;
  deadlineAt: string;
  status: string;
  amount: { amountMinor: number; currency: string } | null;
  submittedAt: string | null;
  version: number;
}

/** Account health (daily score), the risk register and tenders with deadline reminders: gateway → NATS → PostgreSQL. */
describe('health, risks and tenders', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  const tokens: Record<string, string> = {};
  let otherDirector: string;

  const today = dateInTimeZone(new Date(), TZ);
  const noonOf = (date: string) => `${date}T12:00:00+08:00`;
  const asOf = noonOf(today);

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as Who[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    otherDirector = await memberToken(system.jwtSecret, other, 'director');
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const daysAgo = (n: number) => new Date(Date.now() - n * DAY);
  const localDaysAgo = (n: number) => addDays(today, -n);
  /** The daily score as it runs at `at` (noon today may still be ahead: the admin's run-now takes no future asOf). */
  const runHealth = async (at: string = asOf) =>
    (await runJobAt(system.env, '/api/v1/admin/jobs/health/run', f.workspaceId, at)) as {
      scored: number;
      movedToAtRisk: number;
      today: string;
    };
  const account = async (id: string, who: Who = 'director') =>
    (await api().get(`/api/v1/accounts/${id}`).set(as(who)).expect(200)).body as {
      status: string;
      version: number;
      health: { score: number; reasons: Reason[]; computedAt: string } | null;
    };
  const count = async (sql: string, params: unknown[]) => (await db<{ n: number }>(sql, params))[0].n;

  /** The inputs of a failing account (am1Own, gold: every 14 days) and a healthy one (am2Own, platinum: 45). */
  async function prepare(): Promise<void> {
    const A = 'account_management';
    const bad = f.accounts.am1Own;
    const good = f.accounts.am2Own;
    await db(`UPDATE ${A}.accounts SET last_contact_at = $2 WHERE id = $1`, [bad, daysAgo(60)]);
    await db(`UPDATE ${A}.accounts SET last_contact_at = $2 WHERE id = $1`, [good, daysAgo(5)]);
    // An overdue revisit, and satisfaction falling from 5 to 2.
    await db(
      `INSERT INTO ${A}.revisits (id, workspace_id, account_id, due_date, status, assignee_id)
       VALUES ($1, $2, $3, $4, 'overdue', $5)`,
      [randomUUID(), f.workspaceId, bad, localDaysAgo(20), f.members.am1.id],
    );
    const done = async (accountId: string, ago: number, satisfaction: number, assignee: string) =>
      db(
        `INSERT INTO ${A}.revisits (id, workspace_id, account_id, due_date, status, assignee_id, satisfaction,
           completed_at, completed_by)
         VALUES ($1, $2, $3, $4, 'done', $5, $6, $7, $5)`,
        [randomUUID(), f.workspaceId, accountId, localDaysAgo(ago), assignee, satisfaction, daysAgo(ago)],
      );
    await done(bad, 120, 5, f.members.am1.id);
    await done(bad, 30, 2, f.members.am1.id);
    await done(good, 5, 5, f.members.am2.id);
    // Two open complaints past their resolution deadline.
    for (let i = 0; i < 2; i++)
      await db(
        `INSERT INTO ${A}.complaints (id, workspace_id, account_id, channel, category, severity, description,
           received_at, status, first_response_due, resolution_due, breached_resolution, created_by)
         VALUES ($1, $2, $3, 'phone', '质量', 'high', '产品故障', $4, 'in_progress', $4, $4, true, $5)`,
        [randomUUID(), f.workspaceId, bad, daysAgo(10), f.members.am1.id],
      );
    // Orders: the bad one fell from 1,000,000 to 100,000; the good one grew.
    const order = (accountId: string, member: string, amount: number, ago: number) =>
      db(
        `INSERT INTO ${A}.orders (id, workspace_id, account_id, member_id, amount_minor, currency, ordered_on, created_by)
         VALUES ($1, $2, $3, $4, $5, 'CNY', $6, $4)`,
        [randomUUID(), f.workspaceId, accountId, member, amount, localDaysAgo(ago)],
      );
    await order(bad, f.members.am1.id, 100_000_000, 120);
    await order(bad, f.members.am1.id, 10_000_000, 10);
    await order(good, f.members.am2.id, 40_000_000, 100);
    await order(good, f.members.am2.id, 50_000_000, 20);
  }

  describe('the daily health score', () => {
    it('only an admin runs it; a bad asOf is a 400', async () => {
      expectProblem(
        await api().post('/api/v1/admin/jobs/health/run').set(as('director')).send({}),
        403,
        'forbidden',
      );
      expectProblem(
        await api().post('/api/v1/admin/jobs/health/run').set(as('admin')).send({ asOf: 'yesterday' }),
        400,
        'validation_failed',
      );
    });

    it('scores a neglected account low with its reasons and moves it to at_risk; a healthy one stays', async () => {
      await prepare();
      const before = await account(f.accounts.am1Own);
      expect(before.health).toBeNull();
      const res = await runHealth();
      expect(res).toMatchObject({ today, movedToAtRisk: 1 });
      expect(res.scored).toBe(5);

      const bad = await account(f.accounts.am1Own);
      expect(bad.status).toBe('at_risk');
      expect(bad.version).toBe(before.version + 1);
      expect(bad.health!.score).toBe(0);
      expect(bad.health!.reasons.map((r) => r.code)).toEqual([
        'revisits_overdue',
        'complaints_breached',
        'satisfaction_falling',
        'orders_falling',
      ]);
      expect(bad.health!.reasons[3].en).toContain('fell 90%');
      expect(bad.health!.reasons[1].zh).toContain('超出时限');
      expect(new Date(bad.health!.computedAt).toISOString()).toBe(new Date(asOf).toISOString());

      const good = await account(f.accounts.am2Own);
      expect(good.status).toBe('active');
      expect(good.health!.score).toBe(100);
      expect(good.health!.reasons.every((r) => r.points === r.weight)).toBe(true);

      const timeline = await db<{ details: Record<string, unknown> }>(
        `SELECT details FROM account_management.account_timeline WHERE account_id = $1 AND kind = 'stage_changed'`,
        [f.accounts.am1Own],
      );
      expect(timeline).toHaveLength(1);
      expect(timeline[0].details).toMatchObject({
        from: 'active',
        to: 'at_risk',
        reason: 'health',
        score: 0,
      });
      const events = await db<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM account_management.outbox WHERE subject = 'kam.events.accounts.account.stage-changed'
         AND payload->>'accountId' = $1`,
        [f.accounts.am1Own],
      );
      expect(events).toHaveLength(1);
      expect(events[0].payload).toMatchObject({ from: 'active', to: 'at_risk', workspaceId: f.workspaceId });
      // One summary event of the run (AsyncAPI: HealthScoredEvent), in the same transaction as the scores.
      const summary = await db<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM account_management.outbox WHERE subject = 'kam.events.accounts.health.scored'
         AND workspace_id = $1`,
        [f.workspaceId],
      );
      expect(summary.map((e) => e.payload)).toEqual([
        {
          workspaceId: f.workspaceId,
          day: today,
          scored: 5,
          movedToAtRisk: 1,
          averageScore: expect.any(Number),
          belowThreshold: 1,
        },
      ]);
    });

    it('a rerun is stable: same scores, nothing moved again', async () => {
      const res = await runHealth();
      expect(res.movedToAtRisk).toBe(0);
      expect((await account(f.accounts.am1Own)).health!.score).toBe(0);
      expect((await account(f.accounts.am2Own)).health!.score).toBe(100);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM account_management.account_timeline WHERE account_id = $1
           AND kind = 'stage_changed'`,
          [f.accounts.am1Own],
        ),
      ).toBe(1);
    });

    it('health is a basic field: a market researcher sees it; the other workspace does not see the account', async () => {
      expect((await account(f.accounts.am2Own, 'researcher')).health!.score).toBe(100);
      const res = await api()
        .get(`/api/v1/accounts/${f.accounts.am2Own}`)
        .set({ Authorization: `Bearer ${otherDirector}` });
      expect(res.status).toBe(404);
    });
  });

  describe('the risk register', () => {
    let risk: Risk;
    const riskCount = () =>
      count(`SELECT count(*)::int AS n FROM account_management.account_risks WHERE workspace_id = $1`, [
        f.workspaceId,
      ]);

    it('the owner adds a risk; the timeline and the outbox tell it', async () => {
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/risks`)
        .set(as('am1'))
        .send({
          risk: '竞争对手低价介入',
          severity: 'high',
          likelihood: 'medium',
          mitigation: '安排高层拜访',
        })
        .expect(201);
      risk = res.body as Risk;
      expect(risk).toMatchObject({ status: 'open', ownerId: f.members.am1.id, version: 1, severity: 'high' });
      expect(res.headers.etag).toBeDefined();
      expect(
        await count(
          `SELECT count(*)::int AS n FROM account_management.account_timeline WHERE account_id = $1
           AND kind = 'risk_created'`,
          [f.accounts.am1Own],
        ),
      ).toBe(1);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM account_management.outbox WHERE subject = 'kam.events.accounts.risk.changed'
           AND payload->>'riskId' = $1`,
          [risk.id],
        ),
      ).toBe(1);
    });

    it('bad input is a 400 and adds nothing', async () => {
      const n = await riskCount();
      for (const body of [
        {},
        { risk: 'x', severity: 'huge', likelihood: 'low' },
        { risk: '', severity: 'low', likelihood: 'low' },
        { risk: 'x', severity: 'low', likelihood: 'low', ownerId: 'nope' },
        { risk: 'x', severity: 'low', likelihood: 'low', ownerId: randomUUID() },
      ]) {
        const res = await api().post(`/api/v1/accounts/${f.accounts.am1Own}/risks`).set(as('am1')).send(body);
        expectProblem(res, 400, 'validation_failed');
      }
      expect(await riskCount()).toBe(n);
    });

    it('reads and changes per role', async () => {
      for (const who of ['director', 'leader1', 'am1', 'assistant', 'clerk', 'executive'] as Who[]) {
        const res = await api().get(`/api/v1/accounts/${f.accounts.am1Own}/risks`).set(as(who));
        expect({ who, status: res.status }).toEqual({ who, status: 200 });
        expect((res.body.items as Risk[]).map((r) => r.id)).toEqual([risk.id]);
      }
      expectProblem(
        await api().get(`/api/v1/accounts/${f.accounts.am1Own}/risks`).set(as('am2')),
        404,
        'account_not_found',
      );
      for (const who of ['service', 'researcher', 'admin'] as Who[])
        expectProblem(await api().get(`/api/v1/accounts/${f.accounts.am1Own}/risks`).set(as(who)), 403);
      for (const who of ['clerk', 'executive'] as Who[])
        expectProblem(
          await api()
            .post(`/api/v1/accounts/${f.accounts.am1Own}/risks`)
            .set(as(who))
            .send({ risk: 'x', severity: 'low', likelihood: 'low' }),
          403,
          'forbidden',
        );
      const res = await api()
        .get(`/api/v1/accounts/${f.accounts.am1Own}/risks`)
        .set({ Authorization: `Bearer ${otherDirector}` });
      expectProblem(res, 404, 'account_not_found');
    });

    it('PATCH needs the current version (If-Match): stale is 412, then mitigated', async () => {
      expectProblem(
        await api()
          .patch(`/api/v1/risks/${risk.id}`)
          .set(as('am1'))
          .set('If-Match', '"9"')
          .send({ status: 'mitigated' }),
        412,
        'precondition_failed',
      );
      expectProblem(
        await api()
          .patch(`/api/v1/risks/${risk.id}`)
          .set(as('am1'))
          .set('If-Match', '"1"')
          .send({ status: 'gone' }),
        400,
        'validation_failed',
      );
      expectProblem(
        await api()
          .patch(`/api/v1/risks/${risk.id}`)
          .set(as('clerk'))
          .set('If-Match', '"1"')
          .send({ status: 'mitigated' }),
        403,
        'forbidden',
      );
      expectProblem(
        await api()
          .patch(`/api/v1/risks/${risk.id}`)
          .set({ Authorization: `Bearer ${otherDirector}` })
          .set('If-Match', '"1"')
          .send({ status: 'mitigated' }),
        404,
        'risk_not_found',
      );
      const res = await api()
        .patch(`/api/v1/risks/${risk.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ status: 'mitigated', mitigation: '已签订三年框架协议' })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'mitigated', version: 2, mitigation: '已签订三年框架协议' });
    });
  });

  describe('tenders (政府采购)', () => {
    let tender: Tender;
    const deadlineDay = addDays(today, 7);
    const deadlineAt = `${deadlineDay}T17:00:00+08:00`;
    const tenderCount = () =>
      count(`SELECT count(*)::int AS n FROM account_management.tenders WHERE workspace_id = $1`, [
        f.workspaceId,
      ]);
    const runReminders = async (at: string) =>
      (await runJobAt(system.env, '/api/v1/admin/jobs/tenders/run', f.workspaceId, at)) as {
        reminded: number;
      };
    const reminders = async () =>
      (await api().get('/api/v1/notifications').set(as('am1')).expect(200)).body.items.filter(
        (n: { kind: string }) => n.kind === 'tender_deadline',
      ) as { link: { tenderId: string; days: number } }[];

    it('the owner records a tender notice', async () => {
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/tenders`)
        .set(as('am1'))
        .send({
          title: '市政府信息化设备采购',
          noticeRef: 'ZFCG-2026-118',
          publishedOn: today,
          deadlineAt,
          bidDocumentId: randomUUID(),
          amount: { amountMinor: 50_000_000, currency: 'CNY' },
        })
        .expect(201);
      tender = res.body as Tender;
      expect(tender).toMatchObject({ status: 'noticed', version: 1, amount: { amountMinor: 50_000_000 } });
      expect(new Date(tender.deadlineAt).toISOString()).toBe(new Date(deadlineAt).toISOString());
    });

    it('bad input is a 400 and adds nothing', async () => {
      const n = await tenderCount();
      for (const body of [
        {},
        { title: 'x' },
        { title: 'x', deadlineAt: '2026-12-01' },
        { title: 'x', deadlineAt, amount: { amountMinor: -1, currency: 'CNY' } },
        { title: 'x', deadlineAt, bidDocumentId: 'doc' },
      ]) {
        const res = await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/tenders`)
          .set(as('am1'))
          .send(body);
        expectProblem(res, 400, 'validation_failed');
      }
      expect(await tenderCount()).toBe(n);
      expectProblem(await api().get('/api/v1/tenders?deadlineBefore=soon').set(as('director')), 400);
    });

    it('an illegal status move is 409 naming the allowed ones, and changes nothing', async () => {
      const res = await api()
        .patch(`/api/v1/tenders/${tender.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ status: 'won' });
      expectProblem(res, 409, 'illegal_tender_transition');
      expect(res.body.detail).toContain('preparing');
      const [row] = await db<{ status: string; version: number }>(
        `SELECT status, version FROM account_management.tenders WHERE id = $1`,
        [tender.id],
      );
      expect(row).toEqual({ status: 'noticed', version: 1 });
    });

    it('moves to preparing with If-Match; lists filter by status and deadline; per role', async () => {
      const res = await api()
        .patch(`/api/v1/tenders/${tender.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ status: 'preparing' })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'preparing', version: 2 });
      const list = async (who: Who, q: string) =>
        (await api().get(`/api/v1/tenders${q}`).set(as(who)).expect(200)).body.items as Tender[];
      expect((await list('director', '?status=preparing')).map((t) => t.id)).toEqual([tender.id]);
      expect(await list('director', '?status=submitted')).toEqual([]);
      expect(await list('director', `?deadlineBefore=${addDays(today, 1)}`)).toEqual([]);
      expect((await list('director', `?deadlineBefore=${deadlineDay}`)).map((t) => t.id)).toEqual([
        tender.id,
      ]);
      expect(await list('am2', '')).toEqual([]);
      // The clerk reads tenders, without the amount (a financial field).
      const [forClerk] = await list('clerk', '');
      expect(forClerk).toMatchObject({ id: tender.id, amount: null });
      expectProblem(await api().get('/api/v1/tenders').set(as('service')), 403);
      expectProblem(
        await api()
          .get(`/api/v1/accounts/${f.accounts.am1Own}/tenders`)
          .set({ Authorization: `Bearer ${otherDirector}` }),
        404,
        'account_not_found',
      );
      expect(
        await count(
          `SELECT count(*)::int AS n FROM account_management.account_timeline WHERE account_id = $1
           AND kind IN ('tender_created', 'tender_updated')`,
          [f.accounts.am1Own],
        ),
      ).toBe(2);
    });

    it('reminds the owner 7, 3 and 1 days before the deadline, once per offset', async () => {
      expectProblem(
        await api().post('/api/v1/admin/jobs/tenders/run').set(as('am1')).send({}),
        403,
        'forbidden',
      );
      expect((await runReminders(asOf)).reminded).toBe(1);
      expect((await runReminders(asOf)).reminded).toBe(0);
      expect((await reminders()).map((n) => n.link.days)).toEqual([7]);
      expect((await runReminders(noonOf(addDays(today, 2)))).reminded).toBe(0);
      expect((await runReminders(noonOf(addDays(today, 4)))).reminded).toBe(1);
      expect((await runReminders(noonOf(addDays(today, 4)))).reminded).toBe(0);
      expect((await runReminders(noonOf(addDays(today, 6)))).reminded).toBe(1);
      expect((await reminders()).map((n) => n.link.days).sort()).toEqual([1, 3, 7]);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM account_management.outbox
           WHERE subject = 'kam.events.accounts.tender.deadline-reminded' AND payload->>'tenderId' = $1`,
          [tender.id],
        ),
      ).toBe(3);
    });

    it('submitted records the time; results are final', async () => {
      const res = await api()
        .patch(`/api/v1/tenders/${tender.id}`)
        .set(as('am1'))
        .set('If-Match', '"2"')
        .send({ status: 'submitted' })
        .expect(200);
      expect(res.body.submittedAt).not.toBeNull();
      await api()
        .patch(`/api/v1/tenders/${tender.id}`)
        .set(as('am1'))
        .set('If-Match', '"3"')
        .send({ status: 'won', resultNote: '中标' })
        .expect(200);
      const again = await api()
        .patch(`/api/v1/tenders/${tender.id}`)
        .set(as('am1'))
        .set('If-Match', '"4"')
        .send({ status: 'lost' });
      expectProblem(again, 409, 'illegal_tender_transition');
    });
  });
});
