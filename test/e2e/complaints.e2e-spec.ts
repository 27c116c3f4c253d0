import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT, TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl, serviceDatabaseUrl } from '../support/env';
import { expectProblem } from '../support/e2e-helpers';
import { runJobAt } from '../support/jobs';

type Who = keyof Fixture['members'];
interface Complaint {
  id: string;
  accountId: string;
  status: string;
  allowedTransitions: string[];
  receivedAt: string;
  firstResponseDue: string;
  resolutionDue: string;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  breachedResponse: boolean;
  breachedResolution: boolean;
  escalationLevel: number;
  escalatedTo: string | null;
  reopenCount: number;
  handlerId: string | null;
  callback: { satisfaction: number; note: string | null; by: string } | null;
  version: number;
  history?: { kind: string; from: string | null; to: string | null }[];
}
const HOUR = 3600_000;

/** Customer complaints (投诉处理表) with SLA deadlines, gateway → NATS → PostgreSQL, and the SLA sweep job. */
describe('complaints with SLAs', () => {
  const system = new TestSystem();
  /** The main workspace; `other` for isolation; `sweep` and `stats` own the job and metrics tests' complaints. */
  let f: Fixture;
  let other: Fixture;
  let sweep: Fixture;
  let stats: Fixture;
  const tokens = new Map<Fixture, Record<string, string>>();

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    sweep = await createWorkspace(system.env);
    stats = await createWorkspace(system.env);
    for (const w of [f, other, sweep, stats]) {
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
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  const form = (over: Record<string, unknown> = {}) => ({
    channel: 'phone',
    category: '产品质量',
    severity: 'high',
    description: '第三批货物有 20 件外包装破损',
    receivedAt: ago(10 * 60_000),
    ...over,
  });
  const open = async (who: Who, accountId: string, over: Record<string, unknown> = {}, w: Fixture = f) =>
    (
      await api()
        .post(`/api/v1/accounts/${accountId}/complaints`)
        .set(as(who, w))
        .send(form(over))
        .expect(201)
    ).body as Complaint;
  const move = (
    who: Who,
    c: { id: string; version: number },
    to: string,
    extra: Record<string, unknown> = {},
    w = f,
  ) =>
    api()
      .post(`/api/v1/complaints/${c.id}/transition`)
      .set(as(who, w))
      .set('If-Match', `"${c.version}"`)
      .send({ to, ...extra });
  const moveOk = async (who: Who, c: Complaint, to: string, extra: Record<string, unknown> = {}, w = f) => {
    const res = await move(who, c, to, extra, w);
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
    return res.body as Complaint;
  };
  const callback = async (
    who: Who,
    c: Complaint,
    body: Record<string, unknown> = { satisfaction: 5 },
    w = f,
  ) =>
    (await api().post(`/api/v1/complaints/${c.id}/callback`).set(as(who, w)).send(body).expect(200))
      .body as Complaint;
  const getAs = (who: Who, id: string, w = f) => api().get(`/api/v1/complaints/${id}`).set(as(who, w));
  const timeline = async (accountId: string, w = f) =>
    (await api().get(`/api/v1/accounts/${accountId}/timeline?limit=500`).set(as('director', w)).expect(200))
      .body.items as { kind: string; details: Record<string, unknown> }[];
  const eventsOf = (id: string, subject: string) =>
    db<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM account_management.outbox WHERE subject = $1 AND payload->>'complaintId' = $2 ORDER BY seq`,
      [`kam.events.accounts.complaint.${subject}`, id],
    );
  /** Everything a refused request must leave as it was. */
  const state = async (w: Fixture = f) =>
    (
      await db(
        `SELECT (SELECT count(*)::int FROM account_management.complaints WHERE workspace_id = $1) AS complaints,
                (SELECT coalesce(sum(version), 0)::int FROM account_management.complaints WHERE workspace_id = $1) AS versions,
                (SELECT count(*)::int FROM account_management.complaint_events WHERE workspace_id = $1) AS events,
                (SELECT count(*)::int FROM account_management.account_timeline WHERE workspace_id = $1) AS timeline,
                (SELECT count(*)::int FROM account_management.outbox WHERE workspace_id = $1) AS outbox`,
        [w.workspaceId],
      )
    )[0];
  const plus = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * HOUR).toISOString();

  describe('recording a complaint', () => {
    it('a gold account’s high complaint: first response within 2 h, resolution within 24 h; timeline and event', async () => {
      const receivedAt = ago(5 * 60_000);
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/complaints`)
        .set(as('am1'))
        .send(form({ receivedAt, measures: '安排补发', customerFeedback: '希望尽快处理' }))
        .expect(201);
      const c = res.body as Complaint & Record<string, unknown>;
      expect(c).toMatchObject({
        accountId: f.accounts.am1Own,
        channel: 'phone',
        category: '产品质量',
        severity: 'high',
        status: 'open',
        allowedTransitions: ['acknowledged'],
        handlerId: f.members.am1.id,
        measures: '安排补发',
        customerFeedback: '希望尽快处理',
        breachedResponse: false,
        breachedResolution: false,
        escalationLevel: 0,
        reopenCount: 0,
        callback: null,
        version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      expect(c.receivedAt).toBe(new Date(receivedAt).toISOString());
      expect(c.firstResponseDue).toBe(plus(c.receivedAt, 2));
      expect(c.resolutionDue).toBe(plus(c.receivedAt, 24));
      const entry = (await timeline(f.accounts.am1Own)).find(
        (e) => e.kind === 'complaint_opened' && e.details.complaintId === c.id,
      );
      expect(entry?.details).toMatchObject({ severity: 'high', to: 'open' });
      // The timeline is read by roles that may not read complaints: no description there.
      expect(JSON.stringify(entry)).not.toContain('外包装');
      expect((await eventsOf(c.id, 'opened')).map((e) => e.payload)).toEqual([
        {
          workspaceId: f.workspaceId,
          complaintId: c.id,
          accountId: f.accounts.am1Own,
          severity: 'high',
          from: null,
          to: 'open',
        },
      ]);
    });

    const cases: [string, 'am1Serviced' | 'am2Own' | 'am3Own' | 'leader1Own', string, number, number][] = [
      ['diamond (second tier)', 'am1Serviced', 'low', 2, 72],
      ['platinum', 'am2Own', 'medium', 4, 48],
      ['white gold', 'leader1Own', 'high', 4, 24],
      ['silver', 'am3Own', 'low', 4, 72],
    ];
    it.each(cases)(
      'a %s account (%s), %s severity: first response %i h, resolution %i h',
      async (_, acc, severity, r, s) => {
        const c = await open('director', f.accounts[acc], { severity });
        expect(c.firstResponseDue).toBe(plus(c.receivedAt, r));
        expect(c.resolutionDue).toBe(plus(c.receivedAt, s));
      },
    );

    it('the complaining contact must be a contact of the account, the handler an active member', async () => {
      const contact = (
        await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/contacts`)
          .set(as('am1'))
          .send({ name: '李明', buyingRole: 'user' })
          .expect(201)
      ).body as { id: string };
      const c = await open('am1', f.accounts.am1Own, {
        contactId: contact.id,
        handlerId: f.members.assistant.id,
      });
      expect(c).toMatchObject({ handlerId: f.members.assistant.id });
      const before = await state();
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am2Own}/complaints`)
        .set(as('director'))
        .send(form({ contactId: contact.id, handlerId: f.members.departed.id }));
      expectProblem(res, 400, 'validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'contactId',
        'handlerId',
      ]);
      expect(await state()).toEqual(before);
    });

    it('bad input is 400 naming the fields, and nothing changes', async () => {
      const before = await state();
      const bad: Record<string, unknown>[] = [
        {},
        form({ channel: 'fax' }),
        form({ severity: 'urgent' }),
        form({ category: '' }),
        form({ description: 'x'.repeat(5001) }),
        form({ receivedAt: '2026-11-20 10:00' }),
        form({ receivedAt: new Date(Date.now() + 3 * HOUR).toISOString() }),
        form({ handlerId: 'not-a-uuid' }),
        form({ unknownField: 1 }),
      ];
      for (const body of bad) {
        const res = await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/complaints`)
          .set(as('am1'))
          .send(body);
        expectProblem(res, 400, 'validation_failed');
      }
      expectProblem(
        await api().post(`/api/v1/accounts/not-a-uuid/complaints`).set(as('am1')).send(form()),
        400,
        'validation_failed',
      );
      expectProblem(await getAs('am1', 'nope'), 400, 'validation_failed');
      expect(await state()).toEqual(before);
    });
  });

  describe('the handling process', () => {
    it('every legal step, with the first response recorded, history, timeline and an event per step', async () => {
      let c = await open('am1', f.accounts.am1Own);
      c = await moveOk('am1', c, 'acknowledged', { note: '已电话联系客户' });
      expect(c).toMatchObject({ status: 'acknowledged', version: 2, allowedTransitions: ['in_progress'] });
      expect(c.firstRespondedAt).not.toBeNull();
      expect(c.breachedResponse).toBe(false);
      c = await moveOk('am1', c, 'in_progress', { measures: '安排补发并上门检查' });
      expect(c).toMatchObject({ status: 'in_progress', version: 3 });
      c = await moveOk('am1', c, 'resolved', { result: '已补发 20 件,客户签收' });
      expect(c).toMatchObject({ status: 'resolved', allowedTransitions: ['closed', 'in_progress'] });
      expect(c.resolvedAt).not.toBeNull();
      c = await callback('am1', c, { satisfaction: 4, note: '客户基本满意', customerFeedback: '补发及时' });
      expect(c.callback).toMatchObject({ satisfaction: 4, note: '客户基本满意', by: f.members.am1.id });
      c = await moveOk('am1', c, 'closed');
      expect(c).toMatchObject({
        status: 'closed',
        measures: '安排补发并上门检查',
        result: '已补发 20 件,客户签收',
        customerFeedback: '补发及时',
        allowedTransitions: ['in_progress'],
      });
      expect(c.closedAt).not.toBeNull();

      const full = (await getAs('clerk', c.id).expect(200)).body as Complaint;
      expect(full.history?.map((h) => [h.kind, h.from, h.to])).toEqual([
        ['opened', null, 'open'],
        ['transitioned', 'open', 'acknowledged'],
        ['transitioned', 'acknowledged', 'in_progress'],
        ['transitioned', 'in_progress', 'resolved'],
        ['callback', 'resolved', 'resolved'],
        ['transitioned', 'resolved', 'closed'],
      ]);
      const kinds = (await timeline(f.accounts.am1Own))
        .filter((e) => e.details.complaintId === c.id)
        .map((e) => e.kind);
      expect(kinds.sort()).toEqual(
        [
          'complaint_opened',
          'complaint_transitioned',
          'complaint_transitioned',
          'complaint_transitioned',
          'complaint_callback',
          'complaint_transitioned',
          // The satisfaction survey that the resolution starts (surveys.e2e-spec.ts).
          'survey_created',
        ].sort(),
      );
      expect((await eventsOf(c.id, 'transitioned')).map((e) => e.payload.to)).toEqual([
        'acknowledged',
        'in_progress',
        'resolved',
        'closed',
      ]);
    });

    it('an illegal step is 409 naming the allowed ones, and nothing changes', async () => {
      const c = await open('am1', f.accounts.am1Own);
      const before = await state();
      for (const to of ['resolved', 'closed', 'in_progress', 'open']) {
        const res = await move('am1', c, to).set('Accept-Language', 'en');
        expectProblem(res, 409, 'illegal_complaint_transition');
        expect(res.body.detail).toContain('allowed: acknowledged');
      }
      expect(await state()).toEqual(before);
    });

    it('closing without the satisfaction callback is refused, and resolving needs the result', async () => {
      let c = await open('am1', f.accounts.am1Own);
      c = await moveOk('am1', c, 'acknowledged');
      c = await moveOk('am1', c, 'in_progress');
      let before = await state();
      const noResult = await move('am1', c, 'resolved');
      expectProblem(noResult, 400, 'validation_failed');
      expect(await state()).toEqual(before);
      c = await moveOk('am1', c, 'resolved', { result: '已处理' });
      before = await state();
      expectProblem(await move('am1', c, 'closed'), 409, 'complaint_callback_required');
      expect(await state()).toEqual(before);
      // The callback takes 1-5.
      for (const satisfaction of [0, 6, 3.5, '5'])
        expectProblem(
          await api().post(`/api/v1/complaints/${c.id}/callback`).set(as('am1')).send({ satisfaction }),
          400,
          'validation_failed',
        );
      expect(await state()).toEqual(before);
    });

    it('a callback is recorded only once the complaint is resolved', async () => {
      const c = await open('am1', f.accounts.am1Own);
      expectProblem(
        await api().post(`/api/v1/complaints/${c.id}/callback`).set(as('am1')).send({ satisfaction: 5 }),
        409,
        'complaint_not_resolved',
      );
    });

    it('a closed complaint can be reopened: counted, resolved and called back anew before closing again', async () => {
      let c = await open('am1', f.accounts.am1Own);
      for (const to of ['acknowledged', 'in_progress']) c = await moveOk('am1', c, to);
      c = await moveOk('am1', c, 'resolved', { result: '已处理' });
      c = await callback('am1', c);
      c = await moveOk('am1', c, 'closed');
      c = await moveOk('am1', c, 'in_progress', { note: '客户反映问题再次出现' });
      expect(c).toMatchObject({
        status: 'in_progress',
        reopenCount: 1,
        resolvedAt: null,
        closedAt: null,
        callback: null,
      });
      c = await moveOk('am1', c, 'resolved');
      expectProblem(await move('am1', c, 'closed'), 409, 'complaint_callback_required');
      // Reopening straight from resolved works too.
      c = await moveOk('am1', c, 'in_progress');
      expect(c.reopenCount).toBe(2);
      c = await moveOk('am1', c, 'resolved');
      c = await callback('am1', c, { satisfaction: 5 });
      c = await moveOk('am1', c, 'closed');
      expect(c.status).toBe('closed');
    });

    it('a stale If-Match is 412, a missing one 428, and nothing changes', async () => {
      const c = await open('am1', f.accounts.am1Own);
      const before = await state();
      expectProblem(await move('am1', { id: c.id, version: 7 }, 'acknowledged'), 412, 'precondition_failed');
      expectProblem(
        await api().post(`/api/v1/complaints/${c.id}/transition`).set(as('am1')).send({ to: 'acknowledged' }),
        428,
        'precondition_required',
      );
      expectProblem(await move('am1', c, 'reopened'), 400, 'validation_failed');
      expect(await state()).toEqual(before);
    });

    it('acknowledging after the first-response deadline marks the response breach at once', async () => {
      let c = await open('am1', f.accounts.am1Own, { receivedAt: ago(3 * HOUR) });
      c = await moveOk('am1', c, 'acknowledged');
      expect(c.breachedResponse).toBe(true);
      expect(c.breachedResolution).toBe(false);
    });
  });

  describe('listing', () => {
    it('filters by status, severity, account, handler and breach, with cursor pagination', async () => {
      const acc = f.accounts.leader1Own;
      const made: Complaint[] = [];
      for (let i = 0; i < 5; i++)
        made.push(
          await open('leader1', acc, {
            severity: i % 2 ? 'low' : 'medium',
            receivedAt: ago((i + 1) * 60_000),
          }),
        );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/complaints?accountId=${acc}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await api().get(url).set(as('leader1')).expect(200)).body as {
          items: Complaint[];
          nextCursor: string | null;
        };
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      for (const c of made) expect(seen).toContain(c.id);
      const low = (
        await api()
          .get(`/api/v1/complaints?accountId=${acc}&severity=low&status=open`)
          .set(as('leader1'))
          .expect(200)
      ).body.items as Complaint[];
      expect(low.map((c) => c.id).sort()).toEqual(
        made
          .filter((_, i) => i % 2)
          .map((c) => c.id)
          .sort(),
      );
      const mine = (
        await api()
          .get(`/api/v1/complaints?handlerId=${f.members.leader1.id}`)
          .set(as('director'))
          .expect(200)
      ).body.items as Complaint[];
      expect(mine.every((c) => c.handlerId === f.members.leader1.id)).toBe(true);
      const breached = (await api().get(`/api/v1/complaints?breached=true`).set(as('director')).expect(200))
        .body.items as Complaint[];
      expect(breached.length).toBeGreaterThan(0);
      expect(breached.every((c) => c.breachedResponse || c.breachedResolution)).toBe(true);
      for (const q of [
        'status=new',
        'severity=x',
        'breached=yes',
        'limit=0',
        'limit=201',
        'cursor=garbage',
        'x=1',
      ])
        expectProblem(
          await api().get(`/api/v1/complaints?${q}`).set(as('director')),
          400,
          'validation_failed',
        );
    });
  });

  describe('permissions per role', () => {
    let onOwn: Complaint;
    let onServiced: Complaint;
    beforeAll(async () => {
      onOwn = await open('am1', f.accounts.am1Own);
      onServiced = await open('service', f.accounts.am1Serviced);
    });
    const ids = async (who: Who) =>
      (
        (await api().get('/api/v1/complaints?limit=200').set(as(who)).expect(200)).body.items as Complaint[]
      ).map((c) => c.accountId);

    it('an account manager sees and handles complaints of their own accounts only', async () => {
      expect(new Set(await ids('am1'))).toEqual(new Set([f.accounts.am1Own, f.accounts.am1Serviced]));
      expectProblem(await getAs('am2', onOwn.id), 404, 'complaint_not_found');
      expectProblem(await move('am2', onOwn, 'acknowledged'), 404, 'complaint_not_found');
      const before = await state();
      expectProblem(
        await api().post(`/api/v1/accounts/${f.accounts.am2Own}/complaints`).set(as('am1')).send(form()),
        404,
        'account_not_found',
      );
      expect(await state()).toEqual(before);
    });

    it("customer service records and handles complaints of its service team's accounts only", async () => {
      expect(onServiced.handlerId).toBe(f.members.service.id);
      expect(new Set(await ids('service'))).toEqual(new Set([f.accounts.am1Serviced, f.accounts.am3Own]));
      await moveOk('service', onServiced, 'acknowledged');
      expectProblem(await getAs('service', onOwn.id), 404, 'complaint_not_found');
      expectProblem(
        await api().post(`/api/v1/accounts/${f.accounts.am1Own}/complaints`).set(as('service')).send(form()),
        404,
        'account_not_found',
      );
    });

    it('a market researcher has no access to complaints', async () => {
      expectProblem(await api().get('/api/v1/complaints').set(as('researcher')), 403, 'forbidden');
      expectProblem(await getAs('researcher', onOwn.id), 403, 'forbidden');
      expectProblem(
        await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/complaints`)
          .set(as('researcher'))
          .send(form()),
        403,
        'forbidden',
      );
      expectProblem(
        await api().get('/api/v1/complaints/metrics?groupBy=account&month=2026-10').set(as('researcher')),
        403,
        'forbidden',
      );
    });

    it('the clerk reads every complaint but changes none', async () => {
      expect(new Set(await ids('clerk'))).toEqual(new Set(Object.values(f.accounts)));
      await getAs('clerk', onOwn.id).expect(200);
      const before = await state();
      expectProblem(await move('clerk', onOwn, 'acknowledged'), 403, 'forbidden');
      expectProblem(
        await api()
          .post(`/api/v1/complaints/${onOwn.id}/callback`)
          .set(as('clerk'))
          .send({ satisfaction: 5 }),
        403,
        'forbidden',
      );
      expectProblem(
        await api().post(`/api/v1/accounts/${f.accounts.am1Own}/complaints`).set(as('clerk')).send(form()),
        403,
        'forbidden',
      );
      expect(await state()).toEqual(before);
    });

    it("the group leader handles their team's accounts; the assistant those they assist", async () => {
      const leader = new Set(await ids('leader1'));
      expect(leader.has(f.accounts.am1Own)).toBe(true);
      expect(leader.has(f.accounts.am3Own)).toBe(false);
      expect(new Set(await ids('assistant'))).toEqual(new Set([f.accounts.am1Own]));
    });

    it('another workspace’s complaint is 404, and its accounts too', async () => {
      expectProblem(await getAs('director', onOwn.id, other), 404, 'complaint_not_found');
      expectProblem(await move('director', onOwn, 'acknowledged', {}, other), 404, 'complaint_not_found');
      expectProblem(
        await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/complaints`)
          .set(as('director', other))
          .send(form()),
        404,
        'account_not_found',
      );
      expect(
        ((await api().get('/api/v1/complaints').set(as('director', other)).expect(200)).body.items as [])
          .length,
      ).toBe(0);
    });
  });

  describe('the SLA sweep (MarkComplaintBreachesJob)', () => {
    const run = (asOf?: string, who: Who = 'admin') =>
      api()
        .post('/api/v1/admin/jobs/complaints/run')
        .set(as(who, sweep))
        .send(asOf ? { asOf } : {});
    /** The sweep as it runs at a later time (the admin's run-now takes no future asOf). */
    const runAt = (asOf: string) =>
      runJobAt(system.env, '/api/v1/admin/jobs/complaints/run', sweep.workspaceId, asOf);

    it('only an admin may run it now', async () => {
      expectProblem(await run(undefined, 'director'), 403, 'forbidden');
      expectProblem(await run('yesterday'), 400, 'validation_failed');
    });

    it('marks breaches as of a time and escalates: handler, then group leader, then director; a rerun changes nothing', async () => {
      // A silver account of team 2 (owner am3, leader leader2): respond within 4 h, a low complaint resolved in 72 h.
      const c = await open('am3', sweep.accounts.am3Own, { severity: 'low', receivedAt: ago(60_000) }, sweep);
      const answered = await open(
        'am3',
        sweep.accounts.am3Own,
        { severity: 'low', receivedAt: ago(60_000) },
        sweep,
      );
      await moveOk('am3', answered, 'acknowledged', {}, sweep);
      const at = (h: number) => plus(c.receivedAt, h);

      expect(await runAt(at(3))).toEqual({ marked: 0, asOf: at(3) });
      expect((await runAt(at(5))).marked).toBe(1);
      let now = (await getAs('director', c.id, sweep).expect(200)).body as Complaint;
      expect(now).toMatchObject({
        breachedResponse: true,
        breachedResolution: false,
        escalationLevel: 1,
        escalatedTo: sweep.members.am3.id,
      });
      expect((await runAt(at(5))).marked).toBe(0);

      expect((await runAt(at(73))).marked).toBe(2);
      now = (await getAs('director', c.id, sweep).expect(200)).body as Complaint;
      expect(now).toMatchObject({
        breachedResolution: true,
        escalationLevel: 2,
        escalatedTo: sweep.members.leader2.id,
      });
      const other = (await getAs('director', answered.id, sweep).expect(200)).body as Complaint;
      expect(other).toMatchObject({ breachedResponse: false, breachedResolution: true, escalationLevel: 2 });

      expect((await runAt(at(150))).marked).toBe(2);
      now = (await getAs('director', c.id, sweep).expect(200)).body as Complaint;
      expect(now).toMatchObject({ escalationLevel: 3, escalatedTo: sweep.members.director.id });
      expect((await runAt(at(150))).marked).toBe(0);

      const events = (await eventsOf(c.id, 'breached')).map((e) => e.payload);
      expect(events).toEqual([
        expect.objectContaining({
          breaches: ['response'],
          escalationLevel: 1,
          escalatedTo: sweep.members.am3.id,
        }),
        expect.objectContaining({ breaches: ['resolution'], escalationLevel: 2 }),
        expect.objectContaining({ breaches: [], escalationLevel: 3, escalatedTo: sweep.members.director.id }),
      ]);
      const kinds = (await timeline(sweep.accounts.am3Own, sweep))
        .filter((e) => e.details.complaintId === c.id)
        .map((e) => e.kind);
      expect(kinds.filter((k) => k === 'complaint_breached')).toHaveLength(3);
      const breached = (
        await api().get('/api/v1/complaints?breached=true').set(as('director', sweep)).expect(200)
      ).body.items as Complaint[];
      expect(breached.map((x) => x.id).sort()).toEqual([c.id, answered.id].sort());
    });

    it('a resolved complaint is not escalated further by the sweep', async () => {
      let c = await open('am1', sweep.accounts.am1Own, { receivedAt: ago(60_000) }, sweep);
      for (const to of ['acknowledged', 'in_progress']) c = await moveOk('am1', c, to, {}, sweep);
      c = await moveOk('am1', c, 'resolved', { result: '已处理' }, sweep);
      await runAt(plus(c.receivedAt, 500));
      const now = (await getAs('director', c.id, sweep).expect(200)).body as Complaint;
      expect(now).toMatchObject({ breachedResponse: false, breachedResolution: false, escalationLevel: 0 });
    });
  });

  describe('metrics', () => {
    // October 2026 in Asia/Shanghai; the last one is November there though still October in UTC.
    const made: Complaint[] = [];
    beforeAll(async () => {
      const s = stats.members;
      const specs: [keyof Fixture['accounts'], string, string, string[]][] = [
        ['am1Own', '2026-10-10T10:00:00+08:00', s.am1.id, ['acknowledged', 'in_progress', 'resolved']],
        ['am1Own', '2026-10-20T10:00:00+08:00', s.am1.id, ['acknowledged']],
        ['am2Own', '2026-10-05T09:00:00+08:00', s.am2.id, []],
        ['am3Own', '2026-10-01T00:30:00+08:00', s.service.id, []],
        ['am2Own', '2026-11-01T01:00:00+08:00', s.am2.id, []],
      ];
      for (const [acc, receivedAt, handlerId, steps] of specs) {
        let c = await open('director', stats.accounts[acc], { receivedAt, handlerId }, stats);
        for (const to of steps)
          c = await moveOk('director', c, to, to === 'resolved' ? { result: '已处理' } : {}, stats);
        made.push(c);
      }
      // Mark the breaches now, so that no scheduled sweep changes the numbers under the test.
      await api().post('/api/v1/admin/jobs/complaints/run').set(as('admin', stats)).send({}).expect(200);
    });
    const metrics = (q: string, who: Who = 'director') =>
      api().get(`/api/v1/complaints/metrics?${q}`).set(as(who, stats));
    const minutes = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

    it('per account for a month in the workspace time zone: counts, times and resolution rate', async () => {
      const body = (await metrics('groupBy=account&month=2026-10').expect(200)).body as {
        timeZone: string;
        rows: Record<string, unknown>[];
      };
      expect(body.timeZone).toBe('Asia/Shanghai');
      const byKey = Object.fromEntries(body.rows.map((r) => [r.key as string, r]));
      expect(Object.keys(byKey).sort()).toEqual(
        [stats.accounts.am1Own, stats.accounts.am2Own, stats.accounts.am3Own].sort(),
      );
      const [c1, c2] = made;
      const avgResponse =
        (minutes(c1.receivedAt, c1.firstRespondedAt!) + minutes(c2.receivedAt, c2.firstRespondedAt!)) / 2;
      expect(byKey[stats.accounts.am1Own]).toMatchObject({
        name: '深圳华为技术有限公司',
        received: 2,
        responded: 2,
        resolved: 1,
        resolutionRate: 0.5,
        breachedResponse: 2,
        breachedResolution: 2,
      });
      expect(byKey[stats.accounts.am1Own].avgFirstResponseMinutes as number).toBeCloseTo(avgResponse, 0);
      expect(byKey[stats.accounts.am1Own].avgResolutionMinutes as number).toBeCloseTo(
        minutes(c1.receivedAt, c1.resolvedAt!),
        0,
      );
      expect(byKey[stats.accounts.am2Own]).toMatchObject({
        received: 1,
        responded: 0,
        resolved: 0,
        resolutionRate: 0,
        avgFirstResponseMinutes: null,
        avgResolutionMinutes: null,
      });
      expect(byKey[stats.accounts.am3Own]).toMatchObject({ received: 1 });
      const nov = (await metrics('groupBy=account&month=2026-11').expect(200)).body.rows as { key: string }[];
      expect(nov.map((r) => r.key)).toEqual([stats.accounts.am2Own]);
    });

    it('per member (handler) and per team', async () => {
      const members = (await metrics('groupBy=member&month=2026-10').expect(200)).body.rows as {
        key: string;
        received: number;
        resolved: number;
      }[];
      expect(Object.fromEntries(members.map((r) => [r.key, [r.received, r.resolved]]))).toEqual({
        [stats.members.am1.id]: [2, 1],
        [stats.members.am2.id]: [1, 0],
        [stats.members.service.id]: [1, 0],
      });
      const teams = (await metrics('groupBy=team&month=2026-10').expect(200)).body.rows as {
        key: string;
        name: string;
        received: number;
        resolutionRate: number;
      }[];
      expect(Object.fromEntries(teams.map((r) => [r.key, [r.name, r.received, r.resolutionRate]]))).toEqual({
        [stats.teams.team1]: ['客户经理一组', 3, 0.333],
        [stats.teams.service]: ['客服组', 1, 0],
      });
    });

    it('only over the complaints the caller may read; bad parameters are 400', async () => {
      const rows = (await metrics('groupBy=account&month=2026-10', 'am1').expect(200)).body.rows as {
        key: string;
      }[];
      expect(rows.map((r) => r.key)).toEqual([stats.accounts.am1Own]);
      for (const q of [
        'groupBy=account',
        'month=2026-10',
        'groupBy=region&month=2026-10',
        'groupBy=team&month=2026-13',
      ])
        expectProblem(await metrics(q), 400, 'validation_failed');
    });
  });

  it('the demo workspace shows a complaint in every state, one of them breached and escalated (seed twice)', async () => {
    const seed = path.join(
      process.env.KAM_TEST_DIST ?? path.join(ROOT, 'dist'),
      'apps/account-management/src/seed/main.js',
    );
    for (let i = 0; i < 2; i++) {
      const r = spawnSync(process.execPath, [seed], {
        env: {
          PATH: process.env.PATH ?? '',
          KAM_DATABASE_URL: serviceDatabaseUrl(system.env, 'account-management'),
        },
        encoding: 'utf8',
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    }
    const rows = await db<{ status: string; n: number; breached: number; escalated: number }>(
      `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE breached_response OR breached_resolution)::int AS breached,
              count(*) FILTER (WHERE escalation_level > 0 AND escalated_to IS NOT NULL)::int AS escalated
       FROM account_management.complaints WHERE workspace_id = '11111111-1111-4111-8111-111111111111'
       GROUP BY status ORDER BY status`,
    );
    expect(rows.map((r) => r.status)).toEqual(['acknowledged', 'closed', 'in_progress', 'open', 'resolved']);
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(6);
    expect(rows.find((r) => r.status === 'open')).toMatchObject({ breached: 1, escalated: 1 });
  });

  it('an Idempotency-Key records the complaint once', async () => {
    const key = randomUUID();
    const body = form();
    const first = await api()
      .post(`/api/v1/accounts/${f.accounts.am2Own}/complaints`)
      .set(as('am2'))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    const again = await api()
      .post(`/api/v1/accounts/${f.accounts.am2Own}/complaints`)
      .set(as('am2'))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    expect(again.body.id).toBe(first.body.id);
  });
});
