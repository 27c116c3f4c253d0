import { decompositionProblems, parentProblem, TargetShape, valueProblem } from './target-rules';

describe('what a target value may be, per metric', () => {
  it.each<[string, Parameters<typeof valueProblem>[0], string, boolean]>([
    ['sales of 1,500,000.00 CNY in fen', 'sales_amount', '150000000', true],
    ['sales with a fraction of a fen', 'sales_amount', '100.5', false],
    ['two new key accounts', 'new_key_accounts', '2', true],
    ['half a new key account', 'new_key_accounts', '0.5', false],
    ['95% of revisits done', 'revisit_completion', '0.95', true],
    ['every revisit done', 'revisit_completion', '1', true],
    ['150% of complaints resolved', 'complaint_resolution', '1.5', false],
    ['projects on time as a percentage number', 'project_on_time', '95', false],
    ['satisfaction 4.5 of 5', 'satisfaction', '4.5', true],
    ['satisfaction 6 of 5', 'satisfaction', '6', false],
    ['satisfaction 0.5', 'satisfaction', '0.5', false],
    ['five decimals', 'revisit_completion', '0.12345', false],
    ['not a number', 'sales_amount', 'lots', false],
  ])('%s', (_name, metric, value, ok) => {
    expect(valueProblem(metric, value) === null).toBe(ok);
  });
});

describe('which target can be a part of which (decomposition)', () => {
  const t = (
    scope: TargetShape['scope'],
    kind: 'year' | 'quarter' | 'month',
    index = 1,
    year = 2026,
  ): TargetShape => ({
    scope,
    metric: 'sales_amount',
    period: { kind, year, index },
  });
  it.each<[string, TargetShape, TargetShape, boolean]>([
    ["a quarter of the department's year", t('department', 'year'), t('department', 'quarter', 2), true],
    [
      "a month of the department's quarter",
      t('department', 'quarter', 4),
      t('department', 'month', 11),
      true,
    ],
    [
      "a month outside the department's quarter",
      t('department', 'quarter', 4),
      t('department', 'month', 3),
      false,
    ],
    ["a team's year under the department's year", t('department', 'year'), t('team', 'year'), true],
    ["a member's month under the team's quarter", t('team', 'quarter', 1), t('member', 'month', 2), true],
    ['the same scope and period is no part', t('team', 'year'), t('team', 'year'), false],
    ['a department under a team', t('team', 'year'), t('department', 'month', 1), false],
    ['a year under a month', t('department', 'month', 1), t('team', 'year'), false],
    ['another year', t('department', 'year', 1, 2026), t('department', 'quarter', 1, 2027), false],
    [
      'another metric',
      t('department', 'year'),
      { ...t('department', 'quarter'), metric: 'new_key_accounts' },
      false,
    ],
  ])('%s', (_name, parent, child, ok) => {
    expect(parentProblem(parent, child) === null).toBe(ok);
  });
});

describe('parts that do not add up are a warning', () => {
  const q = (id: string, value: string) => ({
    id,
    scope: 'department' as const,
    periodKind: 'quarter' as const,
    value,
  });
  it('four quarters adding up to the year: no warning', () => {
    expect(
      decompositionProblems({ metric: 'sales_amount', value: '1200' }, [
        q('1', '300'),
        q('2', '300'),
        q('3', '300'),
        q('4', '300'),
      ]),
    ).toEqual([]);
  });
  it('quarters short of the year, per kind of part', () => {
    const w = decompositionProblems({ metric: 'sales_amount', value: '1200.0000' }, [
      q('1', '300'),
      { id: 't', scope: 'team', periodKind: 'year', value: '1300' },
    ]);
    expect(w).toEqual([
      expect.objectContaining({
        kind: 'children_short',
        childScope: 'department',
        differenceMinor: 9000000n,
      }),
      expect.objectContaining({ kind: 'children_over', childScope: 'team', differenceMinor: 1000000n }),
    ]);
  });
  it('rates are not added up', () => {
    expect(decompositionProblems({ metric: 'revisit_completion', value: '0.9' }, [q('1', '0.5')])).toEqual(
      [],
    );
  });
});
