import { ROLES } from '@app/contracts/roles';
import { parseScaled } from './decimal';
import { CriterionDef } from './scorecard';
import {
  DEFAULT_POSITION_OF_ROLE,
  DEFAULT_TEMPLATES,
  Position,
  positionOf,
  validateTemplate,
} from './template';

const weightOf = (criteria: CriterionDef[], group: string) =>
  criteria.filter((c) => c.group === group).reduce((a, c) => a + parseScaled(c.maxPoints, 2), 0n);

describe("the policy's default scorecards", () => {
  it.each<[Position]>([['sales'], ['clerk']])('the %s scorecard is a valid template', (p) => {
    expect(validateTemplate(DEFAULT_TEMPLATES[p].criteria)).toEqual([]);
  });

  it.each([
    { group: 'results', points: '60' },
    { group: 'ability', points: '20' },
    { group: 'attitude', points: '20' },
  ])('sales staff: $group weighs $points points (60/20/20)', ({ group, points }) => {
    expect(weightOf(DEFAULT_TEMPLATES.sales.criteria, group)).toBe(parseScaled(points, 2));
  });

  it.each([
    { group: 'workload', points: '20' },
    { group: 'attitude', points: '30' },
    { group: 'ability', points: '40' },
    { group: 'effect', points: '10' },
  ])('clerk: $group weighs $points points (20/30/40/10)', ({ group, points }) => {
    expect(weightOf(DEFAULT_TEMPLATES.clerk.criteria, group)).toBe(parseScaled(points, 2));
  });

  it('sales results are computed from sales against target; ability and attitude are rated by hand', () => {
    const [results, ...rated] = DEFAULT_TEMPLATES.sales.criteria;
    expect(results).toMatchObject({ kind: 'automatic', metric: 'sales_amount', formula: 'ratio_capped' });
    expect(rated.map((c) => c.name.zh)).toEqual([
      '知识技能',
      '销售技巧',
      '销售业务流程',
      '协调配合能力',
      '纪律性',
      '积极性',
      '责任感',
      '服务态度',
    ]);
    expect(rated.every((c) => c.kind === 'manual' && c.maxPoints === '5')).toBe(true);
  });

  it('the clerk scorecard names the policy criteria with their points', () => {
    expect(DEFAULT_TEMPLATES.clerk.criteria.map((c) => [c.name.zh, c.maxPoints])).toEqual([
      ['工作量', '20'],
      ['纪律性', '10'],
      ['礼仪规范', '10'],
      ['团队精神与全局意识', '10'],
      ['专业能力', '15'],
      ['创新能力', '10'],
      ['沟通协调能力', '15'],
      ['工作效果(本职工作的完成情况)', '10'],
    ]);
  });
});

const ok = (over: Partial<CriterionDef> = {}): CriterionDef => ({
  key: 'discipline',
  name: { zh: '纪律性', en: 'Discipline' },
  group: 'attitude',
  maxPoints: '100',
  kind: 'manual',
  ...over,
});

describe('checking a template before it is saved', () => {
  it.each<{ case: string; criteria: CriterionDef[]; field: string; message: RegExp }>([
    { case: 'no criteria at all', criteria: [], field: 'criteria', message: /at least one criterion/ },
    {
      case: 'weights adding up to 99.99',
      criteria: [ok({ maxPoints: '60' }), ok({ key: 'b', maxPoints: '39.99' })],
      field: 'criteria',
      message: /add up to 100 \(they add up to 99\.99\)/,
    },
    {
      case: 'weights adding up to 110',
      criteria: [ok({ maxPoints: '60' }), ok({ key: 'b', maxPoints: '50' })],
      field: 'criteria',
      message: /they add up to 110\.00/,
    },
    {
      case: 'the same key twice',
      criteria: [ok({ maxPoints: '50' }), ok({ maxPoints: '50' })],
      field: 'criteria[1].key',
      message: /used twice/,
    },
    {
      case: 'a key with spaces',
      criteria: [ok({ key: 'Sales Results' })],
      field: 'criteria[0].key',
      message: /lower-case/,
    },
    {
      case: 'a key starting with a digit',
      criteria: [ok({ key: '1st' })],
      field: 'criteria[0].key',
      message: /lower-case/,
    },
    {
      case: 'a weight of 0',
      criteria: [ok({ key: 'a', maxPoints: '0' }), ok({ key: 'b' })],
      field: 'criteria[0].maxPoints',
      message: /more than 0/,
    },
    {
      case: 'a weight with 3 decimals',
      criteria: [ok({ maxPoints: '99.999' })],
      field: 'criteria[0].maxPoints',
      message: /2 decimals/,
    },
    {
      case: 'a weight that is not a number',
      criteria: [ok({ maxPoints: 'ten' })],
      field: 'criteria[0].maxPoints',
      message: /2 decimals/,
    },
    {
      case: 'a missing English name',
      criteria: [ok({ name: { zh: '纪律性', en: ' ' } })],
      field: 'criteria[0].name',
      message: /English/,
    },
    {
      case: 'an unknown group',
      criteria: [ok({ group: 'luck' as CriterionDef['group'] })],
      field: 'criteria[0].group',
      message: /one of/,
    },
    {
      case: 'an automatic criterion without a metric',
      criteria: [ok({ kind: 'automatic', formula: 'rate' })],
      field: 'criteria[0].metric',
      message: /needs a metric/,
    },
    {
      case: 'an automatic criterion without a formula',
      criteria: [ok({ kind: 'automatic', metric: 'sales_amount' })],
      field: 'criteria[0].formula',
      message: /needs a formula/,
    },
    {
      case: 'sales scored as a rate',
      criteria: [ok({ kind: 'automatic', metric: 'sales_amount', formula: 'rate' })],
      field: 'criteria[0].formula',
      message: /sales_amount is scored with ratio_capped/,
    },
    {
      case: 'a manual criterion with a metric',
      criteria: [ok({ metric: 'satisfaction' })],
      field: 'criteria[0].metric',
      message: /no metric/,
    },
    {
      case: 'a manual criterion with a formula',
      criteria: [ok({ formula: 'scale' })],
      field: 'criteria[0].formula',
      message: /no formula/,
    },
    {
      case: 'an unknown kind',
      criteria: [ok({ kind: 'guess' as CriterionDef['kind'] })],
      field: 'criteria[0].kind',
      message: /automatic or manual/,
    },
  ])('$case is refused', ({ criteria, field, message }) => {
    const problems = validateTemplate(criteria);
    expect(problems).toContainEqual({ field, message: expect.stringMatching(message) });
  });

  it('weights with decimals may add up to exactly 100', () => {
    expect(
      validateTemplate([
        ok({ maxPoints: '33.33' }),
        ok({ key: 'b', maxPoints: '33.33' }),
        ok({ key: 'c', maxPoints: '33.34' }),
      ]),
    ).toEqual([]);
  });
});

describe('which scorecard a team member is evaluated with', () => {
  it.each<{ roles: string[]; position: Position | null }>([
    { roles: ['account_manager'], position: 'sales' },
    { roles: ['assistant_account_manager'], position: 'sales' },
    { roles: ['group_leader'], position: 'sales' },
    { roles: ['market_researcher'], position: 'sales' },
    { roles: ['customer_service'], position: 'sales' },
    { roles: ['clerk'], position: 'clerk' },
    { roles: ['clerk', 'customer_service'], position: 'sales' },
    { roles: ['director'], position: null },
    { roles: ['deputy_director'], position: null },
    { roles: ['executive'], position: null },
    { roles: ['security_officer'], position: null },
    { roles: ['admin'], position: null },
    { roles: ['director', 'clerk'], position: 'clerk' },
    { roles: [], position: null },
    { roles: ['unknown_role'], position: null },
  ])('roles $roles → $position', ({ roles, position }) => {
    expect(positionOf(roles)).toBe(position);
  });

  it('every role of the API has a default position (null = not evaluated)', () => {
    expect(Object.keys(DEFAULT_POSITION_OF_ROLE).sort()).toEqual([...ROLES].sort());
  });
});
