import request from 'supertest';
import { Role, ROLES } from '@app/contracts';
import {
  MatrixOutcome,
  outcomeText,
  PERFORMANCE_RECORD_MATRIX,
  PERFORMANCE_RELATIONS,
  PerformanceRelation,
  PerformanceSubject,
  SetupAction,
  setupOutcome,
} from '@app/authz';
import { TestSystem } from '../support/system';
import { adminUrl } from '../support/env';
import { createWorkspace, Fixture, memberToken, withDb, ROLE_PLAYER } from '../support/fixtures';

/*
 * The performance rows of the permission matrix (DESIGN §4 "Scorecard", issue 5; issue 6 point 8), end to end:
 * gateway → NATS → performance-evaluation (asking account-management for the member's teams) → PostgreSQL. The
 * expectations are the shared table in libs/authz/src/matrix.ts, which a unit spec holds against the rules.
 *
 * Scorecards, per relation (own published / own not yet published / a colleague's of the team one belongs to or
 * leads, published and not / another team's / another workspace's) × role × action:
 * - get, statement: GET /performance/scorecards/:id(/statement)   read: allow 200, hidden 404, deny 403;
 * - list:           GET /performance/scorecards?month=             read: present / absent (403 when no right at all);
 * - rate, publish, approve: POST …/ratings|publish|approve        allow: the request passes the permission check and
 *   is then refused for the card's state (a stale If-Match 412, an incomplete card or one already published 409,
 *   the appeal window still open 409), so nothing changes; deny 403; hidden 404.
 * Commission statements, per the same relations (approved = published) × role × (list, approve): GET
 * /performance/commission/statements?month= present/absent (403 with no right at all); POST …/approve with a stale
 * If-Match: allowed 412 (nothing approved), deny 403, hidden 404.
 * The payroll export (GET /performance/cycles/:month/payroll) is per role: allowed roles get 409 cycle_not_locked
 * for an open month, the others 403.
 * The set-up subjects × role × (list, create): 200/201 when the table allows, else 403.
 * The director, deputy, executive, security officer and admin are not evaluated: they have no card of their own, so
 * their "own" cells are not asked. No scorecard or statement field is redacted: what a member may not read is hidden.
 */

type MemberKey = keyof Fixture['members'];
const ACTOR = ROLE_PLAYER;
const EVALUATED: readonly MemberKey[] = [
  'leader1',
  'am1',
  'am2',
  'assistant',
  'service',
  'researcher',
  'leader2',
  'am3',
  'clerk',
];
const PUBLISHED_MONTH = '2026-05';
const UNPUBLISHED_MONTH = '2026-06';

type CardAction = 'get' | 'list' | 'statement' | 'rate' | 'publish' | 'approve';
const CARD_ACTIONS: readonly CardAction[] = ['get', 'list', 'statement', 'rate', 'publish', 'approve'];
const TABLE_ACTION: Record<CardAction, 'read' | 'rate' | 'publish' | 'approve'> = {
  get: 'read',
  list: 'read',
  statement: 'read',
  rate: 'rate',
  publish: 'publish',
  approve: 'approve',
};
type Seen = number | 'present' | 'absent' | 'passed the permission check';

function expectedOf(action: CardAction, outcome: MatrixOutcome): Seen {
  const o = outcomeText(outcome);
  if (o === 'deny') return 403;
  if (action === 'list') return o === 'allow' ? 'present' : 'absent';
  if (o === 'hidden') return 404;
  return action === 'get' || action === 'statement' ? 200 : 'passed the permission check';
}

const SETUP_LISTS: [PerformanceSubject, string][] = [
  ['Target', '/api/v1/performance/targets'],
  ['ScorecardTemplate', '/api/v1/performance/templates'],
  ['PerformanceCycle', '/api/v1/performance/cycles'],
  ['Training', '/api/v1/performance/trainings'],
  ['PayBase', '/api/v1/performance/pay-bases'],
  ['CommissionPlan', '/api/v1/performance/commission/plans'],
  ['EliminationWarning', '/api/v1/performance/elimination-warnings'],
];
type SetupWrite = 'Target' | 'ScorecardTemplate' | 'PerformanceCycle' | 'Training' | 'PayBase';
const SETUP_WRITES: [SetupWrite, SetupAction][] = [
  ['Target', 'create'],
  ['ScorecardTemplate', 'create'],
  ['PerformanceCycle', 'create'],
  ['Training', 'create'],
  // Setting a member's performance-pay base is a change of the pay-base table (PUT).
  ['PayBase', 'update'],
];

describe('the permission matrix: scorecards, statements, payroll and the performance set-up', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  const tokens = new Map<Fixture, Record<string, string>>();
  /** cards[month][member] → scorecard id. */
  const cards: Record<string, Partial<Record<MemberKey, string>>> = {};
  let otherWorkspaceCard: string;
  /** statements['f 2026-05'][member] → commission statement id. */
  const statements: Record<string, Partial<Record<MemberKey, string>>> = {};
  let template: { name: unknown; criteria: unknown };
  const api = () => request(system.baseUrl);
  const as = (who: MemberKey, w: Fixture = f) => ({ Authorization: `Bearer ${tokens.get(w)![who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];

  async function openCycle(w: Fixture, month: string): Promise<Partial<Record<MemberKey, string>>> {
    const res = await api().post('/api/v1/performance/cycles').set(as('director', w)).send({ month });
    if (res.status !== 201) throw new Error(`open ${month}: ${res.status} ${res.text}`);
    const rows = await db<{ id: string; member_id: string }>(
      `SELECT id, member_id FROM performance_evaluation.scorecards WHERE workspace_id = $1 AND month = $2`,
      [w.workspaceId, month],
    );
    const byMember = Object.fromEntries(rows.map((r) => [r.member_id, r.id]));
    return Object.fromEntries(EVALUATED.map((k) => [k, byMember[w.members[k].id]]));
  }

  /** The state every probe must leave untouched. */
  const cardState = () =>
    db(
      `SELECT id, status, version FROM performance_evaluation.scorecards WHERE workspace_id = $1 ORDER BY id`,
      [f.workspaceId],
    );

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const w of [f, other]) {
      const t: Record<string, string> = {};
      for (const who of Object.keys(w.members) as MemberKey[])
        t[who] = await memberToken(system.jwtSecret, w, who);
      tokens.set(w, t);
    }
    cards[PUBLISHED_MONTH] = await openCycle(f, PUBLISHED_MONTH);
    cards[UNPUBLISHED_MONTH] = await openCycle(f, UNPUBLISHED_MONTH);
    otherWorkspaceCard = (await openCycle(other, PUBLISHED_MONTH)).am1!;
    // Published to their members (the rating and publishing steps have their own suite): the appeal window is open.
    for (const w of [f, other])
      await db(
        `UPDATE performance_evaluation.scorecards SET status = 'published', published_at = now()
         WHERE workspace_id = $1 AND month = $2`,
        [w.workspaceId, PUBLISHED_MONTH],
      );
    // Commission statements (drafted from orders and plans in their own suite): approved in the published month,
    // drafts in the next, one per evaluated member, with the member's team.
    const teamOf = (w: Fixture, k: MemberKey): string | null =>
      (
        ({
          leader1: w.teams.team1,
          am1: w.teams.team1,
          am2: w.teams.team1,
          assistant: w.teams.team1,
          service: w.teams.service,
          researcher: w.teams.research,
          leader2: w.teams.team2,
          am3: w.teams.team2,
        }) as Partial<Record<MemberKey, string>>
      )[k] ?? null;
    for (const [w, month, status] of [
      [f, PUBLISHED_MONTH, 'approved'],
      [f, UNPUBLISHED_MONTH, 'draft'],
      [other, PUBLISHED_MONTH, 'approved'],
    ] as const) {
      statements[`${w === f ? 'f' : 'other'} ${month}`] = {};
      for (const k of EVALUATED) {
        const [row] = await db<{ id: string }>(
          `INSERT INTO performance_evaluation.commission_statements
             (id, workspace_id, month, member_id, team_id, sales_minor, commission_minor, lines, status, approved_at)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, 1000000, 30000, '[]', $5,
                   CASE WHEN $5 = 'approved' THEN now() END)
           RETURNING id`,
          [w.workspaceId, month, w.members[k].id, teamOf(w, k), status],
        );
        statements[`${w === f ? 'f' : 'other'} ${month}`][k] = row.id;
      }
    }
    const templates = await api().get('/api/v1/performance/templates').set(as('director'));
    const first = (templates.body as { name: unknown; criteria: unknown }[])[0];
    if (!first) throw new Error(`no template to copy: ${templates.status} ${templates.text}`);
    template = { name: first.name, criteria: first.criteria };
  }, 120_000);
  afterAll(() => system.stop());

  /** The card of `relation` for the member playing `role`; undefined for "own" of a member who is not evaluated. */
  function cardFor(role: Role, relation: PerformanceRelation): string | undefined {
    const me = ACTOR[role];
    switch (relation) {
      case 'ownPublished':
        return cards[PUBLISHED_MONTH][me];
      case 'ownUnpublished':
        return cards[UNPUBLISHED_MONTH][me];
      case 'teamPublished':
        return cards[PUBLISHED_MONTH].am2;
      case 'teamUnpublished':
        return cards[UNPUBLISHED_MONTH].am2;
      case 'otherTeam':
        return cards[PUBLISHED_MONTH].am3;
      case 'otherWorkspace':
        return otherWorkspaceCard;
    }
  }

  const passed = (status: number) => ![401, 403, 404].includes(status) && status < 500;

  async function probe(
    role: Role,
    action: CardAction,
    relation: PerformanceRelation,
    id: string,
  ): Promise<Seen> {
    const who = ACTOR[role];
    const base = `/api/v1/performance/scorecards/${id}`;
    if (action === 'list') {
      const month = relation.endsWith('Unpublished') ? UNPUBLISHED_MONTH : PUBLISHED_MONTH;
      const res = await api().get(`/api/v1/performance/scorecards?month=${month}&limit=500`).set(as(who));
      if (res.status !== 200) return res.status;
      return (res.body.items as { id: string }[]).some((c) => c.id === id) ? 'present' : 'absent';
    }
    let res: request.Response;
    if (action === 'get') res = await api().get(base).set(as(who));
    else if (action === 'statement') res = await api().get(`${base}/statement`).set(as(who));
    else if (action === 'rate')
      res = await api()
        .post(`${base}/ratings`)
        .set(as(who))
        .set('If-Match', '"999"')
        .send({ ratings: [{ criterionKey: 'attitude', points: '1' }] });
    else res = await api().post(`${base}/${action}`).set(as(who));
    if (action === 'get' || action === 'statement') return res.status;
    return passed(res.status) ? 'passed the permission check' : res.status;
  }

  it.each(ROLES.flatMap((role) => CARD_ACTIONS.map((action) => [role, action] as const)))(
    `scorecards: %s, %s — up to ${PERFORMANCE_RELATIONS.length} cells (own published, own unpublished, team's published and not, other team's, other workspace's)`,
    async (role, action) => {
      const before = await cardState();
      const expected: Record<string, Seen> = {};
      const actual: Record<string, Seen> = {};
      await Promise.all(
        PERFORMANCE_RELATIONS.map(async (relation, i) => {
          const id = cardFor(role, relation);
          if (!id) return; // not evaluated: no card of their own
          expected[relation] = expectedOf(
            action,
            PERFORMANCE_RECORD_MATRIX.Scorecard[role][TABLE_ACTION[action]][i],
          );
          actual[relation] = await probe(role, action, relation, id);
        }),
      );
      expect(actual).toEqual(expected);
      expect(await cardState()).toEqual(before);
    },
  );

  /** The commission statement of `relation` for the member playing `role` (like cardFor). */
  function statementFor(
    role: Role,
    relation: PerformanceRelation,
  ): { id: string; month: string } | undefined {
    const me = ACTOR[role];
    const at = (key: string, k: MemberKey, month: string) => {
      const id = statements[key][k];
      return id ? { id, month } : undefined;
    };
    switch (relation) {
      case 'ownPublished':
        return at(`f ${PUBLISHED_MONTH}`, me, PUBLISHED_MONTH);
      case 'ownUnpublished':
        return at(`f ${UNPUBLISHED_MONTH}`, me, UNPUBLISHED_MONTH);
      case 'teamPublished':
        return at(`f ${PUBLISHED_MONTH}`, 'am2', PUBLISHED_MONTH);
      case 'teamUnpublished':
        return at(`f ${UNPUBLISHED_MONTH}`, 'am2', UNPUBLISHED_MONTH);
      case 'otherTeam':
        return at(`f ${PUBLISHED_MONTH}`, 'am3', PUBLISHED_MONTH);
      case 'otherWorkspace':
        return at(`other ${PUBLISHED_MONTH}`, 'am1', PUBLISHED_MONTH);
    }
  }

  const statementState = () =>
    db(
      `SELECT id, status, version FROM performance_evaluation.commission_statements WHERE workspace_id = $1
        ORDER BY id`,
      [f.workspaceId],
    );

  it.each(ROLES.flatMap((role) => (['list', 'approve'] as const).map((action) => [role, action] as const)))(
    `commission statements: %s, %s — up to ${PERFORMANCE_RELATIONS.length} cells (approved = published; a stale If-Match shows an allowed approval without approving)`,
    async (role, action) => {
      const before = await statementState();
      const expected: Record<string, Seen> = {};
      const actual: Record<string, Seen> = {};
      await Promise.all(
        PERFORMANCE_RELATIONS.map(async (relation, i) => {
          const s = statementFor(role, relation);
          if (!s) return; // not evaluated: no statement of their own
          const o = outcomeText(
            PERFORMANCE_RECORD_MATRIX.CommissionStatement[role][action === 'list' ? 'read' : 'approve'][i],
          );
          let res: request.Response;
          if (action === 'list') {
            expected[relation] = o === 'deny' ? 403 : o === 'allow' ? 'present' : 'absent';
            res = await api()
              .get(`/api/v1/performance/commission/statements?month=${s.month}`)
              .set(as(ACTOR[role]));
            actual[relation] =
              res.status !== 200
                ? res.status
                : (res.body as { id: string }[]).some((x) => x.id === s.id)
                  ? 'present'
                  : 'absent';
          } else {
            expected[relation] = o === 'deny' ? 403 : o === 'hidden' ? 404 : 'passed the permission check';
            res = await api()
              .post(`/api/v1/performance/commission/statements/${s.id}/approve`)
              .set(as(ACTOR[role]))
              .set('If-Match', '"999"');
            actual[relation] = passed(res.status) ? 'passed the permission check' : res.status;
          }
        }),
      );
      expect(actual).toEqual(expected);
      expect(await statementState()).toEqual(before);
    },
  );

  it(`the payroll export: every role (${ROLES.length} cells) — allowed roles pass the permission check (409: the month is not locked), the others 403`, async () => {
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    for (const role of ROLES) {
      // The payroll file covers every card of the month: the export right on scorecards of other teams.
      expected[role] = outcomeText(PERFORMANCE_RECORD_MATRIX.Scorecard[role].export[4]);
      const res = await api()
        .get(`/api/v1/performance/cycles/${PUBLISHED_MONTH}/payroll`)
        .set(as(ACTOR[role]));
      actual[role] =
        res.status === 409 && res.body.code === 'cycle_not_locked'
          ? 'allow'
          : res.status === 403
            ? 'deny'
            : `${res.status} ${res.body.code}`;
    }
    expect(actual).toEqual(expected);
  });

  it(`the set-up lists: every role × subject (${ROLES.length * SETUP_LISTS.length} cells) — 200 when the table allows reading, else 403`, async () => {
    const expected: Record<string, number> = {};
    const actual: Record<string, number> = {};
    await Promise.all(
      ROLES.flatMap((role) =>
        SETUP_LISTS.map(async ([s, path]) => {
          const key = `${role} lists ${s}`;
          expected[key] = setupOutcome(role, s, 'read') === 'allow' ? 200 : 403;
          actual[key] = (await api().get(path).set(as(ACTOR[role]))).status;
        }),
      ),
    );
    expect(actual).toEqual(expected);
  });

  it(`the set-up writes: every role × subject (${ROLES.length * SETUP_WRITES.length} cells) — 201/200 when the table allows, else 403 and nothing stored`, async () => {
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    const counts = async () =>
      (
        await db<{ n: string }>(
          `SELECT (SELECT count(*) FROM performance_evaluation.targets WHERE workspace_id = $1)
                + (SELECT count(*) FROM performance_evaluation.cycles WHERE workspace_id = $1)
                + (SELECT count(*) FROM performance_evaluation.trainings WHERE workspace_id = $1)
                + (SELECT count(*) FROM performance_evaluation.pay_bases WHERE workspace_id = $1) AS n`,
          [f.workspaceId],
        )
      )[0].n;
    for (const [i, role] of ROLES.entries()) {
      const who = ACTOR[role];
      for (const [s, action] of SETUP_WRITES) {
        const key = `${role} ${action}s ${s}`;
        expected[key] = outcomeText(setupOutcome(role, s, action));
        const before = await counts();
        let res: request.Response;
        if (s === 'Target')
          res = await api()
            .post('/api/v1/performance/targets')
            .set(as(who))
            .send({
              scope: 'member',
              scopeId: f.members.am1.id,
              metric: 'sales_amount',
              periodKind: 'month',
              year: 2027,
              periodIndex: i + 1,
              value: '1000000',
            });
        else if (s === 'ScorecardTemplate')
          res = await api()
            .post('/api/v1/performance/templates')
            .set(as(who))
            .send({ ...template, position: `matrix_${i}` });
        else if (s === 'PerformanceCycle')
          res = await api()
            .post('/api/v1/performance/cycles')
            .set(as(who))
            .send({ month: `2025-${String(i + 1).padStart(2, '0')}` });
        else if (s === 'Training')
          res = await api()
            .post('/api/v1/performance/trainings')
            .set(as(who))
            .send({ kind: 'on_the_job', title: `大客户销售技巧 ${i}`, heldOn: '2026-05-20' });
        else
          res = await api()
            .put('/api/v1/performance/pay-bases')
            .set(as(who))
            .send({
              memberId: f.members.am2.id,
              effectiveMonth: `2024-${String(i + 1).padStart(2, '0')}`,
              amountMinor: '300000',
            });
        actual[key] =
          res.status === 200 || res.status === 201
            ? 'allow'
            : res.status === 403
              ? 'deny'
              : `${res.status} ${res.text}`;
        if (res.status === 403) expect({ key, n: await counts() }).toEqual({ key, n: before });
      }
    }
    expect(actual).toEqual(expected);
  });
});
