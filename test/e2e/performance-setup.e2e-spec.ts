import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EntityManager } from 'typeorm';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl, serviceDatabaseUrl } from '../support/env';
import { payBaseFor } from '../../apps/performance-evaluation/src/pay-bases/pay-bases.service';
import { trainingScores } from '../../apps/performance-evaluation/src/trainings/trainings.service';
import { commissionFor } from '../../apps/performance-evaluation/src/commission/commission.service';
import { ensureDefaultTemplates } from '../../apps/performance-evaluation/src/templates/templates.service';
import { expectProblem } from '../support/e2e-helpers';

type Who = keyof Fixture['members'];
type Body = Record<string, unknown>;
interface Target {
  id: string;
  scope: string;
  scopeId: string | null;
  metric: string;
  periodKind: string;
  periodIndex: number;
  period: string;
  value: string;
  challenge: string | null;
  parentId: string | null;
  version: number;
  warnings?: {
    kind: string;
    difference: string;
    childrenSum: string;
    childScope: string;
    childPeriodKind: string;
  }[];
}
interface Template {
  id: string;
  position: string;
  version: number;
  active: boolean;
  criteria: { key: string; maxPoints: string; kind: string; group: string }[];
}
interface Statement {
  id: string;
  memberId: string;
  teamId: string | null;
  salesMinor: string;
  commissionMinor: string;
  lines: { baseMinor: string; ratePct: string; amountMinor: string; formula: string }[];
  status: string;
  version: number;
}
interface TeamRow {
  teamId: string;
  salesMinor: string;
  targetMinor: string | null;
  completionPct: string | null;
  collaboration: string | null;
  rank: number;
  version: number;
}

const PE = 'performance_evaluation';

/**
 * The evaluation's set-up through the gateway: targets and their decomposition, scorecard templates, pay bases,
 * staff training, commission plans and statements, team performance. Real servers, NATS between services.
 */
describe('performance evaluation set-up', () => {
  const system = new TestSystem();
  /** Targets, pay bases and training; `fresh` for default templates; `sales` has orders; `other` for isolation. */
  let f: Fixture;
  let fresh: Fixture;
  let sales: Fixture;
  let other: Fixture;
  const tokens = new Map<Fixture, Record<string, string>>();

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    fresh = await createWorkspace(system.env);
    sales = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const w of [f, fresh, sales, other]) {
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
  const fieldsOf = (body: { errors?: { field: string }[] }) => [
    ...new Set((body.errors ?? []).map((e) => e.field)),
  ];
  /** Row counts (and version sums) of everything the set-up writes, and the audit trail. */
  const state = async (w: Fixture = f) =>
    (
      await db(
        `SELECT (SELECT count(*)::int FROM ${PE}.targets WHERE workspace_id = $1) AS targets,
                (SELECT coalesce(sum(version), 0)::int FROM ${PE}.targets WHERE workspace_id = $1) AS target_versions,
                (SELECT count(*)::int FROM ${PE}.scorecard_templates WHERE workspace_id = $1) AS templates,
                (SELECT count(*)::int FROM ${PE}.pay_bases WHERE workspace_id = $1) AS pay_bases,
                (SELECT count(*)::int FROM ${PE}.trainings WHERE workspace_id = $1) AS trainings,
                (SELECT coalesce(sum(version), 0)::int FROM ${PE}.trainings WHERE workspace_id = $1) AS training_versions,
                (SELECT count(*)::int FROM ${PE}.training_attendance WHERE workspace_id = $1) AS attendance,
                (SELECT count(*)::int FROM ${PE}.commission_plans WHERE workspace_id = $1) AS plans,
                (SELECT count(*)::int FROM ${PE}.commission_statements WHERE workspace_id = $1) AS statements,
                (SELECT coalesce(sum(version), 0)::int FROM ${PE}.team_evaluations WHERE workspace_id = $1) AS team_versions,
                (SELECT count(*)::int FROM ${PE}.audit_trail WHERE workspace_id = $1) AS audit`,
        [w.workspaceId],
      )
    )[0];
  const auditOf = (w: Fixture, entity: string, entityId: string) =>
    db<{ action: string; actor_id: string | null; before: unknown; after: unknown }>(
      `SELECT action, actor_id, before, after FROM ${PE}.audit_trail
        WHERE workspace_id = $1 AND entity = $2 AND entity_id = $3 ORDER BY id`,
      [w.workspaceId, entity, entityId],
    );

  // ------------------------------------------------------------------------------------------ targets
  describe('targets (目标) and their decomposition', () => {
    const post = (body: Body, who: Who = 'director', w: Fixture = f) =>
      api().post('/api/v1/performance/targets').set(as(who, w)).send(body);
    const yearly = {
      scope: 'department',
      metric: 'sales_amount',
      periodKind: 'year',
      year: 2026,
      value: '1200000000',
      challenge: '1500000000',
    };
    const quarter = (index: number, value: string, parentId: string) => ({
      scope: 'department',
      metric: 'sales_amount',
      periodKind: 'quarter',
      year: 2026,
      periodIndex: index,
      value,
      parentId,
    });
    let year: Target;
    let q: Target[] = [];

    it("the director sets the department's year with a challenge target; sales in fen as strings", async () => {
      const res = await post(yearly).expect(201);
      year = res.body as Target;
      expect(res.headers.etag).toBe('"1"');
      expect(year).toMatchObject({
        scope: 'department',
        scopeId: null,
        period: '2026',
        periodIndex: 1,
        value: '1200000000',
        challenge: '1500000000',
        parentId: null,
        version: 1,
        warnings: [],
      });
      expect(await auditOf(f, 'target', year.id)).toEqual([
        expect.objectContaining({ action: 'create', actor_id: f.members.director.id }),
      ]);
    });

    it('quarters that do not add up to the year are a warning, not an error, until they do', async () => {
      const first = (await post(quarter(1, '300000000', year.id)).expect(201)).body as Target;
      expect(first.warnings).toEqual([
        expect.objectContaining({
          kind: 'children_short',
          childScope: 'department',
          childPeriodKind: 'quarter',
          childrenSum: '300000000',
          difference: '900000000',
        }),
      ]);
      q = [first];
      for (const i of [2, 3])
        q.push((await post(quarter(i, '300000000', year.id), 'deputy').expect(201)).body);
      const last = (await post(quarter(4, '300000000', year.id)).expect(201)).body as Target;
      q.push(last);
      expect(last.warnings).toEqual([]);
      const d = (
        await api().get(`/api/v1/performance/targets/${year.id}/decomposition`).set(as('am1')).expect(200)
      ).body as { target: Target; children: Target[]; warnings: unknown[] };
      expect(d.target.id).toBe(year.id);
      expect(d.children.map((c) => c.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
      expect(d.warnings).toEqual([]);
    });

    it('a Idempotency-Key applies a create once; the same slot twice is a 409', async () => {
      const body = {
        scope: 'member',
        scopeId: f.members.am1.id,
        metric: 'new_key_accounts',
        periodKind: 'month',
        year: 2026,
        periodIndex: 11,
        value: '2',
      };
      const a = await post(body).set('Idempotency-Key', 'tgt-1').expect(201);
      const b = await post(body).set('Idempotency-Key', 'tgt-1').expect(201);
      expect(b.body.id).toBe(a.body.id);
      expectProblem(await post(body), 409, 'target_exists');
    });

    it('lists with filters', async () => {
      const quarters = (
        await api()
          .get('/api/v1/performance/targets?metric=sales_amount&periodKind=quarter&year=2026')
          .set(as('clerk'))
          .expect(200)
      ).body as { items: Target[]; nextCursor: string | null };
      expect(quarters.items.map((t) => t.period).sort()).toEqual([
        '2026-Q1',
        '2026-Q2',
        '2026-Q3',
        '2026-Q4',
      ]);
      const mine = (
        await api()
          .get(`/api/v1/performance/targets?scope=member&scopeId=${f.members.am1.id}`)
          .set(as('director'))
          .expect(200)
      ).body as { items: Target[] };
      expect(mine.items).toEqual([
        expect.objectContaining({ metric: 'new_key_accounts', value: '2', period: '2026-11' }),
      ]);
      const page = (await api().get('/api/v1/performance/targets?limit=2').set(as('director')).expect(200))
        .body;
      expect(page.items).toHaveLength(2);
      const next = (
        await api()
          .get(`/api/v1/performance/targets?limit=50&cursor=${page.nextCursor}`)
          .set(as('director'))
          .expect(200)
      ).body as { items: Target[] };
      expect(next.items).toHaveLength(4);
      expectProblem(
        await api().get('/api/v1/performance/targets?periodKind=week').set(as('director')),
        400,
        'validation_failed',
      );
    });

    it('an update needs the current version (412 when stale) and answers the warnings of the decomposition', async () => {
      const q4 = q[3];
      const stale = await api()
        .patch(`/api/v1/performance/targets/${q4.id}`)
        .set(as('director'))
        .set('If-Match', '"7"')
        .send({ value: '400000000' });
      expectProblem(stale, 412, 'precondition_failed');
      expectProblem(
        await api().patch(`/api/v1/performance/targets/${q4.id}`).set(as('director')).send({ value: '1' }),
        428,
        'precondition_required',
      );
      const res = await api()
        .patch(`/api/v1/performance/targets/${q4.id}`)
        .set(as('director'))
        .set('If-Match', `"${q4.version}"`)
        .send({ value: '400000000', challenge: '450000000' })
        .expect(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body).toMatchObject({ value: '400000000', challenge: '450000000', version: 2 });
      expect(res.body.warnings).toEqual([
        expect.objectContaining({
          kind: 'children_over',
          childrenSum: '1300000000',
          difference: '100000000',
        }),
      ]);
      q[3] = res.body;
      expect((await auditOf(f, 'target', q4.id)).map((a) => a.action)).toEqual(['create', 'update']);
    });

    it('bad input is a 400 naming the field and changes nothing', async () => {
      const before = await state();
      const cases: [Body, string][] = [
        [{ ...yearly, year: 2027, value: '100', challenge: '99' }, 'challenge'],
        [{ ...yearly, year: 2027, scope: 'team' }, 'scopeId'],
        [{ ...yearly, year: 2027, scopeId: f.teams.team1 }, 'scopeId'],
        [{ ...yearly, periodKind: 'month', periodIndex: 13 }, 'periodIndex'],
        [{ ...yearly, periodKind: 'quarter', periodIndex: 5 }, 'periodIndex'],
        [{ ...yearly, year: 2027, value: '12.5' }, 'value'],
        [{ ...yearly, year: 2027, value: '-5' }, 'value'],
        [
          { ...yearly, year: 2027, metric: 'revisit_completion', value: '1.5', challenge: undefined },
          'value',
        ],
        [{ ...yearly, year: 2027, metric: 'satisfaction', value: '6', challenge: undefined }, 'value'],
        [{ ...quarter(1, '1', year.id), metric: 'new_key_accounts' }, 'parentId'],
        [{ ...quarter(1, '1', q[0].id), periodKind: 'year', periodIndex: 1, year: 2026 }, 'parentId'],
        [{ ...quarter(1, '1', year.id), year: 2025 }, 'parentId'],
        [{ ...quarter(1, '1', '00000000-0000-4000-8000-000000000000') }, 'parentId'],
        [{ ...yearly, year: 2027, extra: 1 }, 'extra'],
      ];
      for (const [body, field] of cases) {
        const res = await post(body);
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res.body)).toContain(field);
      }
      const badUpdate = await api()
        .patch(`/api/v1/performance/targets/${q[0].id}`)
        .set(as('director'))
        .set('If-Match', `"${q[0].version}"`)
        .send({ challenge: '1' });
      expectProblem(badUpdate, 400, 'validation_failed');
      expect(fieldsOf(badUpdate.body)).toEqual(['challenge']);
      expect(await state()).toEqual(before);
    });

    it('a member of staff reads targets but only the director and deputy set them; the security officer sees none', async () => {
      const before = await state();
      expectProblem(await post({ ...yearly, year: 2030 }, 'am1'), 403, 'forbidden');
      expectProblem(await post({ ...yearly, year: 2030 }, 'leader1'), 403, 'forbidden');
      expectProblem(await api().get('/api/v1/performance/targets').set(as('security')), 403, 'forbidden');
      expectProblem(
        await api()
          .patch(`/api/v1/performance/targets/${q[0].id}`)
          .set(as('executive'))
          .set('If-Match', '"1"')
          .send({ value: '1' }),
        403,
        'forbidden',
      );
      expect(await state()).toEqual(before);
    });

    it("another workspace's target is a 404 and cannot be a parent", async () => {
      const before = await state(other);
      expectProblem(
        await api().get(`/api/v1/performance/targets/${year.id}/decomposition`).set(as('director', other)),
        404,
        'target_not_found',
      );
      expectProblem(
        await api()
          .patch(`/api/v1/performance/targets/${year.id}`)
          .set(as('director', other))
          .set('If-Match', '"1"')
          .send({ value: '1' }),
        404,
        'target_not_found',
      );
      expectProblem(
        await api().delete(`/api/v1/performance/targets/${year.id}`).set(as('director', other)),
        404,
        'target_not_found',
      );
      const res = await post(quarter(1, '1', year.id), 'director', other);
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res.body)).toEqual(['parentId']);
      expect(
        (await api().get('/api/v1/performance/targets').set(as('director', other)).expect(200)).body.items,
      ).toEqual([]);
      expect(await state(other)).toEqual(before);
      // A member of another workspace cannot be targeted.
      expectProblem(
        await post({
          scope: 'member',
          scopeId: other.members.am1.id,
          metric: 'sales_amount',
          periodKind: 'month',
          year: 2026,
          periodIndex: 1,
          value: '1',
        }),
        404,
      );
    });

    it('only the director deletes; the parts are detached, and the audit trail keeps the target', async () => {
      expectProblem(
        await api().delete(`/api/v1/performance/targets/${q[3].id}`).set(as('deputy')),
        403,
        'forbidden',
      );
      expectProblem(
        await api()
          .delete(`/api/v1/performance/targets/${q[3].id}`)
          .set(as('director'))
          .set('If-Match', '"1"'),
        412,
        'precondition_failed',
      );
      await api()
        .delete(`/api/v1/performance/targets/${q[3].id}`)
        .set(as('director'))
        .set('If-Match', '"2"')
        .expect(204);
      const d = (
        await api()
          .get(`/api/v1/performance/targets/${year.id}/decomposition`)
          .set(as('director'))
          .expect(200)
      ).body as { children: Target[]; warnings: { kind: string; difference: string }[] };
      expect(d.children).toHaveLength(3);
      expect(d.warnings).toEqual([
        expect.objectContaining({ kind: 'children_short', difference: '300000000' }),
      ]);
      expect((await auditOf(f, 'target', q[3].id)).map((a) => a.action)).toEqual([
        'create',
        'update',
        'delete',
      ]);
    });
  });

  // ------------------------------------------------------------------------------------------ templates
  describe('scorecard templates (考核表) per position, versioned', () => {
    const salesV2 = {
      position: 'sales',
      name: { zh: '销售人员月度绩效考核(2027)', en: 'Sales staff 2027' },
      criteria: [
        {
          key: 'sales_results',
          name: { zh: '业绩', en: 'Results' },
          group: 'results',
          maxPoints: '50',
          kind: 'automatic',
          metric: 'sales_amount',
          formula: 'ratio_capped',
        },
        {
          key: 'training',
          name: { zh: '培训考核', en: 'Training' },
          group: 'ability',
          maxPoints: '10',
          kind: 'automatic',
          metric: 'training_score',
          formula: 'scale',
        },
        {
          key: 'skills',
          name: { zh: '能力', en: 'Skills' },
          group: 'ability',
          maxPoints: '20',
          kind: 'manual',
        },
        {
          key: 'attitude',
          name: { zh: '态度', en: 'Attitude' },
          group: 'attitude',
          maxPoints: '20',
          kind: 'manual',
        },
      ],
    };
    const list = async (who: Who = 'director') =>
      (await api().get('/api/v1/performance/templates').set(as(who, fresh)).expect(200)).body as Template[];
    const versions = async (position: string) =>
      (
        await api()
          .get(`/api/v1/performance/templates/${position}/versions`)
          .set(as('director', fresh))
          .expect(200)
      ).body as Template[];

    it("a workspace without templates gets the policy's defaults as version 1, once, even when asked at once", async () => {
      const lists = await Promise.all([list('am1'), list('clerk'), list('director')]);
      for (const l of lists)
        expect(l.map((t) => [t.position, t.version, t.active])).toEqual([
          ['clerk', 1, true],
          ['sales', 1, true],
        ]);
      const salesT = lists[0].find((t) => t.position === 'sales')!;
      expect(salesT.criteria.map((c) => c.maxPoints)).toEqual(['60', '5', '5', '5', '5', '5', '5', '5', '5']);
      const clerkT = lists[0].find((t) => t.position === 'clerk')!;
      const byGroup: Record<string, number> = {};
      for (const c of clerkT.criteria) byGroup[c.group] = (byGroup[c.group] ?? 0) + Number(c.maxPoints);
      expect(byGroup).toEqual({ workload: 20, attitude: 30, ability: 40, effect: 10 });
      expect((await state(fresh)).templates).toBe(2);
    });

    it('a new version becomes the active one; the previous stays, inactive', async () => {
      const res = await api()
        .post('/api/v1/performance/templates')
        .set(as('deputy', fresh))
        .send(salesV2)
        .expect(201);
      expect(res.body).toMatchObject({ position: 'sales', version: 2, active: true });
      expect(res.headers.etag).toBe('"2"');
      expect((await versions('sales')).map((t) => [t.version, t.active])).toEqual([
        [2, true],
        [1, false],
      ]);
      expect((await list()).map((t) => [t.position, t.version])).toEqual([
        ['clerk', 1],
        ['sales', 2],
      ]);
      expect((await auditOf(fresh, 'scorecard_template', res.body.id)).map((a) => a.action)).toEqual([
        'create',
      ]);
      // A custom position starts at version 1.
      const custom = await api()
        .post('/api/v1/performance/templates')
        .set(as('director', fresh))
        .set('Idempotency-Key', 'tpl-telesales')
        .send({ ...salesV2, position: 'telesales' })
        .expect(201);
      const again = await api()
        .post('/api/v1/performance/templates')
        .set(as('director', fresh))
        .set('Idempotency-Key', 'tpl-telesales')
        .send({ ...salesV2, position: 'telesales' })
        .expect(201);
      expect(again.body.id).toBe(custom.body.id);
      expect(custom.body).toMatchObject({ position: 'telesales', version: 1, active: true });
    });

    it('weights that do not add up to 100 (and other bad templates) are a 400 naming the field; nothing is stored', async () => {
      const before = await state(fresh);
      const cases: [Body, string][] = [
        [
          { ...salesV2, criteria: salesV2.criteria.map((c, i) => (i === 3 ? { ...c, maxPoints: '10' } : c)) },
          'criteria',
        ],
        [
          { ...salesV2, criteria: salesV2.criteria.map((c, i) => (i === 3 ? { ...c, key: 'skills' } : c)) },
          'criteria[3].key',
        ],
        [
          {
            ...salesV2,
            criteria: salesV2.criteria.map((c, i) => (i === 2 ? { ...c, kind: 'automatic' } : c)),
          },
          'criteria[2].metric',
        ],
        [
          { ...salesV2, criteria: salesV2.criteria.map((c, i) => (i === 1 ? { ...c, formula: 'rate' } : c)) },
          'criteria[1].formula',
        ],
        [
          {
            ...salesV2,
            criteria: salesV2.criteria.map((c, i) => (i === 2 ? { ...c, maxPoints: '20.005' } : c)),
          },
          'criteria[2].maxPoints',
        ],
        [{ ...salesV2, criteria: [] }, 'criteria'],
        [{ ...salesV2, position: 'Sales Team' }, 'position'],
        [
          { ...salesV2, criteria: salesV2.criteria.map((c, i) => (i === 0 ? { ...c, group: 'luck' } : c)) },
          'criteria.0.group',
        ],
      ];
      for (const [body, field] of cases) {
        const res = await api().post('/api/v1/performance/templates').set(as('director', fresh)).send(body);
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res.body)).toContain(field);
      }
      expect(await state(fresh)).toEqual(before);
      expect((await versions('sales')).map((t) => t.version)).toEqual([2, 1]);
    });

    it('staff read templates; only the director and deputy write them', async () => {
      const before = await state(fresh);
      expectProblem(
        await api().post('/api/v1/performance/templates').set(as('leader1', fresh)).send(salesV2),
        403,
        'forbidden',
      );
      expectProblem(
        await api().post('/api/v1/performance/templates').set(as('executive', fresh)).send(salesV2),
        403,
        'forbidden',
      );
      expectProblem(
        await api().get('/api/v1/performance/templates').set(as('admin', fresh)),
        403,
        'forbidden',
      );
      expectProblem(
        await api().get('/api/v1/performance/templates/nobody/versions').set(as('director', fresh)),
        404,
      );
      expect(await state(fresh)).toEqual(before);
    });
  });

  // ------------------------------------------------------------------------------------------ pay bases
  describe('performance-pay bases (绩效工资基数)', () => {
    const put = (body: Body, who: Who = 'director', w: Fixture = f) =>
      api().put('/api/v1/performance/pay-bases').set(as(who, w)).send(body);

    it('the director sets a base from a month on; the latest on or before a month applies', async () => {
      await put({ memberId: f.members.am1.id, effectiveMonth: '2026-01', amountMinor: '300000' }).expect(200);
      const res = await put({
        memberId: f.members.am1.id,
        effectiveMonth: '2026-09',
        amountMinor: '350000',
      }).expect(200);
      expect(res.body).toMatchObject({
        memberId: f.members.am1.id,
        effectiveMonth: '2026-09',
        amountMinor: '350000',
        currency: 'CNY',
      });
      await put({ memberId: f.members.am2.id, effectiveMonth: '2026-03', amountMinor: '100000' }).expect(200);
      // The same month again replaces it.
      await put({ memberId: f.members.am2.id, effectiveMonth: '2026-03', amountMinor: '120000' }).expect(200);
      const at = async (month: string, who: Who = 'deputy') =>
        Object.fromEntries(
          (
            (await api().get(`/api/v1/performance/pay-bases?month=${month}`).set(as(who)).expect(200))
              .body as { memberId: string; amountMinor: string }[]
          ).map((p) => [p.memberId, p.amountMinor]),
        );
      expect(await at('2026-08')).toEqual({ [f.members.am1.id]: '300000', [f.members.am2.id]: '120000' });
      expect(await at('2026-10', 'executive')).toEqual({
        [f.members.am1.id]: '350000',
        [f.members.am2.id]: '120000',
      });
      expect(await at('2026-02')).toEqual({ [f.members.am1.id]: '300000' });
      const all = (
        await api()
          .get(`/api/v1/performance/pay-bases?memberId=${f.members.am1.id}`)
          .set(as('director'))
          .expect(200)
      ).body;
      expect(all.map((p: { effectiveMonth: string }) => p.effectiveMonth)).toEqual(['2026-09', '2026-01']);
      expect((await auditOf(f, 'pay_base', `${f.members.am2.id}:2026-03`)).map((a) => a.action)).toEqual([
        'create',
        'update',
      ]);
    });

    it('a member reads only their own base', async () => {
      const mine = (await api().get('/api/v1/performance/pay-bases/me').set(as('am1')).expect(200)).body;
      expect(mine.current).toMatchObject({ amountMinor: '350000', effectiveMonth: '2026-09' });
      expect(mine.history).toHaveLength(2);
      expect((await api().get('/api/v1/performance/pay-bases/me').set(as('am3')).expect(200)).body).toEqual({
        current: null,
        history: [],
      });
      expectProblem(await api().get('/api/v1/performance/pay-bases').set(as('am1')), 403, 'forbidden');
      expectProblem(await api().get('/api/v1/performance/pay-bases').set(as('leader1')), 403, 'forbidden');
    });

    it('only the director sets bases; bad input is a 400 naming the field; nothing changes', async () => {
      const before = await state();
      expectProblem(
        await put({ memberId: f.members.am3.id, effectiveMonth: '2026-01', amountMinor: '1' }, 'deputy'),
        403,
        'forbidden',
      );
      expectProblem(
        await put({ memberId: f.members.am3.id, effectiveMonth: '2026-01', amountMinor: '1' }, 'executive'),
        403,
        'forbidden',
      );
      const cases: [Body, string][] = [
        [{ memberId: f.members.am3.id, effectiveMonth: '2026-01', amountMinor: '-1' }, 'amountMinor'],
        [{ memberId: f.members.am3.id, effectiveMonth: '2026-01', amountMinor: '12.50' }, 'amountMinor'],
        [{ memberId: f.members.am3.id, effectiveMonth: '2026-01', amountMinor: 300000 }, 'amountMinor'],
        [{ memberId: f.members.am3.id, effectiveMonth: '2026-13', amountMinor: '1' }, 'effectiveMonth'],
        [{ memberId: 'am3', effectiveMonth: '2026-01', amountMinor: '1' }, 'memberId'],
      ];
      for (const [body, field] of cases) {
        const res = await put(body);
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res.body)).toEqual([field]);
      }
      // A member of another workspace is not found.
      expectProblem(
        await put({ memberId: other.members.am1.id, effectiveMonth: '2026-01', amountMinor: '1' }),
        404,
      );
      expect(await state()).toEqual(before);
    });
  });

  // ------------------------------------------------------------------------------------------ training
  describe('staff training (试用期培训, 在职培训, 岗位职责考核)', () => {
    let session: { id: string; version: number };

    it('the clerk records a session and its attendance with assessment scores', async () => {
      const res = await api()
        .post('/api/v1/performance/trainings')
        .set(as('clerk'))
        .set('Idempotency-Key', 'training-1')
        .send({ kind: 'on_the_job', title: '大客户销售技巧', heldOn: '2026-10-12', trainer: '张老师' })
        .expect(201);
      expect(res.headers.etag).toBe('"1"');
      session = res.body;
      expect(session).toMatchObject({ kind: 'on_the_job', heldOn: '2026-10-12', attendance: [], version: 1 });
      const stale = await api()
        .put(`/api/v1/performance/trainings/${session.id}/attendance`)
        .set(as('clerk'))
        .set('If-Match', '"5"')
        .send({ entries: [{ memberId: f.members.am1.id, score: 90 }] });
      expectProblem(stale, 412, 'precondition_failed');
      const rec = await api()
        .put(`/api/v1/performance/trainings/${session.id}/attendance`)
        .set(as('clerk'))
        .set('If-Match', '"1"')
        .send({
          entries: [
            { memberId: f.members.am1.id, score: 90 },
            { memberId: f.members.am2.id, score: 70.5 },
            { memberId: f.members.am3.id, attended: false },
          ],
        })
        .expect(200);
      expect(rec.headers.etag).toBe('"2"');
      expect(rec.body.attendance).toEqual(
        expect.arrayContaining([
          { memberId: f.members.am1.id, attended: true, score: '90.00' },
          { memberId: f.members.am2.id, attended: true, score: '70.50' },
          { memberId: f.members.am3.id, attended: false, score: null },
        ]),
      );
      session = rec.body;
      const second = (
        await api()
          .post('/api/v1/performance/trainings')
          .set(as('leader1'))
          .send({ kind: 'duty_assessment', title: '岗位职责考核', heldOn: '2026-11-02' })
          .expect(201)
      ).body;
      await api()
        .put(`/api/v1/performance/trainings/${second.id}/attendance`)
        .set(as('leader1'))
        .set('If-Match', '"1"')
        .send({ entries: [{ memberId: f.members.am1.id, score: 80 }] })
        .expect(200);
      const ofAm1 = (
        await api()
          .get(`/api/v1/performance/trainings/members/${f.members.am1.id}`)
          .set(as('am1'))
          .expect(200)
      ).body;
      expect(ofAm1).toEqual([
        expect.objectContaining({
          trainingId: second.id,
          kind: 'duty_assessment',
          score: '80.00',
          attended: true,
        }),
        expect.objectContaining({
          trainingId: session.id,
          kind: 'on_the_job',
          score: '90.00',
          attended: true,
        }),
      ]);
      const october = (
        await api()
          .get('/api/v1/performance/trainings?from=2026-10-01&to=2026-10-31')
          .set(as('am2'))
          .expect(200)
      ).body;
      expect(october.map((t: { id: string }) => t.id)).toEqual([session.id]);
      expect((await auditOf(f, 'training', session.id)).map((a) => a.action)).toEqual([
        'create',
        'record_attendance',
      ]);
    });

    it('a session is changed at its version', async () => {
      const res = await api()
        .patch(`/api/v1/performance/trainings/${session.id}`)
        .set(as('clerk'))
        .set('If-Match', `"${session.version}"`)
        .send({ title: '大客户销售技巧(二)', notes: null })
        .expect(200);
      expect(res.body).toMatchObject({ title: '大客户销售技巧(二)', version: session.version + 1 });
      expectProblem(
        await api()
          .patch(`/api/v1/performance/trainings/${session.id}`)
          .set(as('clerk'))
          .set('If-Match', `"${session.version}"`)
          .send({ title: 'x' }),
        412,
        'precondition_failed',
      );
      session = res.body;
    });

    it('a score above 100, a stranger or a score without attendance is a 400 naming the entry; nothing changes', async () => {
      const before = await state();
      const cases: [Body, string][] = [
        [{ entries: [{ memberId: f.members.am1.id, score: 101 }] }, 'entries.0.score'],
        [{ entries: [{ memberId: f.members.am1.id, score: 88.555 }] }, 'entries.0.score'],
        [
          {
            entries: [
              { memberId: f.members.am1.id, score: 90 },
              { memberId: other.members.am1.id, score: 90 },
            ],
          },
          'entries[1].memberId',
        ],
        [{ entries: [{ memberId: f.members.am1.id, attended: false, score: 60 }] }, 'entries[0].score'],
        [{ entries: [] }, 'entries'],
      ];
      for (const [body, field] of cases) {
        const res = await api()
          .put(`/api/v1/performance/trainings/${session.id}/attendance`)
          .set(as('clerk'))
          .set('If-Match', `"${session.version}"`)
          .send(body);
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res.body)).toContain(field);
      }
      const bad = await api()
        .post('/api/v1/performance/trainings')
        .set(as('clerk'))
        .send({ kind: 'party', title: 'x', heldOn: '2026-02-30' });
      expectProblem(bad, 400, 'validation_failed');
      expect(fieldsOf(bad.body)).toEqual(expect.arrayContaining(['kind', 'heldOn']));
      expect(await state()).toEqual(before);
    });

    it('account managers read but do not record training; another workspace sees a 404', async () => {
      const before = await state();
      expectProblem(
        await api()
          .post('/api/v1/performance/trainings')
          .set(as('am1'))
          .send({ kind: 'probation', title: 'x', heldOn: '2026-10-01' }),
        403,
        'forbidden',
      );
      expectProblem(
        await api().get(`/api/v1/performance/trainings/${session.id}`).set(as('director', other)),
        404,
        'training_not_found',
      );
      expectProblem(
        await api()
          .put(`/api/v1/performance/trainings/${session.id}/attendance`)
          .set(as('director', other))
          .set('If-Match', `"${session.version}"`)
          .send({ entries: [{ memberId: other.members.am1.id, score: 1 }] }),
        404,
        'training_not_found',
      );
      expectProblem(
        await api()
          .get(`/api/v1/performance/trainings/members/${f.members.am1.id}`)
          .set(as('director', other)),
        404,
      );
      expect(
        (await api().get(`/api/v1/performance/trainings/${session.id}`).set(as('am3')).expect(200)).body.id,
      ).toBe(session.id);
      expect(await state()).toEqual(before);
    });
  });

  // ------------------------------------------------------------------------------------------ commission
  describe('commission plans (提成方案) and statements (提成结算预案)', () => {
    const MONTH = '2026-10';
    let plan: { id: string; version: number; status: string };
    const order = (
      who: 'am1' | 'am2' | 'am3',
      accountId: string,
      amountMinor: number,
      orderedOn = '2026-10-15',
    ) =>
      api()
        .post(`/api/v1/accounts/${accountId}/orders`)
        .set(as('director', sales))
        .send({ memberId: sales.members[who].id, amount: { amountMinor, currency: 'CNY' }, orderedOn })
        .expect(201);
    const statements = async (who: Who, query = `month=${MONTH}`) =>
      (await api().get(`/api/v1/performance/commission/statements?${query}`).set(as(who, sales)).expect(200))
        .body as Statement[];
    const draft = (who: Who = 'deputy') =>
      api()
        .post('/api/v1/performance/commission/statements/draft')
        .set(as(who, sales))
        .send({ month: MONTH });
    const byMember = (list: Statement[]) => Object.fromEntries(list.map((s) => [s.memberId, s]));

    beforeAll(async () => {
      await order('am1', sales.accounts.am1Own, 600_000);
      await order('am1', sales.accounts.am1Serviced, 400_000);
      await order('am2', sales.accounts.am2Own, 300_000);
      await order('am3', sales.accounts.am3Own, 2_000_000);
      await order('am3', sales.accounts.am3Own, 9_999_999, '2026-11-02'); // another month
    });

    it('the deputy drafts a tiered plan; bad tiers are a 400 naming the tier and store nothing', async () => {
      const before = await state(sales);
      const bad: [Body, string][] = [
        [{ tiers: [{ fromMinor: '100', ratePct: '1' }] }, 'tiers[0].fromMinor'],
        [
          {
            tiers: [
              { fromMinor: '0', ratePct: '1' },
              { fromMinor: '0', ratePct: '2' },
            ],
          },
          'tiers[1].fromMinor',
        ],
        [{ tiers: [{ fromMinor: '0', ratePct: '101' }] }, 'tiers[0].ratePct'],
        [{ tiers: [{ fromMinor: '0', ratePct: '1.555' }] }, 'tiers.0.ratePct'],
        [{ tiers: [] }, 'tiers'],
        [{ mode: 'flat' }, 'mode'],
      ];
      const good = {
        name: '2026 销售提成方案',
        position: 'sales',
        mode: 'progressive',
        effectiveFrom: '2026-01',
        tiers: [
          { fromMinor: '0', ratePct: '1' },
          { fromMinor: '500000', ratePct: '2.00' },
        ],
      };
      for (const [over, field] of bad) {
        const res = await api()
          .post('/api/v1/performance/commission/plans')
          .set(as('deputy', sales))
          .send({ ...good, ...over });
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res.body)).toContain(field);
      }
      expect(await state(sales)).toEqual(before);
      const res = await api()
        .post('/api/v1/performance/commission/plans')
        .set(as('deputy', sales))
        .send(good)
        .expect(201);
      plan = res.body;
      expect(plan).toMatchObject({
        status: 'draft',
        mode: 'progressive',
        tiers: [
          { fromMinor: '0', ratePct: '1.00' },
          { fromMinor: '500000', ratePct: '2.00' },
        ],
      });
    });

    it('a draft plan is not used: the month has no statements until the director approves it', async () => {
      const res = (await draft().expect(200)).body;
      expect(res).toMatchObject({ month: MONTH, drafted: 0, keptApproved: 0, withoutPlan: 14, items: [] });
    });

    it('only the director approves a plan, once', async () => {
      expectProblem(
        await api().post(`/api/v1/performance/commission/plans/${plan.id}/approve`).set(as('deputy', sales)),
        403,
        'forbidden',
      );
      expectProblem(
        await api()
          .post(`/api/v1/performance/commission/plans/${plan.id}/approve`)
          .set(as('director', other)),
        404,
        'commission_plan_not_found',
      );
      const ok = await api()
        .post(`/api/v1/performance/commission/plans/${plan.id}/approve`)
        .set(as('director', sales))
        .expect(200);
      expect(ok.body).toMatchObject({
        status: 'approved',
        approvedBy: sales.members.director.id,
        version: 2,
      });
      const before = await state(sales);
      expectProblem(
        await api()
          .post(`/api/v1/performance/commission/plans/${plan.id}/approve`)
          .set(as('director', sales)),
        409,
        'already_approved',
      );
      expect(await state(sales)).toEqual(before);
    });

    it("each sales member's draft is computed from the month's sales with the tiers, line by line", async () => {
      const res = (await draft().expect(200)).body;
      // Eight members are evaluated as sales staff; the clerk and the managers have no plan.
      expect(res).toMatchObject({ drafted: 8, keptApproved: 0, withoutPlan: 6 });
      const s = byMember(res.items);
      expect(s[sales.members.am1.id]).toMatchObject({
        salesMinor: '1000000',
        commissionMinor: '15000',
        status: 'draft',
        teamId: sales.teams.team1,
      });
      expect(s[sales.members.am1.id].lines).toEqual([
        expect.objectContaining({
          baseMinor: '500000',
          ratePct: '1.00',
          amountMinor: '5000',
          formula: '5000.00 × 1.00% = 50.00',
        }),
        expect.objectContaining({ baseMinor: '500000', ratePct: '2.00', amountMinor: '10000' }),
      ]);
      expect(s[sales.members.am2.id]).toMatchObject({ salesMinor: '300000', commissionMinor: '3000' });
      expect(s[sales.members.am3.id]).toMatchObject({ salesMinor: '2000000', commissionMinor: '35000' });
      expect(s[sales.members.researcher.id]).toMatchObject({
        salesMinor: '0',
        commissionMinor: '0',
        lines: [],
      });
      expect(s[sales.members.clerk.id]).toBeUndefined();
    });

    it('the director approves a statement once; a redraft replaces drafts but never an approved one', async () => {
      const am1 = byMember(await statements('director'))[sales.members.am1.id];
      expectProblem(
        await api()
          .post(`/api/v1/performance/commission/statements/${am1.id}/approve`)
          .set(as('deputy', sales)),
        403,
        'forbidden',
      );
      expectProblem(
        await api()
          .post(`/api/v1/performance/commission/statements/${am1.id}/approve`)
          .set(as('director', other)),
        404,
        'commission_statement_not_found',
      );
      const ok = await api()
        .post(`/api/v1/performance/commission/statements/${am1.id}/approve`)
        .set(as('director', sales))
        .expect(200);
      expect(ok.body).toMatchObject({
        status: 'approved',
        commissionMinor: '15000',
        version: am1.version + 1,
      });
      expectProblem(
        await api()
          .post(`/api/v1/performance/commission/statements/${am1.id}/approve`)
          .set(as('director', sales)),
        409,
        'already_approved',
      );
      // A late order of October: the redraft picks it up for am2, but am1's approved statement stays.
      await order('am1', sales.accounts.am1Own, 100_000, '2026-10-30');
      await order('am2', sales.accounts.am2Own, 200_000, '2026-10-30');
      const re = (await draft('director').expect(200)).body;
      expect(re).toMatchObject({ drafted: 7, keptApproved: 1 });
      const s = byMember(re.items);
      expect(s[sales.members.am1.id]).toMatchObject({
        status: 'approved',
        salesMinor: '1000000',
        commissionMinor: '15000',
        version: ok.body.version,
      });
      expect(s[sales.members.am2.id]).toMatchObject({
        status: 'draft',
        salesMinor: '500000',
        commissionMinor: '5000',
      });
      expect((await auditOf(sales, 'commission_statement', am1.id)).map((a) => a.action)).toEqual([
        'draft',
        'approve',
      ]);
    });

    it('statements are scoped: a member sees their own once approved, a group leader their team', async () => {
      expect((await statements('director')).length).toBe(8);
      expect((await statements('executive')).length).toBe(8);
      expect((await statements('am1')).map((s) => [s.memberId, s.status])).toEqual([
        [sales.members.am1.id, 'approved'],
      ]);
      expect(await statements('am2')).toEqual([]);
      const team = await statements('leader1');
      expect(team.map((s) => s.memberId).sort()).toEqual(
        [sales.members.am1.id, sales.members.am2.id, sales.members.assistant.id].sort(),
      );
      expect(await statements('am1', `month=${MONTH}&status=draft`)).toEqual([]);
      expectProblem(
        await api().get('/api/v1/performance/commission/statements').set(as('director', sales)),
        400,
        'validation_failed',
      );
      expectProblem(
        await api()
          .get(`/api/v1/performance/commission/statements?month=${MONTH}`)
          .set(as('security', sales)),
        403,
        'forbidden',
      );
      expectProblem(await draft('am1'), 403, 'forbidden');
      expect(await statements('director', `month=${MONTH}`)).toHaveLength(8);
      expect(
        (
          await api()
            .get(`/api/v1/performance/commission/statements?month=${MONTH}`)
            .set(as('director', other))
            .expect(200)
        ).body,
      ).toEqual([]);
    });
  });

  // ------------------------------------------------------------------------------------------ team performance
  describe('team performance (团队绩效): completion, collaboration, ranking', () => {
    const MONTH = '2026-10';
    const teams = async (who: Who = 'director') =>
      (await api().get(`/api/v1/performance/teams?month=${MONTH}`).set(as(who, sales)).expect(200)).body as {
        department: { salesMinor: string; targetMinor: string | null; completionPct: string | null };
        teams: TeamRow[];
      };
    const rate = (teamId: string, body: Body, who: Who = 'director') =>
      api().put(`/api/v1/performance/teams/${teamId}/collaboration`).set(as(who, sales)).send(body);
    /** The month's stored rows, every column (updated_at included), by team. */
    const evaluations = () =>
      db<{ team_id: string; version: number; sales_minor: string; updated_at: Date }>(
        `SELECT * FROM ${PE}.team_evaluations WHERE workspace_id = $1 AND month = $2 ORDER BY team_id`,
        [sales.workspaceId, MONTH],
      );
    const order = (who: Who, accountId: string, amountMinor: number) =>
      api()
        .post(`/api/v1/accounts/${accountId}/orders`)
        .set(as('director', sales))
        .send({
          memberId: sales.members[who].id,
          amount: { amountMinor, currency: 'CNY' },
          orderedOn: '2026-10-20',
        })
        .expect(201);

    beforeAll(async () => {
      const target = (scope: string, scopeId: string | undefined, value: string) =>
        api()
          .post('/api/v1/performance/targets')
          .set(as('director', sales))
          .send({
            scope,
            scopeId,
            metric: 'sales_amount',
            periodKind: 'month',
            year: 2026,
            periodIndex: 10,
            value,
          })
          .expect(201);
      await target('department', undefined, '4000000');
      await target('team', sales.teams.team1, '1000000');
      await target('team', sales.teams.team2, '2500000');
    });

    it("each team's sales against its monthly target; ranked by completion; teams without a target last", async () => {
      const v = await teams();
      // Sales of October: am1 1,000,000 + 100,000 late, am2 300,000 + 200,000 late, am3 2,000,000.
      expect(v.department).toMatchObject({
        salesMinor: '3600000',
        targetMinor: '4000000',
        completionPct: '90.00',
      });
      const t = Object.fromEntries(v.teams.map((r) => [r.teamId, r]));
      expect(t[sales.teams.team1]).toMatchObject({
        salesMinor: '1600000',
        targetMinor: '1000000',
        completionPct: '160.00',
        rank: 1,
      });
      expect(t[sales.teams.team2]).toMatchObject({
        salesMinor: '2000000',
        targetMinor: '2500000',
        completionPct: '80.00',
        rank: 2,
      });
      expect(t[sales.teams.service]).toMatchObject({ completionPct: null, collaboration: null, rank: 3 });
      expect(t[sales.teams.research]).toMatchObject({ completionPct: null, rank: 3 });
      expect(v.teams.map((r) => r.rank)).toEqual([1, 2, 3, 3]);
      // Computed, not stored: a team never rated has no row (version 0) while the month is open.
      expect(v.teams.map((r) => r.version)).toEqual([0, 0, 0, 0]);
      expect(await evaluations()).toEqual([]);
    });

    it("the director's collaboration rating breaks the tie; If-Match guards a change", async () => {
      // The rating stores the team's row (version 1); the other teams stay computed.
      const res = await rate(sales.teams.service, { month: MONTH, rating: 85.5, note: '配合积极' }).expect(
        200,
      );
      expect(res.body).toMatchObject({
        teamId: sales.teams.service,
        collaboration: '85.50',
        rank: 3,
        version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      expect((await evaluations()).map((e) => [e.team_id, e.version])).toEqual([[sales.teams.service, 1]]);
      const t = Object.fromEntries((await teams()).teams.map((r) => [r.teamId, r]));
      expect(t[sales.teams.research].rank).toBe(4);
      expectProblem(
        await rate(sales.teams.service, { month: MONTH, rating: 90 }).set('If-Match', '"2"'),
        412,
        'precondition_failed',
      );
      const second = await rate(sales.teams.service, { month: MONTH, rating: 90 })
        .set('If-Match', '"1"')
        .expect(200);
      expect(second.body).toMatchObject({ collaboration: '90.00', version: 2 });
      expect(
        (await auditOf(sales, 'team_evaluation', `${sales.teams.service}:${MONTH}`)).map((a) => a.action),
      ).toEqual(['rate_collaboration', 'rate_collaboration']);
    });

    it('a rating outside 0-100 is a 400 naming the field; only the director rates; nothing changes', async () => {
      const before = await state(sales);
      for (const [body, field] of [
        [{ month: MONTH, rating: 101 }, 'rating'],
        [{ month: MONTH, rating: -1 }, 'rating'],
        [{ month: MONTH, rating: '90' }, 'rating'],
        [{ month: '2026-13', rating: 90 }, 'month'],
      ] as [Body, string][]) {
        const res = await rate(sales.teams.team1, body);
        expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(res.body)).toContain(field);
      }
      expectProblem(await rate(sales.teams.team1, { month: MONTH, rating: 90 }, 'deputy'), 403, 'forbidden');
      expectProblem(await rate(sales.teams.team1, { month: MONTH, rating: 90 }, 'leader1'), 403, 'forbidden');
      expectProblem(await rate(other.teams.team1, { month: MONTH, rating: 90 }), 404, 'team_not_found');
      expect(await state(sales)).toEqual(before);
    });

    it('a group leader sees the teams they lead; an account manager none', async () => {
      expect((await teams('leader1')).teams.map((t) => t.teamId)).toEqual([sales.teams.team1]);
      expect((await teams('executive')).teams).toHaveLength(4);
      expect((await teams('am1')).teams).toEqual([]);
      expectProblem(
        await api().get('/api/v1/performance/teams').set(as('director', sales)),
        400,
        'validation_failed',
      );
      expectProblem(
        await api().get(`/api/v1/performance/teams?month=${MONTH}`).set(as('admin', sales)),
        403,
        'forbidden',
      );
    });

    it('reading writes nothing; while the month is open a new order shows at once', async () => {
      const rows = await evaluations();
      const before = await state(sales);
      const first = await teams();
      expect(await teams()).toEqual(first);
      expect(await evaluations()).toEqual(rows);
      // am3 (team 2) sells 500,000 more in October: 2,500,000 of 2,500,000.
      await order('am3', sales.accounts.am3Own, 500_000);
      const after = await teams();
      expect(after.department.salesMinor).toBe('4100000');
      expect(after.teams.find((r) => r.teamId === sales.teams.team2)).toMatchObject({
        salesMinor: '2500000',
        completionPct: '100.00',
        rank: 2,
        version: 0,
      });
      expect(await evaluations()).toEqual(rows);
      expect(await state(sales)).toEqual(before);
    });

    it('the lock stores the figures as shown; afterwards they stay, whatever is recorded, and no rating', async () => {
      // October's cycle from opening to the lock: member sales targets (the results criterion needs one), the
      // director rates every card, publishes, members acknowledge, the director approves.
      await db(
        `INSERT INTO ${PE}.targets (id, workspace_id, scope, scope_id, metric, period_kind, year, period_index, value)
         SELECT gen_random_uuid(), $1, 'member', id, 'sales_amount', 'month', 2026, 10, 1000000
           FROM unnest($2::uuid[]) AS id`,
        [sales.workspaceId, Object.values(sales.members).map((m) => m.id)],
      );
      await api()
        .post('/api/v1/performance/cycles')
        .set(as('director', sales))
        .send({ month: MONTH })
        .expect(201);
      const cards = async () =>
        (
          await api()
            .get(`/api/v1/performance/scorecards?month=${MONTH}&limit=500`)
            .set(as('director', sales))
            .expect(200)
        ).body.items as {
          id: string;
          memberId: string;
          version: number;
          status: string;
          items: { criterionKey: string; kind: string; maxPoints: string }[];
        }[];
      for (const c of await cards())
        await api()
          .post(`/api/v1/performance/scorecards/${c.id}/ratings`)
          .set(as('director', sales))
          .set('If-Match', `"${c.version}"`)
          .send({
            ratings: c.items
              .filter((i) => i.kind === 'manual')
              .map((i) => ({ criterionKey: i.criterionKey, points: (Number(i.maxPoints) * 0.8).toFixed(2) })),
          })
          .expect(200);
      await api()
        .post(`/api/v1/performance/cycles/${MONTH}/publish`)
        .set(as('director', sales))
        .send({})
        .expect(200);
      const who = new Map(Object.entries(sales.members).map(([k, m]) => [m.id, k as Who]));
      const published = await cards();
      for (const c of published)
        await api()
          .post(`/api/v1/performance/scorecards/${c.id}/acknowledge`)
          .set(as(who.get(c.memberId)!, sales))
          .expect(200);
      await api().post(`/api/v1/performance/cycles/${MONTH}/approve`).set(as('director', sales)).expect(200);

      const shown = await teams();
      await api().post(`/api/v1/performance/cycles/${MONTH}/lock`).set(as('director', sales)).expect(200);
      expect(await teams()).toEqual(shown);
      const frozen = await evaluations();
      expect(frozen.map((e) => [e.team_id, e.version])).toEqual(
        shown.teams.map((t) => [t.teamId, t.version]).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      );
      expect(shown.teams.find((t) => t.teamId === sales.teams.service)).toMatchObject({
        collaboration: '90.00',
        version: 2,
      });

      // A late order of October and a changed team target: the locked month does not move.
      await order('am1', sales.accounts.am1Own, 700_000);
      await db(
        `UPDATE ${PE}.targets SET value = 500000, challenge = 900000
          WHERE workspace_id = $1 AND scope = 'team' AND scope_id = $2 AND year = 2026 AND period_index = 10`,
        [sales.workspaceId, sales.teams.team1],
      );
      const before = await state(sales);
      expect(await teams()).toEqual(shown);
      expect(await teams('leader1')).toEqual({
        ...shown,
        teams: shown.teams.filter((t) => t.teamId === sales.teams.team1),
      });
      expect(await evaluations()).toEqual(frozen);
      expectProblem(await rate(sales.teams.team1, { month: MONTH, rating: 70 }), 409, 'cycle_locked');
      expect(await state(sales)).toEqual(before);
      // Not even the service's own database role changes a locked month's team figures.
      await expect(
        withDb(serviceDatabaseUrl(system.env, 'performance-evaluation'), (c) =>
          c.query(
            `UPDATE ${PE}.team_evaluations SET sales_minor = 0 WHERE workspace_id = $1 AND month = $2`,
            [sales.workspaceId, MONTH],
          ),
        ),
      ).rejects.toThrow(/locked/);
      // The next month is open: computed from fresh figures again.
      expect(
        (
          await api().get('/api/v1/performance/teams?month=2026-11').set(as('director', sales)).expect(200)
        ).body.teams.find((t: TeamRow) => t.teamId === sales.teams.team2),
      ).toMatchObject({ salesMinor: '9999999', version: 0 });
    });
  });
  // ------------------------------------------------------------------------------------------ for the cycle
  describe("what the monthly cycle reads from the set-up (as the service's own database role)", () => {
    /** The few EntityManager calls these functions make, over a plain connection of the service's role. */
    const withManager = <T>(fn: (m: EntityManager) => Promise<T>) =>
      withDb(serviceDatabaseUrl(system.env, 'performance-evaluation'), async (c) => {
        await c.query(`SET search_path TO ${PE}`);
        const m = { query: async (sql: string, params?: unknown[]) => (await c.query(sql, params)).rows };
        return fn(m as unknown as EntityManager);
      });

    it('payBaseFor: the latest base effective on or before the month, per member', async () => {
      const ids = [f.members.am1.id, f.members.am2.id, f.members.am3.id];
      const aug = await withManager((m) => payBaseFor(m, f.workspaceId, ids, '2026-08'));
      expect(Object.fromEntries(aug)).toEqual({ [f.members.am1.id]: 300000n, [f.members.am2.id]: 120000n });
      const oct = await withManager((m) => payBaseFor(m, f.workspaceId, ids, '2026-10'));
      expect(oct.get(f.members.am1.id)).toBe(350000n);
      expect((await withManager((m) => payBaseFor(m, other.workspaceId, ids, '2026-10'))).size).toBe(0);
    });

    it("trainingScores: the average score of the month's sessions (Shanghai calendar), null without one", async () => {
      const ids = [f.members.am1.id, f.members.am2.id, f.members.am3.id];
      const oct = await withManager((m) =>
        trainingScores(
          m,
          f.workspaceId,
          ids,
          new Date('2026-09-30T16:00:00Z'),
          new Date('2026-10-31T16:00:00Z'),
        ),
      );
      expect(Object.fromEntries(oct)).toEqual({
        [f.members.am1.id]: '90.00',
        [f.members.am2.id]: '70.50',
        [f.members.am3.id]: null,
      });
      const autumn = await withManager((m) =>
        trainingScores(
          m,
          f.workspaceId,
          ids,
          new Date('2026-09-30T16:00:00Z'),
          new Date('2026-11-30T16:00:00Z'),
        ),
      );
      expect(autumn.get(f.members.am1.id)).toBe('85.00');
    });

    it("commissionFor: each member's statement of the month, approved or draft", async () => {
      const ids = [sales.members.am1.id, sales.members.am2.id, sales.members.clerk.id];
      const c = await withManager((m) => commissionFor(m, sales.workspaceId, '2026-10', ids));
      expect(c.get(sales.members.am1.id)).toMatchObject({
        status: 'approved',
        commissionMinor: 15000n,
        salesMinor: 1000000n,
      });
      expect(c.get(sales.members.am2.id)).toMatchObject({ status: 'draft', commissionMinor: 5000n });
      expect(c.has(sales.members.clerk.id)).toBe(false);
    });

    it('ensureDefaultTemplates: once per position, never over an existing version', async () => {
      const ws = randomUUID();
      const count = async (w: string) =>
        (
          await db<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${PE}.scorecard_templates WHERE workspace_id = $1`,
            [w],
          )
        )[0].n;
      await withManager((m) => ensureDefaultTemplates(m, ws));
      await withManager((m) => ensureDefaultTemplates(m, ws));
      expect(await count(ws)).toBe(2);
      const before = await count(fresh.workspaceId);
      await withManager((m) => ensureDefaultTemplates(m, fresh.workspaceId));
      expect(await count(fresh.workspaceId)).toBe(before);
    });
  });
});
