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
const A = 'account_management';

interface Note {
  kind: string;
  title: string;
  link: { contractId: string; accountId: string; days: number; endsOn: string };
}

/** Contract renewal reminders 60, 30 and 7 days before an active contract ends: gateway → NATS → BullMQ → PostgreSQL. */
describe('contract renewal reminders', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  const tokens: Record<string, string> = {};
  let otherAdmin: string;

  const today = dateInTimeZone(new Date(), TZ);
  const noonOf = (date: string) => `${date}T12:00:00+08:00`;
  // am1's account, signed by am2: both are told. am2's own account, signed by am2: told once.
  const ids = {
    sixty: randomUUID(),
    thirty: randomUUID(),
    draft: randomUUID(),
    pending: randomUUID(),
    terminated: randomUUID(),
    expired: randomUUID(),
    otherWorkspace: randomUUID(),
  };

  const api = () => request(system.baseUrl);
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const contract = (
    fx: Fixture,
    id: string,
    accountId: string,
    signerId: string,
    status: string,
    endsOn: string,
  ) =>
    db(
      `INSERT INTO ${A}.contracts (id, workspace_id, account_id, kind, title, amount_minor, currency, starts_on,
         ends_on, status, signer_id, created_by)
       VALUES ($1, $2, $3, 'sales_contract', $4, 1000000, 'CNY', $5, $6, $7, $8, $8)`,
      [
        id,
        fx.workspaceId,
        accountId,
        `合同 ${status} ${endsOn}`,
        addDays(today, -300),
        endsOn,
        status,
        signerId,
      ],
    );
  /** The daily run at noon of `date` (the admin's run-now takes no future asOf: the job goes on its queue). */
  const run = async (date: string) =>
    (await runJobAt(system.env, '/api/v1/admin/jobs/contracts/run', f.workspaceId, noonOf(date))) as {
      reminded: number;
      expired: number;
      today: string;
      workspaceId: string;
    };
  const renewals = async (who: Who) =>
    ((await api().get('/api/v1/notifications').set(as(who)).expect(200)).body.items as Note[]).filter(
      (n) => n.kind === 'contract_renewal',
    );
  const sent = async (contractId: string) =>
    (
      await db<{ offset_days: number }>(
        `SELECT offset_days FROM ${A}.contract_reminders WHERE contract_id = $1 ORDER BY offset_days DESC`,
        [contractId],
      )
    ).map((r) => r.offset_days);
  const events = async (contractId: string) =>
    (
      await db<{ payload: { days: number; toMemberIds: string[] } }>(
        `SELECT payload FROM ${A}.outbox WHERE subject = 'kam.events.accounts.contract.renewal-due'
         AND payload->>'contractId' = $1 ORDER BY (payload->>'days')::int DESC`,
        [contractId],
      )
    ).map((r) => r.payload);

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as Who[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    otherAdmin = await memberToken(system.jwtSecret, other, 'admin');
    const am2 = f.members.am2.id;
    await contract(f, ids.sixty, f.accounts.am1Own, am2, 'active', addDays(today, 60));
    await contract(f, ids.thirty, f.accounts.am2Own, am2, 'active', addDays(today, 30));
    await contract(f, ids.draft, f.accounts.am1Own, am2, 'draft', addDays(today, 60));
    await contract(f, ids.pending, f.accounts.am1Own, am2, 'pending_approval', addDays(today, 30));
    await contract(f, ids.terminated, f.accounts.am1Own, am2, 'terminated', addDays(today, 7));
    await contract(f, ids.expired, f.accounts.am1Own, am2, 'expired', addDays(today, 30));
    await contract(
      other,
      ids.otherWorkspace,
      other.accounts.am1Own,
      other.members.am1.id,
      'active',
      addDays(today, 60),
    );
  });
  afterAll(() => system.stop());

  it('the run endpoint is admin only (403 for everyone else, nothing sent)', async () => {
    for (const who of ['am1', 'am2', 'director', 'clerk', 'leader1'] as Who[])
      expectProblem(
        await api()
          .post('/api/v1/admin/jobs/contracts/run')
          .set(as(who))
          .send({ asOf: noonOf(today) }),
        403,
        'forbidden',
      );
    expect(await sent(ids.sixty)).toEqual([]);
    expect(await renewals('am1')).toEqual([]);
  });

  it('rejects an asOf that is not a date', async () => {
    expectProblem(
      await api().post('/api/v1/admin/jobs/contracts/run').set(as('admin')).send({ asOf: 'tomorrow' }),
      400,
      'validation_failed',
    );
  });

  it('reminds active contracts ending in 60 and 30 days, once; a rerun sends nothing', async () => {
    const first = await run(today);
    expect(first).toMatchObject({ workspaceId: f.workspaceId, today, reminded: 2, expired: 0 });
    expect((await run(today)).reminded).toBe(0);
    expect(await sent(ids.sixty)).toEqual([60]);
    expect(await sent(ids.thirty)).toEqual([30]);
    for (const id of [ids.draft, ids.pending, ids.terminated, ids.expired])
      expect(await sent(id)).toEqual([]);
    // The other workspace's contract waits for its own workspace's run.
    expect(await sent(ids.otherWorkspace)).toEqual([]);
  });

  it('the notification reaches the account owner and the signer (once when they are the same member)', async () => {
    const am1 = await renewals('am1');
    expect(am1.map((n) => [n.link.contractId, n.link.days])).toEqual([[ids.sixty, 60]]);
    expect(am1[0].link).toMatchObject({ accountId: f.accounts.am1Own, endsOn: addDays(today, 60) });
    expect(am1[0].title).toContain('合同续约提醒');
    const am2 = await renewals('am2');
    expect(am2.map((n) => `${n.link.contractId}:${n.link.days}`).sort()).toEqual(
      [`${ids.sixty}:60`, `${ids.thirty}:30`].sort(),
    );
    expect(await renewals('director')).toEqual([]);
    const [event] = await events(ids.sixty);
    expect(event).toMatchObject({ days: 60, accountId: f.accounts.am1Own, workspaceId: f.workspaceId });
    expect([...event.toMemberIds].sort()).toEqual([f.members.am1.id, f.members.am2.id].sort());
    expect((await events(ids.thirty))[0].toMemberIds).toEqual([f.members.am2.id]);
  });

  it('reminds again at 30 and 7 days; a missed day is caught up with the nearest offset, never several', async () => {
    // 50 and 20 days left: the nearest offsets (60, 30) were sent already.
    expect((await run(addDays(today, 10))).reminded).toBe(0);
    // 35 days left for the first (60 sent), 5 for the second: its 7-day reminder is caught up.
    expect((await run(addDays(today, 25))).reminded).toBe(1);
    expect(await sent(ids.thirty)).toEqual([30, 7]);
    expect((await run(addDays(today, 30))).reminded).toBe(1);
    expect((await run(addDays(today, 30))).reminded).toBe(0);
    expect(await sent(ids.sixty)).toEqual([60, 30]);
    expect((await run(addDays(today, 53))).reminded).toBe(1);
    expect((await run(addDays(today, 53))).reminded).toBe(0);
    // After the end nothing more: the day after its end date it expires instead.
    expect(await run(addDays(today, 61))).toMatchObject({ reminded: 0, expired: 1 });
    expect(await sent(ids.sixty)).toEqual([60, 30, 7]);
    expect(await sent(ids.thirty)).toEqual([30, 7]);
    expect((await renewals('am1')).map((n) => n.link.days).sort((a, b) => a - b)).toEqual([7, 30, 60]);
    expect((await renewals('am2')).length).toBe(5);
    expect((await events(ids.sixty)).map((e) => e.days)).toEqual([60, 30, 7]);
    expect((await events(ids.thirty)).map((e) => e.days)).toEqual([30, 7]);
  });

  it('only active contracts: one that ends its activity is no longer reminded', async () => {
    const late = randomUUID();
    await contract(f, late, f.accounts.am1Own, f.members.am1.id, 'active', addDays(today, 67));
    await db(`UPDATE ${A}.contracts SET status = 'terminated' WHERE id = $1`, [late]);
    expect((await run(addDays(today, 7))).reminded).toBe(0);
    await db(`UPDATE ${A}.contracts SET status = 'active' WHERE id = $1`, [late]);
    expect((await run(addDays(today, 7))).reminded).toBe(1);
    expect(await sent(late)).toEqual([60]);
  });

  it("another workspace's admin runs only their own workspace", async () => {
    const res = await api()
      .post('/api/v1/admin/jobs/contracts/run')
      .set({ Authorization: `Bearer ${otherAdmin}` })
      .send({ asOf: new Date().toISOString() })
      .expect(200);
    expect(res.body).toMatchObject({ workspaceId: other.workspaceId, reminded: 1 });
    expect(await sent(ids.otherWorkspace)).toEqual([60]);
    expect((await renewals('am1')).map((n) => n.link.contractId)).not.toContain(ids.otherWorkspace);
  });

  describe('contracts expire after their end date (the same daily run)', () => {
    let w: Fixture;
    let wDirector: string;
    // A date of its own, far from the reminders above: this workspace has only the contracts below.
    const end = addDays(today, 400);
    const c = {
      ends: randomUUID(),
      endsLater: randomUUID(),
      pending: randomUUID(),
      draft: randomUUID(),
      rejected: randomUUID(),
      terminated: randomUUID(),
      otherWorkspace: randomUUID(),
    };
    const runIn = async (asOf: string, workspaceId = w.workspaceId) =>
      (await runJobAt(system.env, '/api/v1/admin/jobs/contracts/run', workspaceId, asOf)) as {
        reminded: number;
        expired: number;
        today: string;
        workspaceId: string;
      };
    const status = async (id: string) =>
      (
        await db<{ status: string; version: number }>(
          `SELECT status, version FROM ${A}.contracts WHERE id = $1`,
          [id],
        )
      )[0];
    const changedEvents = (id: string) =>
      db<{ payload: Record<string, unknown>; request_id: string | null }>(
        `SELECT payload, request_id FROM ${A}.outbox WHERE subject = 'kam.events.accounts.contract.changed'
         AND payload->>'contractId' = $1 ORDER BY seq`,
        [id],
      );
    const timeline = async (accountId: string) =>
      (
        await api()
          .get(`/api/v1/accounts/${accountId}/timeline?limit=500`)
          .set({ Authorization: `Bearer ${wDirector}` })
          .expect(200)
      ).body.items as { kind: string; actorId: string | null; details: Record<string, unknown> }[];

    beforeAll(async () => {
      w = await createWorkspace(system.env);
      wDirector = await memberToken(system.jwtSecret, w, 'director');
      const am1 = w.members.am1.id;
      await contract(w, c.ends, w.accounts.am1Own, am1, 'active', end);
      // Ends 7 days after `end`: its renewal reminder is due on the day the first one expires.
      await contract(w, c.endsLater, w.accounts.am2Own, w.members.am2.id, 'active', addDays(end, 8));
      // Ended long ago, but never in force (or no longer): left alone.
      for (const [id, st] of [
        [c.pending, 'pending_approval'],
        [c.draft, 'draft'],
        [c.rejected, 'rejected'],
        [c.terminated, 'terminated'],
      ])
        await contract(w, id, w.accounts.am1Own, am1, st, addDays(end, -200));
      await contract(other, c.otherWorkspace, other.accounts.am2Own, other.members.am2.id, 'active', end);
    });

    it('on its last day (late evening in Shanghai) an active contract is still in force', async () => {
      const res = await runIn(`${end}T23:30:00+08:00`);
      expect(res).toMatchObject({ workspaceId: w.workspaceId, today: end, expired: 0 });
      expect((await status(c.ends)).status).toBe('active');
    });

    it('just after midnight in the workspace time zone (still the end date in UTC) it expires, in one run with the reminders', async () => {
      const next = addDays(end, 1);
      // 00:30 in Shanghai is 16:30 UTC of the end date: expiry follows the workspace's day, not UTC's.
      const res = await runIn(`${next}T00:30:00+08:00`);
      expect(res).toMatchObject({ workspaceId: w.workspaceId, today: next, expired: 1, reminded: 1 });
      expect(await status(c.ends)).toEqual({ status: 'expired', version: 2 });
      expect((await status(c.endsLater)).status).toBe('active');
      // 30 was caught up the evening before (8 days left, the nearest offset not passed), 7 now.
      expect(await sent(c.endsLater)).toEqual([30, 7]);
      const contracts = (
        await api()
          .get(`/api/v1/accounts/${w.accounts.am1Own}/contracts`)
          .set({ Authorization: `Bearer ${wDirector}` })
          .expect(200)
      ).body.items as { id: string; status: string }[];
      expect(contracts.find((x) => x.id === c.ends)?.status).toBe('expired');
    });

    it('the change is on the account timeline and told as contract.changed, like every contract change', async () => {
      const entries = (await timeline(w.accounts.am1Own)).filter((e) => e.kind === 'contract_expired');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actorId: null, details: { contractId: c.ends, endsOn: end } });
      const events = await changedEvents(c.ends);
      expect(events.map((e) => e.payload)).toEqual([
        {
          workspaceId: w.workspaceId,
          accountId: w.accounts.am1Own,
          contractId: c.ends,
          change: 'expired',
          status: 'expired',
        },
      ]);
      // The job run that did it is the request id: the console and the logs tie the event to the run.
      expect(events[0].request_id).toEqual(expect.stringContaining('ContractRenewalRemindersJob'));
    });

    it('a rerun, the same day or later, changes nothing: no second event, no second timeline entry', async () => {
      for (const days of [1, 1, 5]) {
        const res = await runIn(`${addDays(end, days)}T12:00:00+08:00`);
        expect(res.expired).toBe(0);
      }
      expect(await status(c.ends)).toEqual({ status: 'expired', version: 2 });
      expect(await changedEvents(c.ends)).toHaveLength(1);
      expect((await timeline(w.accounts.am1Own)).filter((e) => e.kind === 'contract_expired')).toHaveLength(
        1,
      );
    });

    it('contracts that were never in force (draft, pending approval, rejected) or were terminated do not expire', async () => {
      for (const [id, st] of [
        [c.pending, 'pending_approval'],
        [c.draft, 'draft'],
        [c.rejected, 'rejected'],
        [c.terminated, 'terminated'],
      ]) {
        expect(await status(id)).toEqual({ status: st, version: 1 });
        expect(await changedEvents(id)).toEqual([]);
      }
    });

    it("another workspace's contract waits for its own workspace's run", async () => {
      expect((await status(c.otherWorkspace)).status).toBe('active');
      const res = await runIn(`${addDays(end, 1)}T12:00:00+08:00`, other.workspaceId);
      // Its contract here and the one of the reminder tests above (ended 60 days after today).
      expect(res).toMatchObject({ workspaceId: other.workspaceId, expired: 2 });
      expect((await status(c.otherWorkspace)).status).toBe('expired');
      expect((await status(ids.otherWorkspace)).status).toBe('expired');
    });
  });
});
