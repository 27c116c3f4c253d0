import request from 'supertest';
import ExcelJS from 'exceljs';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl, serviceDatabaseUrl } from '../support/env';
import { eventually, expectProblem } from '../support/e2e-helpers';

type Who = keyof Fixture['members'];
interface Item {
  criterionKey: string;
  kind: 'automatic' | 'manual';
  maxPoints: string;
  points: string | null;
  explanation: string | null;
}
interface Card {
  id: string;
  memberId: string;
  memberName: string;
  position: string;
  status: string;
  total: string | null;
  items: Item[];
  version: number;
  rank: number | null;
  isLast: boolean;
  locked: boolean;
}

const SALES_MEMBERS: Who[] = [
  'leader1',
  'am1',
  'am2',
  'assistant',
  'service',
  'researcher',
  'leader2',
  'am3',
];
const EVALUATED: Who[] = [...SALES_MEMBERS, 'clerk'];

/**
 * The monthly evaluation through the gateway on the real servers: a cycle opened for a month, metrics from
 * account-management over NATS, ratings, publication, acknowledgement, appeal, approval, the lock with the
 * policy's payout (base 3000, score 88, challenge exceeded → 2772), ranking, 末位 warnings and payroll.
 */
describe('performance cycles and scorecards', () => {
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
  const pe = 'performance_evaluation';

  /** Targets and pay bases are set through their own API elsewhere; here the fixture writes them directly. */
  async function setTargets(w: Fixture, month: string, memberSalesTargetMinor: number) {
    const [year, index] = month.split('-').map(Number);
    await db(
      `INSERT INTO ${pe}.targets (id, workspace_id, scope, scope_id, metric, period_kind, year, period_index, value,
         challenge)
       VALUES (gen_random_uuid(), $1, 'department', NULL, 'sales_amount', 'month', $2, $3, 1000000, 2000000)`,
      [w.workspaceId, year, index],
    );
    for (const who of SALES_MEMBERS)
      await db(
        `INSERT INTO ${pe}.targets (id, workspace_id, scope, scope_id, metric, period_kind, year, period_index, value)
         VALUES (gen_random_uuid(), $1, 'member', $2, 'sales_amount', 'month', $3, $4, $5)`,
        [w.workspaceId, w.members[who].id, year, index, memberSalesTargetMinor],
      );
  }

  /** The member's in-app notifications of `kind` (written by account-management from performance events). */
  const notes = (who: Who, kind: string, w: Fixture = f) =>
    eventually(`${who}'s ${kind} notification`, async () => {
      const res = await api().get('/api/v1/notifications').set(as(who, w)).expect(200);
      const found = (
        res.body.items as { kind: string; title: string; link: Record<string, unknown> }[]
      ).filter((n) => n.kind === kind);
      return found.length ? found : undefined;
    });

  async function order(who: Who, accountId: string, amountMinor: number, orderedOn: string, w: Fixture = f) {
    await api()
      .post(`/api/v1/accounts/${accountId}/orders`)
      .set(as('director', w))
      .send({ memberId: w.members[who].id, amount: { amountMinor, currency: 'CNY' }, orderedOn })
      .expect(201);
  }

  async function cards(month: string, who: Who = 'director', w: Fixture = f): Promise<Card[]> {
    const res = await api()
      .get(`/api/v1/performance/scorecards?month=${month}&limit=500`)
      .set(as(who, w))
      .expect(200);
    return res.body.items as Card[];
  }
  const cardOf = async (month: string, who: Who, w: Fixture = f) =>
    (await cards(month, 'director', w)).find((c) => c.memberId === w.members[who].id)!;

  /** Every manual criterion at `fraction` of its maximum (two decimals). */
  function ratingsAt(card: Card, pointsOf: (max: number) => string) {
    return card.items
      .filter((i) => i.kind === 'manual')
      .map((i) => ({ criterionKey: i.criterionKey, points: pointsOf(Number(i.maxPoints)) }));
  }

  async function rate(
    card: Card,
    who: Who,
    ratings: { criterionKey: string; points: string }[],
    w: Fixture = f,
  ) {
    return api()
      .post(`/api/v1/performance/scorecards/${card.id}/ratings`)
      .set(as(who, w))
      .set('If-Match', `"${card.version}"`)
      .send({ ratings });
  }

  describe('a month from opening to the lock', () => {
    const month = '2026-09';

    beforeAll(async () => {
      await setTargets(f, month, 1_000_000);
      // am1 sells above target (results 60); am2 half the target (results 30); department 1.6M of 1M/2M → met.
      await order('am1', f.accounts.am1Own, 1_200_000, '2026-09-10');
      await order('am2', f.accounts.am2Own, 500_000, '2026-09-12');
      // Outside the month: not counted.
      await order('am1', f.accounts.am1Own, 9_000_000, '2026-10-01');
      await db(
        `INSERT INTO ${pe}.pay_bases (workspace_id, member_id, effective_month, amount_minor)
         VALUES ($1, $2, '2026-01', 300000), ($1, $3, '2026-06', 100000)`,
        [f.workspaceId, f.members.am1.id, f.members.am2.id],
      );
    });

    it('only the director (or deputy) opens a cycle; a bad month is a 400', async () => {
      expectProblem(
        await api().post('/api/v1/performance/cycles').set(as('am1')).send({ month }),
        403,
        'forbidden',
      );
      expectProblem(
        await api().post('/api/v1/performance/cycles').set(as('director')).send({ month: '2026-13' }),
        400,
        'validation_failed',
      );
      expect(await db(`SELECT 1 FROM ${pe}.cycles WHERE workspace_id = $1`, [f.workspaceId])).toHaveLength(0);
    });

    it('opening collects a scorecard per evaluated member with the sales result computed from orders', async () => {
      const res = await api()
        .post('/api/v1/performance/cycles')
        .set(as('director'))
        .send({ month })
        .expect(201);
      expect(res.body).toMatchObject({ month, status: 'open', timeZone: 'Asia/Shanghai' });
      expect(res.body.counts.total).toBe(EVALUATED.length);
      expect(res.body.department).toMatchObject({ salesMinor: '1700000', outcome: 'met', modifierPct: 0 });
      const all = await cards(month);
      expect(all.map((c) => c.memberId).sort()).toEqual(EVALUATED.map((w) => f.members[w].id).sort());
      expect((await cardOf(month, 'clerk')).position).toBe('clerk');
      const am1 = await cardOf(month, 'am1');
      expect(am1.position).toBe('sales');
      const results = am1.items.find((i) => i.kind === 'automatic')!;
      expect(results).toMatchObject({ maxPoints: '60.00', points: '60.00' });
      expect((await cardOf(month, 'am2')).items.find((i) => i.kind === 'automatic')!.points).toBe('30.00');
      expect(am1).toMatchObject({ status: 'draft', total: null });
      expectProblem(
        await api().post('/api/v1/performance/cycles').set(as('director')).send({ month }),
        409,
        'cycle_exists',
      );
    });

    it('collecting again with the same inputs changes nothing (same result, same versions)', async () => {
      const before = await cards(month);
      await api().post(`/api/v1/performance/cycles/${month}/collect`).set(as('director')).expect(200);
      const after = await cards(month);
      const v = (l: Card[]) =>
        Object.fromEntries(l.map((c) => [c.id, [c.version, c.items.map((i) => i.points)]]));
      expect(v(after)).toEqual(v(before));
    });

    it('a member does not see their own scorecard before it is published; another workspace sees nothing', async () => {
      const am1 = await cardOf(month, 'am1');
      expectProblem(
        await api().get(`/api/v1/performance/scorecards/${am1.id}`).set(as('am1')),
        404,
        'scorecard_not_found',
      );
      expect(await cards(month, 'am1')).toEqual([]);
      expectProblem(
        await api().get(`/api/v1/performance/scorecards/${am1.id}`).set(as('director', other)),
        404,
        'scorecard_not_found',
      );
    });

    it("a group leader rates their own team's cards only; bad ratings are 400 and change nothing", async () => {
      const am1 = await cardOf(month, 'am1');
      const am3 = await cardOf(month, 'am3');
      expectProblem(
        await rate(
          am3,
          'leader1',
          ratingsAt(am3, () => '1'),
        ),
        404,
        'scorecard_not_found',
      );
      const leader1 = await cardOf(month, 'leader1');
      expectProblem(
        await rate(
          leader1,
          'leader1',
          ratingsAt(leader1, () => '1'),
        ),
        404,
      );
      const tooHigh = ratingsAt(am1, () => '1');
      tooHigh[0].points = '5.01';
      const bad = await rate(am1, 'leader1', tooHigh);
      expectProblem(bad, 400, 'validation_failed');
      expect(JSON.stringify(bad.body)).toContain('ratings[0].points');
      expectProblem(
        await rate(am1, 'leader1', [
          { criterionKey: am1.items.find((i) => i.kind === 'automatic')!.criterionKey, points: '1' },
        ]),
        400,
        'validation_failed',
      );
      expectProblem(
        await rate(
          { ...am1, version: am1.version + 5 },
          'leader1',
          ratingsAt(am1, () => '1'),
        ),
        412,
      );
      const unchanged = await cardOf(month, 'am1');
      expect(unchanged.version).toBe(am1.version);
      expect(unchanged.items.filter((i) => i.kind === 'manual').every((i) => i.points === null)).toBe(true);
    });

    it('rated: 60 + 14 + 14 = 88.00, published, acknowledged by the member, approved by the director once', async () => {
      let am1 = await cardOf(month, 'am1');
      const rated = await rate(
        am1,
        'leader1',
        ratingsAt(am1, () => '3.5'),
      );
      expect(rated.status).toBe(200);
      expect(rated.body).toMatchObject({ status: 'rated', total: '88.00' });
      expect(rated.body.groups).toEqual({ results: '60.00', ability: '14.00', attitude: '14.00' });
      am1 = rated.body;
      expectProblem(
        await api().post(`/api/v1/performance/scorecards/${am1.id}/acknowledge`).set(as('am1')),
        404,
      );
      await api().post(`/api/v1/performance/scorecards/${am1.id}/publish`).set(as('leader1')).expect(200);
      expect((await notes('am1', 'scorecard_published'))[0].link).toMatchObject({
        scorecardId: am1.id,
        month,
      });
      const seen = await api().get(`/api/v1/performance/scorecards/${am1.id}`).set(as('am1')).expect(200);
      expect(seen.body).toMatchObject({ status: 'published', total: '88.00' });
      expect(Date.parse(seen.body.appealUntil) - Date.parse(seen.body.publishedAt)).toBe(
        5 * 24 * 3600 * 1000,
      );
      expectProblem(
        await api().post(`/api/v1/performance/scorecards/${am1.id}/approve`).set(as('director')),
        409,
        'appeal_window_open',
      );
      expectProblem(
        await api().post(`/api/v1/performance/scorecards/${am1.id}/approve`).set(as('leader1')),
        403,
      );
      await api().post(`/api/v1/performance/scorecards/${am1.id}/acknowledge`).set(as('am1')).expect(200);
      await api().post(`/api/v1/performance/scorecards/${am1.id}/approve`).set(as('director')).expect(200);
      expectProblem(
        await api().post(`/api/v1/performance/scorecards/${am1.id}/approve`).set(as('director')),
        409,
        'illegal_scorecard_transition',
      );
    });

    it('an appeal within 5 days: the director upholds it with a corrected rating and a recorded reason', async () => {
      let am2 = await cardOf(month, 'am2');
      am2 = (
        await rate(
          am2,
          'leader1',
          ratingsAt(am2, () => '3'),
        )
      ).body;
      expect(am2.total).toBe('54.00');
      await api().post(`/api/v1/performance/scorecards/${am2.id}/publish`).set(as('leader1')).expect(200);
      expectProblem(
        await api()
          .post(`/api/v1/performance/scorecards/${am2.id}/appeal`)
          .set(as('am1'))
          .send({ reason: 'not mine' }),
        404,
      );
      const appeal = await api()
        .post(`/api/v1/performance/scorecards/${am2.id}/appeal`)
        .set(as('am2'))
        .send({ reason: '本月协助完成了两次大客户拜访,协调配合应更高' })
        .expect(201);
      expect(appeal.body).toMatchObject({ status: 'pending', scorecardId: am2.id });
      expect(
        (await api().get('/api/v1/performance/appeals?status=pending').set(as('director')).expect(200)).body,
      ).toHaveLength(1);
      const key = am2.items.filter((i) => i.kind === 'manual')[3].criterionKey;
      expectProblem(
        await api()
          .post(`/api/v1/performance/appeals/${appeal.body.id}/decide`)
          .set(as('leader1'))
          .send({ decision: 'upheld', reason: 'x', ratings: [{ criterionKey: key, points: '5' }] }),
        403,
      );
      const decided = await api()
        .post(`/api/v1/performance/appeals/${appeal.body.id}/decide`)
        .set(as('director'))
        .send({
          decision: 'upheld',
          reason: '核实拜访记录属实',
          ratings: [{ criterionKey: key, points: '5' }],
        })
        .expect(200);
      expect(decided.body).toMatchObject({ status: 'upheld', decisionReason: '核实拜访记录属实' });
      expectProblem(
        await api()
          .post(`/api/v1/performance/appeals/${appeal.body.id}/decide`)
          .set(as('director'))
          .send({ decision: 'rejected', reason: 'again' }),
        409,
        'appeal_decided',
      );
      const after = await cardOf(month, 'am2');
      expect(after).toMatchObject({ status: 'rated', total: '56.00' });
      const trail = await api()
        .get(`/api/v1/performance/audit?entity=scorecard_item&entityId=${am2.id}:${key}`)
        .set(as('director'))
        .expect(200);
      expect(trail.body.map((e: { reason: string | null }) => e.reason)).toEqual([null, '核实拜访记录属实']);
      expect(trail.body[1]).toMatchObject({ before: { points: '3.00' }, after: { points: '5.00' } });
    });

    it('the lock needs every card approved; then payouts follow the policy and nothing changes any more', async () => {
      expectProblem(
        await api().post(`/api/v1/performance/cycles/${month}/lock`).set(as('director')),
        409,
        'cycle_not_ready',
      );
      // The director rates everyone else (group leaders are rated by the director), publishes, members acknowledge.
      for (const who of EVALUATED) {
        const c = await cardOf(month, who);
        if (c.status === 'draft')
          expect(
            (
              await rate(
                c,
                'director',
                ratingsAt(c, (max) => (max * 0.7).toFixed(2)),
              )
            ).status,
          ).toBe(200);
      }
      const pub = await api()
        .post(`/api/v1/performance/cycles/${month}/publish`)
        .set(as('director'))
        .send({})
        .expect(200);
      expect(pub.body.published).toBe(EVALUATED.length - 1);
      for (const who of EVALUATED) {
        const c = await cardOf(month, who);
        if (c.status === 'published')
          await api().post(`/api/v1/performance/scorecards/${c.id}/acknowledge`).set(as(who)).expect(200);
      }
      const approved = await api()
        .post(`/api/v1/performance/cycles/${month}/approve`)
        .set(as('director'))
        .expect(200);
      expect(approved.body).toEqual({ approved: EVALUATED.length - 1, waiting: 0 });
      const locked = await api()
        .post(`/api/v1/performance/cycles/${month}/lock`)
        .set(as('director'))
        .expect(200);
      expect(locked.body).toMatchObject({ status: 'locked' });

      const am1 = await cardOf(month, 'am1');
      const statement = await api()
        .get(`/api/v1/performance/scorecards/${am1.id}/statement`)
        .set(as('am1'))
        .expect(200);
      // Department met its target but not the challenge: no modifier. 3000 × 88% = 2640.
      expect(statement.body).toMatchObject({
        final: true,
        payBaseMinor: '300000',
        band: 'proportional',
        ratePct: '88.00',
      });
      expect(statement.body.payout.totalMinor).toBe('264000');
      expect(statement.body.payout.lines[0].formula).toBe('3000.00 × 88.00% = 2640.00');

      expectProblem(
        await rate(
          am1,
          'director',
          ratingsAt(am1, () => '1'),
        ),
        409,
        'cycle_locked',
      );
      expectProblem(
        await api().post(`/api/v1/performance/cycles/${month}/collect`).set(as('director')),
        409,
        'cycle_locked',
      );
      // Not even the service's own database role can change a locked month.
      await expect(
        withDb(serviceDatabaseUrl(system.env, 'performance-evaluation'), (c) =>
          c.query(`UPDATE scorecards SET total_hundredths = 10000 WHERE id = $1`, [am1.id]),
        ),
      ).rejects.toThrow(/locked/);
      expect((await cardOf(month, 'am1')).total).toBe('88.00');
    });

    it('payroll of the locked month: CSV with exact yuan, XLSX, and 403 for an account manager', async () => {
      const csv = await api()
        .get(`/api/v1/performance/cycles/${month}/payroll`)
        .set(as('director'))
        .set('Accept-Language', 'en')
        .expect(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const line = csv.text.split('\r\n').find((l) => l.includes(f.members.am1.id))!;
      expect(line).toContain(',88.00,proportional,88.00,3000.00,2640.00,0,0.00,2640.00,0.00,2640.00,');
      const xlsx = await api()
        .get(`/api/v1/performance/cycles/${month}/payroll?format=xlsx`)
        .set(as('executive'))
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.body as never);
      expect(book.worksheets[0].rowCount).toBe(EVALUATED.length + 1);
      expectProblem(await api().get(`/api/v1/performance/cycles/${month}/payroll`).set(as('am1')), 403);
    });

    it('the ranking within each position is frozen with the lock', async () => {
      const r = await api()
        .get(`/api/v1/performance/cycles/${month}/ranking`)
        .set(as('director'))
        .expect(200);
      const sales = r.body.positions.find((p: { position: string }) => p.position === 'sales');
      expect(sales.rows[0]).toMatchObject({ memberId: f.members.am1.id, rank: 1, total: '88.00' });
      const last = sales.rows.filter((row: { isLast: boolean }) => row.isLast);
      expect(last.length).toBeGreaterThan(0);
      // A member sees only their own row, with their rank among everyone.
      const mine = await api().get(`/api/v1/performance/cycles/${month}/ranking`).set(as('am1')).expect(200);
      expect(mine.body.positions.flatMap((p: { rows: unknown[] }) => p.rows)).toEqual([
        expect.objectContaining({ memberId: f.members.am1.id, rank: 1 }),
      ]);
    });
  });

  describe('the job of the 1st and the policy example with a challenge exceeded', () => {
    it('opens the month before in the workspace time zone, once; 2772 for base 3000 and score 88', async () => {
      await setTargets(other, '2026-10', 1_000_000);
      await order('am1', other.accounts.am1Own, 2_500_000, '2026-10-31T23:30:00+08:00', other);
      await db(
        `INSERT INTO ${pe}.pay_bases (workspace_id, member_id, effective_month, amount_minor) VALUES ($1, $2, '2026-10', 300000)`,
        [other.workspaceId, other.members.am1.id],
      );
      expectProblem(
        await api()
          .post('/api/v1/admin/jobs/performance/open-cycles/run')
          .set(as('director', other))
          .send({}),
        403,
      );
      const run = await api()
        .post('/api/v1/admin/jobs/performance/open-cycles/run')
        .set(as('admin', other))
        .send({ asOf: '2026-11-01T00:30:00+08:00' })
        .expect(200);
      expect(run.body).toMatchObject({ month: '2026-10', opened: true, scorecards: EVALUATED.length });
      const again = await api()
        .post('/api/v1/admin/jobs/performance/open-cycles/run')
        .set(as('admin', other))
        .send({ asOf: '2026-11-01T08:00:00+08:00' })
        .expect(200);
      expect(again.body).toMatchObject({ month: '2026-10', opened: false });
      const cycle = await api()
        .get('/api/v1/performance/cycles/2026-10')
        .set(as('director', other))
        .expect(200);
      expect(cycle.body.department).toMatchObject({
        salesMinor: '2500000',
        outcome: 'exceeded',
        modifierPct: 5,
      });

      const reminders = await api()
        .post('/api/v1/admin/jobs/performance/rating-reminders/run')
        .set(as('admin', other))
        .send({})
        .expect(200);
      expect(reminders.body.scorecards).toBe(EVALUATED.length);
      // Group leader 1 rates their team's cards; the director rates the leaders and teams without a leader.
      const due = await notes('leader1', 'scorecard_rating_due', other);
      expect(due[0].title).toContain('2026-10');
      expect((due[0].link.memberIds as string[]).sort()).toEqual(
        [other.members.am1.id, other.members.am2.id, other.members.assistant.id].sort(),
      );
      expect((await notes('director', 'scorecard_rating_due', other))[0].link.memberIds).toEqual(
        expect.arrayContaining([other.members.leader1.id, other.members.clerk.id]),
      );

      let am1 = await cardOf('2026-10', 'am1', other);
      am1 = (
        await rate(
          am1,
          'leader1',
          ratingsAt(am1, () => '3.5'),
          other,
        )
      ).body;
      const s = await api()
        .get(`/api/v1/performance/scorecards/${am1.id}/statement`)
        .set(as('director', other))
        .expect(200);
      expect(s.body).toMatchObject({ final: false, band: 'proportional' });
      expect(s.body.payout.lines.map((l: { formula: string }) => l.formula)).toEqual([
        '3000.00 × 88.00% = 2640.00',
        '2640.00 × 5% = 132.00',
        '2640.00 + 132.00 = 2772.00',
      ]);
      expect(s.body.payout.totalMinor).toBe('277200');
    });

    it('after 5 days the member can no longer appeal, and the director approves without an acknowledgement', async () => {
      const am1 = await cardOf('2026-10', 'am1', other);
      await api()
        .post(`/api/v1/performance/scorecards/${am1.id}/publish`)
        .set(as('deputy', other))
        .expect(200);
      // Published six days ago (the clock is moved on the row, not waited for).
      await db(`UPDATE ${pe}.scorecards SET published_at = now() - interval '6 days' WHERE id = $1`, [
        am1.id,
      ]);
      expectProblem(
        await api()
          .post(`/api/v1/performance/scorecards/${am1.id}/appeal`)
          .set(as('am1', other))
          .send({ reason: '太晚了的申诉' }),
        409,
        'appeal_window_closed',
      );
      expectProblem(
        await api().post(`/api/v1/performance/scorecards/${am1.id}/approve`).set(as('deputy', other)),
        403,
      );
      await api()
        .post(`/api/v1/performance/scorecards/${am1.id}/approve`)
        .set(as('director', other))
        .expect(200);
      expect((await cardOf('2026-10', 'am1', other)).status).toBe('approved');
    });

    it('the executive reads every card but rates none; the clerk sees only their own card once published', async () => {
      const all = await cards('2026-10', 'executive', other);
      expect(all).toHaveLength(EVALUATED.length);
      const clerkCard = all.find((c) => c.memberId === other.members.clerk.id)!;
      expectProblem(
        await rate(
          clerkCard,
          'executive',
          ratingsAt(clerkCard, () => '1'),
          other,
        ),
        403,
      );
      expect(await cards('2026-10', 'clerk', other)).toEqual([]);
      const rated = await rate(
        clerkCard,
        'director',
        ratingsAt(clerkCard, (max) => String(max)),
        other,
      );
      expect(rated.body).toMatchObject({ status: 'rated', total: '100.00' });
      await api()
        .post(`/api/v1/performance/scorecards/${clerkCard.id}/publish`)
        .set(as('director', other))
        .expect(200);
      const own = await cards('2026-10', 'clerk', other);
      expect(own.map((c) => c.id)).toEqual([clerkCard.id]);
      expect(own[0].position).toBe('clerk');
    });
  });

  describe('a template that scores training, and commission beside the performance pay', () => {
    it('uses the month average of assessment scores in the ability criterion and shows the approved commission', async () => {
      const w = await createWorkspace(system.env);
      const t: Record<string, string> = {};
      for (const who of Object.keys(w.members) as Who[]) t[who] = await memberToken(system.jwtSecret, w, who);
      tokens.set(w, t);
      const manual = (key: string, group: string, maxPoints: string) => ({
        key,
        name: { zh: key, en: key },
        group,
        kind: 'manual',
        maxPoints,
      });
      await api()
        .post('/api/v1/performance/templates')
        .set(as('director', w))
        .send({
          position: 'sales',
          name: { zh: '销售人员月度考核表(含培训)', en: 'Sales scorecard with training' },
          criteria: [
            {
              key: 'sales_results',
              name: { zh: '业绩', en: 'Results' },
              group: 'results',
              kind: 'automatic',
              metric: 'sales_amount',
              formula: 'ratio_capped',
              maxPoints: '60',
            },
            {
              key: 'training',
              name: { zh: '培训考核', en: 'Training assessment' },
              group: 'ability',
              kind: 'automatic',
              metric: 'training_score',
              formula: 'scale',
              maxPoints: '10',
            },
            manual('sales_technique', 'ability', '10'),
            manual('discipline', 'attitude', '20'),
          ],
        })
        .expect(201);
      await setTargets(w, '2026-08', 1_000_000);
      await order('am1', w.accounts.am1Own, 800_000, '2026-08-20', w);
      const training = await api()
        .post('/api/v1/performance/trainings')
        .set(as('clerk', w))
        .send({ kind: 'on_the_job', title: '大客户销售技巧', heldOn: '2026-08-12' })
        .expect(201);
      await api()
        .put(`/api/v1/performance/trainings/${training.body.id}/attendance`)
        .set(as('clerk', w))
        .set('If-Match', `"${training.body.version}"`)
        .send({ entries: [{ memberId: w.members.am1.id, attended: true, score: 85 }] })
        .expect(200);
      // 提成方案: 2% of sales, approved; the month's statement drafted and approved.
      const plan = await api()
        .post('/api/v1/performance/commission/plans')
        .set(as('director', w))
        .send({
          name: '提成方案',
          mode: 'progressive',
          tiers: [{ fromMinor: '0', ratePct: '2' }],
          effectiveFrom: '2026-01',
        })
        .expect(201);
      await api()
        .post(`/api/v1/performance/commission/plans/${plan.body.id}/approve`)
        .set(as('director', w))
        .expect(200);
      await api()
        .post('/api/v1/performance/cycles')
        .set(as('director', w))
        .send({ month: '2026-08' })
        .expect(201);

      let am1 = await cardOf('2026-08', 'am1', w);
      expect(am1.items.find((i) => i.criterionKey === 'training')).toMatchObject({ points: '8.50' });
      expect(am1.items.find((i) => i.criterionKey === 'sales_results')).toMatchObject({ points: '48.00' });
      am1 = (
        await rate(
          am1,
          'leader1',
          [
            { criterionKey: 'sales_technique', points: '8' },
            { criterionKey: 'discipline', points: '18' },
          ],
          w,
        )
      ).body;
      expect(am1).toMatchObject({ status: 'rated', total: '82.50' });

      await api()
        .post('/api/v1/performance/commission/statements/draft')
        .set(as('director', w))
        .send({ month: '2026-08' })
        .expect(200);
      const statements = await api()
        .get('/api/v1/performance/commission/statements?month=2026-08')
        .set(as('director', w))
        .expect(200);
      const mine = (statements.body as { id: string; memberId: string }[]).find(
        (x) => x.memberId === w.members.am1.id,
      )!;
      await api()
        .post(`/api/v1/performance/commission/statements/${mine.id}/approve`)
        .set(as('director', w))
        .expect(200);
      await db(
        `INSERT INTO ${pe}.pay_bases (workspace_id, member_id, effective_month, amount_minor) VALUES ($1, $2, '2026-01', 200000)`,
        [w.workspaceId, w.members.am1.id],
      );
      const s = await api()
        .get(`/api/v1/performance/scorecards/${am1.id}/statement`)
        .set(as('director', w))
        .expect(200);
      // 2000 × 82.50% = 1650; department 0.8M of 1M: missed → −5% = −82.50; commission 2% of 8000 = 160.
      expect(s.body.payout.lines.map((l: { formula: string }) => l.formula)).toEqual([
        '2000.00 × 82.50% = 1650.00',
        '1650.00 × -5% = -82.50',
        '1650.00 - 82.50 = 1567.50',
      ]);
      expect(s.body.commission).toMatchObject({ status: 'approved', totalMinor: '16000' });
      expect(s.body.totalPayMinor).toBe('172750');
    });
  });

  describe('末位 warning: last place three months running', () => {
    const months = ['2026-05', '2026-06', '2026-07'];

    async function runMonth(month: string, lowest: Who) {
      await setTargets(f, month, 1_000_000);
      await api().post('/api/v1/performance/cycles').set(as('director')).send({ month }).expect(201);
      for (const who of EVALUATED) {
        const c = await cardOf(month, who);
        const fraction = who === lowest ? 0.2 : 0.8;
        const r = await rate(
          c,
          'director',
          ratingsAt(c, (max) => (max * fraction).toFixed(2)),
        );
        expect(r.status).toBe(200);
      }
      await api()
        .post(`/api/v1/performance/cycles/${month}/publish`)
        .set(as('director'))
        .send({})
        .expect(200);
      for (const who of EVALUATED) {
        const c = await cardOf(month, who);
        await api().post(`/api/v1/performance/scorecards/${c.id}/acknowledge`).set(as(who)).expect(200);
      }
      await api().post(`/api/v1/performance/cycles/${month}/approve`).set(as('director')).expect(200);
      return (await api().post(`/api/v1/performance/cycles/${month}/lock`).set(as('director')).expect(200))
        .body;
    }

    it('raises one warning for the director after the third month, and never acts on its own', async () => {
      await runMonth(months[0], 'am3');
      await runMonth(months[1], 'am3');
      expect(
        (await api().get('/api/v1/performance/elimination-warnings').set(as('director')).expect(200)).body,
      ).toEqual([]);
      await runMonth(months[2], 'am3');
      const list = (
        await api().get('/api/v1/performance/elimination-warnings').set(as('director')).expect(200)
      ).body;
      expect(list).toHaveLength(1);
      expect((await notes('director', 'elimination_warning'))[0].link).toMatchObject({
        memberId: f.members.am3.id,
      });
      expect(list[0]).toMatchObject({
        memberId: f.members.am3.id,
        position: 'sales',
        months,
        status: 'open',
      });
      expectProblem(await api().get('/api/v1/performance/elimination-warnings').set(as('am1')), 403);
      expectProblem(
        await api()
          .post(`/api/v1/performance/elimination-warnings/${list[0].id}/decide`)
          .set(as('deputy'))
          .send({ decision: 'improvement_plan', note: '制定改进计划' }),
        403,
      );
      await api()
        .post(`/api/v1/performance/elimination-warnings/${list[0].id}/decide`)
        .set(as('director'))
        .send({ decision: 'improvement_plan', note: '制定改进计划,下月复核' })
        .expect(200);
      expectProblem(
        await api()
          .post(`/api/v1/performance/elimination-warnings/${list[0].id}/decide`)
          .set(as('director'))
          .send({ decision: 'dismiss', note: 'again' }),
        409,
        'warning_decided',
      );
      // The member is still an active member with their accounts: nothing automatic happened.
      const member = await db(`SELECT status FROM account_management.members WHERE id = $1`, [
        f.members.am3.id,
      ]);
      expect(member[0].status).toBe('active');
    });
  });
});
