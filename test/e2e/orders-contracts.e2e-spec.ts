import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { connect, NatsConnection } from 'nats';
import { Actor, Reply, SUBJECTS } from '@app/contracts';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl, natsOptions } from '../support/env';
import { expectProblem } from '../support/e2e-helpers';

type Who = keyof Fixture['members'] | 'otherDirector';

interface OrderBody {
  id: string;
  accountId: string;
  memberId: string;
  amount: { amountMinor: number; currency: string } | null;
  orderedOn: string;
  source: string;
  crmOpportunityId: string | null;
  redacted: string[];
}
interface ContractBody {
  id: string;
  accountId: string;
  status: string;
  amount: { amountMinor: number; currency: string } | null;
  discountPct: number | null;
  signerId: string;
  approvedBy: string | null;
  approvedAt: string | null;
  decisionNote: string | null;
  version: number;
  redacted: string[];
}

/** Orders (sales records) and contracts with discount approval: gateway → NATS → PostgreSQL. */
describe('orders and contracts of key accounts', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  const tokens: Record<string, string> = {};
  let nc: NatsConnection;

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as (keyof Fixture['members'])[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    tokens.otherDirector = await memberToken(system.jwtSecret, other, 'director');
    nc = await connect({
      servers: system.env.natsUrl,
      ...natsOptions(system.env, 'gateway'),
      name: 'orders-contracts-e2e',
    });
  });
  afterAll(async () => {
    await nc?.drain();
    await system.stop();
  });

  const api = () => request(system.baseUrl);
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

  const order = (over: Record<string, unknown> = {}) => ({
    amount: { amountMinor: 12_800_000, currency: 'CNY' },
    orderedOn: '2026-11-20',
    description: '年度框架协议首批订货',
    ...over,
  });
  const addOrder = async (who: Who, accountId: string, over: Record<string, unknown> = {}) =>
    (await api().post(`/api/v1/accounts/${accountId}/orders`).set(as(who)).send(order(over)).expect(201))
      .body as OrderBody;
  const ordersOf = async (who: Who, accountId: string) =>
    (await api().get(`/api/v1/accounts/${accountId}/orders`).set(as(who)).expect(200)).body
      .items as OrderBody[];
  const timeline = async (accountId: string) =>
    (await api().get(`/api/v1/accounts/${accountId}/timeline?limit=500`).set(as('director')).expect(200)).body
      .items as { kind: string; actorId: string; details: Record<string, unknown> }[];
  const events = (subject: string, key: string, id: string) =>
    db<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM account_management.outbox WHERE subject = $1 AND payload->>$2 = $3 ORDER BY seq`,
      [subject, key, id],
    );
  /** Everything a failed request must leave as it was. */
  const state = async (accountId: string) =>
    (
      await db(
        `SELECT (SELECT count(*)::int FROM account_management.orders WHERE account_id = $1) AS orders,
                (SELECT count(*)::int FROM account_management.contracts WHERE account_id = $1) AS contracts,
                (SELECT coalesce(sum(version), 0)::int FROM account_management.contracts WHERE account_id = $1) AS versions,
                (SELECT count(*)::int FROM account_management.account_timeline WHERE account_id = $1) AS timeline`,
        [accountId],
      )
    )[0];

  /** A request straight to account-management over NATS, as performance-evaluation sends it. */
  const direct = async (subject: string, actor: Actor, data: unknown) => {
    const msg = await nc.request(subject, new TextEncoder().encode(JSON.stringify({ actor, data })), {
      timeout: 5000,
    });
    return JSON.parse(new TextDecoder().decode(msg.data)) as Reply;
  };
  const memberActor = (who: keyof Fixture['members']): Actor => ({
    workspaceId: f.workspaceId,
    memberId: f.members[who].id,
    roles: f.members[who].roles,
    requestId: randomUUID(),
  });
  const systemActor = (): Actor => ({
    workspaceId: f.workspaceId,
    memberId: '00000000-0000-0000-0000-000000000000',
    roles: [],
    requestId: randomUUID(),
    kind: 'system',
  });

  describe('orders', () => {
    it('an account manager records an order of their account: credited to them, on the timeline and told by event', async () => {
      const o = await addOrder('am1', f.accounts.am1Own);
      expect(o).toMatchObject({
        accountId: f.accounts.am1Own,
        memberId: f.members.am1.id,
        amount: { amountMinor: 12_800_000, currency: 'CNY' },
        orderedOn: '2026-11-20',
        source: 'manual',
        crmOpportunityId: null,
        redacted: [],
      });
      const entry = (await timeline(f.accounts.am1Own)).find(
        (e) => e.kind === 'order_recorded' && e.details.orderId === o.id,
      );
      expect(entry).toMatchObject({ actorId: f.members.am1.id, details: { memberId: f.members.am1.id } });
      // The timeline is read by roles that may not see amounts.
      expect(JSON.stringify(entry)).not.toContain('12800000');
      expect(
        (await events('kam.events.accounts.order.recorded', 'orderId', o.id)).map((e) => e.payload),
      ).toEqual([
        {
          workspaceId: f.workspaceId,
          accountId: f.accounts.am1Own,
          orderId: o.id,
          memberId: f.members.am1.id,
          amountMinor: 12_800_000,
          currency: 'CNY',
          orderedOn: '2026-11-20',
          source: 'manual',
        },
      ]);
      expect((await ordersOf('am1', f.accounts.am1Own)).map((x) => x.id)).toContain(o.id);
    });

    it('a won CRM opportunity sent twice is recorded once: the second answers the existing order with 200', async () => {
      const opp = `opp-${randomUUID()}`;
      const first = await addOrder('am1', f.accounts.am1Own, { crmOpportunityId: opp });
      expect(first).toMatchObject({ source: 'crm_opportunity', crmOpportunityId: opp });
      const again = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/orders`)
        .set(as('am1'))
        .send(order({ crmOpportunityId: opp }))
        .expect(200);
      expect(again.body.id).toBe(first.id);
      const rows = await db(`SELECT id FROM account_management.orders WHERE crm_opportunity_id = $1`, [opp]);
      expect(rows).toHaveLength(1);
      expect(await events('kam.events.accounts.order.recorded', 'orderId', first.id)).toHaveLength(1);
      // The same opportunity on another account is a conflict, not a second order.
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am2Own}/orders`)
        .set(as('director'))
        .send(order({ crmOpportunityId: opp }));
      expectProblem(res, 409, 'conflict');
    });

    it('the same won opportunity arriving five times at once still makes one order', async () => {
      const opp = `opp-${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          api()
            .post(`/api/v1/accounts/${f.accounts.am1Own}/orders`)
            .set(as('am1'))
            .send(order({ crmOpportunityId: opp })),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => (r.body as OrderBody).id)).size).toBe(1);
      const rows = await db(`SELECT id FROM account_management.orders WHERE crm_opportunity_id = $1`, [opp]);
      expect(rows).toHaveLength(1);
    });

    it('a POST with an Idempotency-Key is applied once', async () => {
      const key = `order-${randomUUID()}`;
      const before = await state(f.accounts.am1Own);
      const send = () =>
        api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/orders`)
          .set(as('am1'))
          .set('Idempotency-Key', key)
          .send(order({ orderedOn: '2026-11-21' }));
      const first = await send().expect(201);
      const again = await send().expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect((await state(f.accounts.am1Own)).orders).toBe((before.orders as number) + 1);
    });

    it('lists are paged with a cursor, newest order date first', async () => {
      const ids: string[] = [];
      for (const day of ['2030-07-01', '2030-07-02', '2030-07-03'])
        ids.push((await addOrder('am1', f.accounts.am1Own, { orderedOn: day })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/orders?from=2030-07-01&to=2030-07-31&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const body = (await api().get(url).set(as('am1')).expect(200)).body as {
          items: OrderBody[];
          nextCursor: string | null;
        };
        seen.push(...body.items.map((o) => o.id));
        cursor = body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      expectProblem(
        await api().get('/api/v1/orders?cursor=nonsense').set(as('am1')),
        400,
        'validation_failed',
      );
    });

    it('the director credits an order to another member; an unknown member is a 400', async () => {
      const o = await addOrder('director', f.accounts.am2Own, { memberId: f.members.am2.id });
      expect(o.memberId).toBe(f.members.am2.id);
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am2Own}/orders`)
        .set(as('director'))
        .send(order({ memberId: randomUUID() }));
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res.body)).toEqual(['memberId']);
    });

    it('lists orders across accounts as far as the role reaches, filtered by member and dates', async () => {
      const mine = await addOrder('am1', f.accounts.am1Own, { orderedOn: '2029-05-10' });
      const team2 = await addOrder('am3', f.accounts.am3Own, { orderedOn: '2029-05-11' });
      const list = async (who: Who, q: string) =>
        ((await api().get(`/api/v1/orders?${q}`).set(as(who)).expect(200)).body.items as OrderBody[]).map(
          (x) => x.id,
        );
      const may = '&from=2029-05-01&to=2029-05-31';
      expect(await list('director', may)).toEqual([team2.id, mine.id]);
      expect(await list('executive', may)).toEqual([team2.id, mine.id]);
      expect(await list('am1', may)).toEqual([mine.id]);
      expect(await list('leader1', may)).toEqual([mine.id]);
      expect(await list('leader2', may)).toEqual([team2.id]);
      expect(await list('am2', may)).toEqual([]);
      expect(await list('director', `memberId=${f.members.am3.id}${may}`)).toEqual([team2.id]);
      expect(await list('director', 'from=2029-05-11&to=2029-05-11')).toEqual([team2.id]);
      expectProblem(await api().get('/api/v1/orders?from=2029-02-30').set(as('director')), 400);
    });

    it('amounts are redacted for the clerk; customer service and market researchers cannot read orders', async () => {
      await addOrder('am1', f.accounts.am1Serviced);
      const clerk = await ordersOf('clerk', f.accounts.am1Serviced);
      expect(clerk.length).toBeGreaterThan(0);
      for (const o of clerk) {
        expect(o.amount).toBeNull();
        expect(o.redacted).toEqual(['amount']);
      }
      const all = (await api().get('/api/v1/orders').set(as('clerk')).expect(200)).body.items as OrderBody[];
      expect(all.every((o) => o.amount === null)).toBe(true);
      const exec = await ordersOf('executive', f.accounts.am1Serviced);
      expect(exec.every((o) => o.amount !== null && o.redacted.length === 0)).toBe(true);
      expectProblem(
        await api().get(`/api/v1/accounts/${f.accounts.am1Serviced}/orders`).set(as('service')),
        403,
        'forbidden',
      );
      expectProblem(await api().get('/api/v1/orders').set(as('researcher')), 403, 'forbidden');
    });

    it.each([
      ['the assistant, on the account they assist', 'assistant', 'am1Own', 201],
      ['the group leader, on a team account', 'leader1', 'am2Own', 201],
      ['the deputy director, on any account', 'deputy', 'am3Own', 201],
      ["an account manager, on a colleague's account (hidden)", 'am1', 'am2Own', 404],
      ['the clerk (read only)', 'clerk', 'am1Own', 403],
      ['the executive (read only)', 'executive', 'am1Own', 403],
      ['customer service', 'service', 'am1Serviced', 403],
      ['the admin (no business data)', 'admin', 'am1Own', 403],
    ] as const)('recording an order: %s (%s on %s) → %s', async (_name, who, account, status) => {
      const accountId = f.accounts[account];
      const before = await state(accountId);
      const res = await api().post(`/api/v1/accounts/${accountId}/orders`).set(as(who)).send(order());
      expect(res.status).toBe(status);
      if (status !== 201) expect(await state(accountId)).toEqual(before);
    });

    it("another workspace's director gets 404 for this workspace's account, and changes nothing", async () => {
      const before = await state(f.accounts.am1Own);
      expectProblem(
        await api().get(`/api/v1/accounts/${f.accounts.am1Own}/orders`).set(as('otherDirector')),
        404,
        'account_not_found',
      );
      expectProblem(
        await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/orders`)
          .set(as('otherDirector'))
          .send(order()),
        404,
        'account_not_found',
      );
      const theirs = (await api().get('/api/v1/orders').set(as('otherDirector')).expect(200)).body.items;
      expect(theirs).toEqual([]);
      expect(await state(f.accounts.am1Own)).toEqual(before);
    });

    it.each([
      ['a negative amount', { amount: { amountMinor: -100, currency: 'CNY' } }, 'amount.amountMinor'],
      ['a zero amount', { amount: { amountMinor: 0, currency: 'CNY' } }, 'amount.amountMinor'],
      ['a fractional amount', { amount: { amountMinor: 10.5, currency: 'CNY' } }, 'amount.amountMinor'],
      ['a lower-case currency', { amount: { amountMinor: 100, currency: 'cny' } }, 'amount.currency'],
      ['a currency that is no code', { amount: { amountMinor: 100, currency: 'YUAN' } }, 'amount.currency'],
      ['an impossible date', { orderedOn: '2026-02-30' }, 'orderedOn'],
      ['a date that is no date', { orderedOn: 'yesterday' }, 'orderedOn'],
      ['an unknown source', { source: 'fax' }, 'source'],
      ['an unknown field', { discount: 5 }, 'discount'],
    ])('%s is a 400 naming the field, and nothing changes', async (_name, over, field) => {
      const before = await state(f.accounts.am1Own);
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/orders`)
        .set(as('am1'))
        .send(order(over));
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res.body)).toContain(field);
      expect(await state(f.accounts.am1Own)).toEqual(before);
    });
  });

  describe('order sums for performance evaluation (kam.accounts.order.sums over NATS)', () => {
    beforeAll(async () => {
      const rec = (
        accountId: string,
        memberId: string,
        amountMinor: number,
        orderedOn: string,
        currency = 'CNY',
      ) => addOrder('director', accountId, { memberId, amount: { amountMinor, currency }, orderedOn });
      await rec(f.accounts.am1Own, f.members.am1.id, 100_00, '2031-03-05');
      // 2031-03-01 00:30 in Shanghai: the 1st of March there, though still February in UTC.
      await rec(f.accounts.am1Own, f.members.am1.id, 50_00, '2031-02-28T16:30:00Z');
      // 2031-02-28 23:30 in Shanghai: February.
      await rec(f.accounts.am1Own, f.members.am1.id, 7_00, '2031-02-28T15:30:00Z');
      await rec(f.accounts.am2Own, f.members.am2.id, 20_00, '2031-03-31');
      await rec(f.accounts.am2Own, f.members.am2.id, 9_00, '2031-03-15', 'USD');
      await rec(f.accounts.am3Own, f.members.am3.id, 300_00, '2031-03-10');
      await rec(f.accounts.am3Own, f.members.am3.id, 1_00, '2031-04-01');
    });
    const dataOf = (r: Reply) => {
      if (!r.ok) throw new Error(`${r.error.code}: ${JSON.stringify(r.error)}`);
      return r.data;
    };

    it('sums by member for a month in the workspace time zone (an order at 00:30 on the 1st belongs to it)', async () => {
      const sums = dataOf(
        await direct(SUBJECTS.accounts.orderSums, systemActor(), { groupBy: 'member', month: '2031-03' }),
      );
      const expected = [
        { memberId: f.members.am1.id, currency: 'CNY', amountMinor: 150_00, orders: 2 },
        { memberId: f.members.am2.id, currency: 'CNY', amountMinor: 20_00, orders: 1 },
        { memberId: f.members.am2.id, currency: 'USD', amountMinor: 9_00, orders: 1 },
        { memberId: f.members.am3.id, currency: 'CNY', amountMinor: 300_00, orders: 1 },
      ];
      expect(sums).toEqual(expect.arrayContaining(expected));
      expect(sums).toHaveLength(expected.length);
      const feb = dataOf(
        await direct(SUBJECTS.accounts.orderSums, systemActor(), { groupBy: 'member', month: '2031-02' }),
      );
      expect(feb).toEqual([{ memberId: f.members.am1.id, currency: 'CNY', amountMinor: 7_00, orders: 1 }]);
    });

    it('sums by team (the credited member’s team) for a month, and by a date range', async () => {
      const sums = dataOf(
        await direct(SUBJECTS.accounts.orderSums, systemActor(), { groupBy: 'team', month: '2031-03' }),
      );
      const expected = [
        { teamId: f.teams.team1, currency: 'CNY', amountMinor: 170_00, orders: 3 },
        { teamId: f.teams.team1, currency: 'USD', amountMinor: 9_00, orders: 1 },
        { teamId: f.teams.team2, currency: 'CNY', amountMinor: 300_00, orders: 1 },
      ];
      expect(sums).toEqual(expect.arrayContaining(expected));
      expect(sums).toHaveLength(expected.length);
      const range = dataOf(
        await direct(SUBJECTS.accounts.orderSums, systemActor(), {
          groupBy: 'team',
          from: '2031-03-10',
          to: '2031-04-01',
        }),
      );
      expect(range).toEqual(
        expect.arrayContaining([
          { teamId: f.teams.team1, currency: 'CNY', amountMinor: 20_00, orders: 1 },
          { teamId: f.teams.team1, currency: 'USD', amountMinor: 9_00, orders: 1 },
          { teamId: f.teams.team2, currency: 'CNY', amountMinor: 301_00, orders: 2 },
        ]),
      );
    });

    it.each([
      ['director', true],
      ['deputy', true],
      ['executive', true],
      ['leader1', false],
      ['am1', false],
      ['clerk', false],
      ['service', false],
    ] as const)('may the %s ask for the sums? %s', async (who, allowed) => {
      const r = await direct(SUBJECTS.accounts.orderSums, memberActor(who), {
        groupBy: 'member',
        month: '2031-03',
      });
      if (allowed) expect(r.ok).toBe(true);
      else expect(r.ok ? null : r.error.code).toBe('forbidden');
    });

    it('another workspace sees none of these sums; a bad month is a 400', async () => {
      const theirs = await direct(
        SUBJECTS.accounts.orderSums,
        { ...systemActor(), workspaceId: other.workspaceId },
        { groupBy: 'member', month: '2031-03' },
      );
      expect(dataOf(theirs)).toEqual([]);
      for (const bad of [
        { groupBy: 'member', month: '2031-13' },
        { groupBy: 'account', month: '2031-03' },
        { groupBy: 'member' },
      ]) {
        const r = await direct(SUBJECTS.accounts.orderSums, systemActor(), bad);
        expect(r.ok ? null : r.error.status).toBe(400);
      }
    });
  });

  describe('contracts', () => {
    const contract = (over: Record<string, unknown> = {}) => ({
      kind: 'sales_contract',
      title: '2027 年度框架采购协议',
      amount: { amountMinor: 500_000_000, currency: 'CNY' },
      startsOn: '2027-01-01',
      endsOn: '2027-12-31',
      discountPct: 5,
      ...over,
    });
    const draft = async (who: Who, accountId: string, over: Record<string, unknown> = {}) => {
      const res = await api()
        .post(`/api/v1/accounts/${accountId}/contracts`)
        .set(as(who))
        .send(contract(over));
      expect(res.status).toBe(201);
      return res.body as ContractBody;
    };
    const submit = async (who: Who, id: string) =>
      (await api().post(`/api/v1/contracts/${id}/submit`).set(as(who)).expect(200)).body as ContractBody;
    const decide = (who: Who, id: string, body: Record<string, unknown>) =>
      api().post(`/api/v1/contracts/${id}/decision`).set(as(who)).send(body);

    it("a discount within the manager's authority (5%) is active on submit", async () => {
      const c = await draft('am1', f.accounts.am1Own, { discountPct: 5 });
      expect(c).toMatchObject({ status: 'draft', signerId: f.members.am1.id, version: 1, discountPct: 5 });
      const s = await submit('am1', c.id);
      expect(s).toMatchObject({ status: 'active', version: 2, approvedBy: null });
      const kinds = (await timeline(f.accounts.am1Own))
        .filter((e) => e.details.contractId === c.id)
        .map((e) => e.kind);
      expect(kinds).toEqual(['contract_submitted', 'contract_created']);
      expect(
        (await events('kam.events.accounts.contract.changed', 'contractId', c.id)).map(
          (e) => e.payload.change,
        ),
      ).toEqual(['created', 'submitted']);
    });

    it('a group leader signs up to 10% on a team account without approval', async () => {
      const c = await draft('leader1', f.accounts.am2Own, { discountPct: 8 });
      expect((await submit('leader1', c.id)).status).toBe('active');
    });

    it("above the manager's authority it waits for the director, who approves; the deputy cannot decide", async () => {
      const c = await draft('am1', f.accounts.am1Own, { discountPct: 8 });
      expect((await submit('am1', c.id)).status).toBe('pending_approval');
      const queue = (
        await api().get('/api/v1/contracts?status=pending_approval').set(as('director')).expect(200)
      ).body.items as ContractBody[];
      expect(queue.map((x) => x.id)).toContain(c.id);
      expect(queue.every((x) => x.status === 'pending_approval')).toBe(true);
      const before = await state(f.accounts.am1Own);
      expectProblem(await decide('deputy', c.id, { decision: 'approve' }), 403, 'forbidden');
      expectProblem(await decide('am1', c.id, { decision: 'approve' }), 403, 'forbidden');
      expect(await state(f.accounts.am1Own)).toEqual(before);
      const res = await decide('director', c.id, { decision: 'approve', note: '战略客户,同意' }).expect(200);
      expect(res.body).toMatchObject({
        status: 'active',
        approvedBy: f.members.director.id,
        decisionNote: '战略客户,同意',
      });
      expect(res.body.approvedAt).toEqual(expect.any(String));
      // Decided once: a second decision is a conflict.
      expectProblem(await decide('director', c.id, { decision: 'reject' }), 409, 'conflict');
      expect(
        (await events('kam.events.accounts.contract.changed', 'contractId', c.id)).map(
          (e) => e.payload.change,
        ),
      ).toEqual(['created', 'submitted', 'approved']);
    });

    it('the director rejects a discount above authority with a note', async () => {
      const c = await draft('am1', f.accounts.am1Own, { discountPct: 12.5, kind: 'government_procurement' });
      expect((await submit('am1', c.id)).status).toBe('pending_approval');
      const res = await decide('director', c.id, { decision: 'reject', note: '折扣过高' }).expect(200);
      expect(res.body).toMatchObject({ status: 'rejected', decisionNote: '折扣过高' });
      expectProblem(await decide('director', randomUUID(), { decision: 'approve' }), 404, 'not_found');
      expectProblem(await decide('director', c.id, { decision: 'maybe' }), 400, 'validation_failed');
    });

    it('only drafts change, with If-Match: 412 when stale, 428 without, 409 once submitted', async () => {
      const c = await draft('am1', f.accounts.am1Own, { discountPct: 3 });
      const patch = (ifMatch: string | undefined, body: Record<string, unknown>) => {
        const r = api().patch(`/api/v1/contracts/${c.id}`).set(as('am1'));
        if (ifMatch !== undefined) r.set('If-Match', ifMatch);
        return r.send(body);
      };
      const ok = await patch('"1"', { title: '2027 年度框架采购协议(修订)', discountPct: 4.5 }).expect(200);
      expect(ok.body).toMatchObject({ version: 2, discountPct: 4.5, title: '2027 年度框架采购协议(修订)' });
      expect(ok.headers.etag).toBe('"2"');
      const before = await state(f.accounts.am1Own);
      expectProblem(await patch('"1"', { title: '过期的修改' }), 412, 'precondition_failed');
      expectProblem(await patch(undefined, { title: '没有版本' }), 428, 'precondition_required');
      expectProblem(await patch('"2"', { endsOn: '2026-01-01' }), 400, 'validation_failed');
      expect(await state(f.accounts.am1Own)).toEqual(before);
      expect((await submit('am1', c.id)).status).toBe('active');
      expectProblem(await patch('"3"', { title: '生效后修改' }), 409, 'conflict');
      expectProblem(await api().post(`/api/v1/contracts/${c.id}/submit`).set(as('am1')), 409, 'conflict');
    });

    it('amount and discount are redacted for the clerk; customer service cannot read contracts', async () => {
      await draft('am1', f.accounts.am1Serviced);
      const items = (
        await api().get(`/api/v1/accounts/${f.accounts.am1Serviced}/contracts`).set(as('clerk')).expect(200)
      ).body.items as ContractBody[];
      expect(items.length).toBeGreaterThan(0);
      for (const c of items) {
        expect(c).toMatchObject({ amount: null, discountPct: null, redacted: ['amount', 'discountPct'] });
      }
      expectProblem(
        await api().get(`/api/v1/accounts/${f.accounts.am1Serviced}/contracts`).set(as('service')),
        403,
        'forbidden',
      );
      expectProblem(
        await api().post(`/api/v1/accounts/${f.accounts.am1Own}/contracts`).set(as('clerk')).send(contract()),
        403,
        'forbidden',
      );
    });

    it("account managers see only their accounts' contracts; another workspace gets 404", async () => {
      const mine = await draft('am1', f.accounts.am1Own);
      const listed = (await api().get('/api/v1/contracts').set(as('am2')).expect(200)).body
        .items as ContractBody[];
      expect(listed.map((x) => x.id)).not.toContain(mine.id);
      expectProblem(
        await api()
          .patch(`/api/v1/contracts/${mine.id}`)
          .set(as('am2'))
          .set('If-Match', '"1"')
          .send({ title: 'x' }),
        404,
        'not_found',
      );
      expectProblem(
        await api().post(`/api/v1/contracts/${mine.id}/submit`).set(as('otherDirector')),
        404,
        'not_found',
      );
      expectProblem(
        await api().get(`/api/v1/accounts/${f.accounts.am1Own}/contracts`).set(as('otherDirector')),
        404,
        'account_not_found',
      );
    });

    it.each([
      ['an end before the start', { startsOn: '2027-06-01', endsOn: '2027-01-01' }, 'endsOn'],
      ['a discount above 100%', { discountPct: 101 }, 'discountPct'],
      ['a negative discount', { discountPct: -1 }, 'discountPct'],
      ['a discount with three decimals', { discountPct: 5.125 }, 'discountPct'],
      ['an unknown kind', { kind: 'lease' }, 'kind'],
      ['a negative amount', { amount: { amountMinor: -5, currency: 'CNY' } }, 'amount.amountMinor'],
      ['an impossible date', { startsOn: '2027-02-29' }, 'startsOn'],
      ['a document id that is no UUID', { documentId: 'doc-1' }, 'documentId'],
    ])('%s is a 400 naming the field, and nothing changes', async (_name, over, field) => {
      const before = await state(f.accounts.am1Own);
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/contracts`)
        .set(as('am1'))
        .send(contract(over));
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res.body)).toContain(field);
      expect(await state(f.accounts.am1Own)).toEqual(before);
    });
  });
});
