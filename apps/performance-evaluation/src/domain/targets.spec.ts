import {
  childPeriods,
  decompositionWarnings,
  parentPeriod,
  parsePeriodKey,
  Period,
  periodKey,
  periodOfMonth,
  periodProblem,
  validateChallenge,
  validateTargetAmount,
} from './targets';

const year = (y: number): Period => ({ kind: 'year', year: y, index: 1 });
const quarter = (y: number, q: number): Period => ({ kind: 'quarter', year: y, index: q });
const month = (y: number, m: number): Period => ({ kind: 'month', year: y, index: m });

describe('breaking a yearly target into quarters and months', () => {
  it.each<{ parent: Period; children: string[] }>([
    { parent: year(2026), children: ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'] },
    { parent: quarter(2026, 1), children: ['2026-01', '2026-02', '2026-03'] },
    { parent: quarter(2026, 4), children: ['2026-10', '2026-11', '2026-12'] },
    { parent: month(2026, 11), children: [] },
  ])('$parent.kind $parent.year/$parent.index splits into $children', ({ parent, children }) => {
    expect(childPeriods(parent).map(periodKey)).toEqual(children);
  });

  it.each<{ child: Period; parent: string | null }>([
    { child: month(2026, 11), parent: '2026-Q4' },
    { child: month(2026, 3), parent: '2026-Q1' },
    { child: month(2026, 4), parent: '2026-Q2' },
    { child: quarter(2026, 2), parent: '2026' },
    { child: year(2026), parent: null },
  ])('$child.kind $child.index belongs to $parent', ({ child, parent }) => {
    const p = parentPeriod(child);
    expect(p ? periodKey(p) : null).toBe(parent);
  });

  it.each(['2026', '2026-Q4', '2026-11', '2026-01'])('period "%s" reads back the same', (key) => {
    expect(periodKey(parsePeriodKey(key))).toBe(key);
  });

  it('"2026-11" is November 2026', () => {
    expect(periodOfMonth('2026-11')).toEqual({ kind: 'month', year: 2026, index: 11 });
  });

  it.each(['2026-13', '2026-00', '2026-1', '26-11', '2026/11', '', '2026-Q5'])(
    '"%s" is not a period',
    (key) => {
      expect(() => parsePeriodKey(key)).toThrow(RangeError);
    },
  );

  it.each<{ period: Period; problem: string | null }>([
    { period: quarter(2026, 5), problem: 'a quarter index must be 1-4' },
    { period: month(2026, 0), problem: 'a month index must be 1-12' },
    { period: year(2026), problem: null },
    { period: { kind: 'year', year: 2026, index: 2 }, problem: 'a year has index 1' },
    {
      period: { kind: 'week' as Period['kind'], year: 2026, index: 1 },
      problem: 'the period kind must be year, quarter or month',
    },
    { period: month(1969, 1), problem: 'the year must be 1970-9999' },
  ])('period $period.kind $period.index: $problem', ({ period, problem }) => {
    expect(periodProblem(period)).toBe(problem);
  });
});

describe('targets of the parts not adding up to the whole is a warning', () => {
  const months = (...amounts: bigint[]) => amounts.map((amount, i) => ({ id: `m${i + 1}`, amount }));
  it.each<{ case: string; parent: bigint; children: { id: string; amount: bigint }[]; warning: unknown }>([
    {
      case: 'three months add up to the quarter',
      parent: 300n,
      children: months(100n, 100n, 100n),
      warning: null,
    },
    {
      case: 'months short of the quarter by 50',
      parent: 300n,
      children: months(100n, 100n, 50n),
      warning: { kind: 'children_short', differenceMinor: 50n },
    },
    {
      case: 'months over the quarter by 20',
      parent: 300n,
      children: months(120n, 100n, 100n),
      warning: { kind: 'children_over', differenceMinor: 20n },
    },
    {
      case: 'only one month set so far',
      parent: 300n,
      children: months(100n),
      warning: { kind: 'children_short', differenceMinor: 200n },
    },
    { case: 'no part has a target yet', parent: 300n, children: [], warning: null },
  ])('$case', ({ parent, children, warning }) => {
    expect(decompositionWarnings({ amount: parent }, children)).toEqual(warning);
  });
});

describe('the challenge target sits above the target', () => {
  it.each<{ target: bigint; challenge: bigint | null; error: string | null }>([
    { target: 1000n, challenge: 1200n, error: null },
    { target: 1000n, challenge: 1000n, error: null },
    { target: 1000n, challenge: null, error: null },
    { target: 1000n, challenge: 999n, error: 'the challenge target must be at least the target' },
  ])('target $target, challenge $challenge → $error', ({ target, challenge, error }) => {
    expect(validateChallenge(target, challenge)).toBe(error);
  });

  it('a target cannot be negative', () => {
    expect(validateTargetAmount(-1n)).toBe('a target cannot be negative');
    expect(validateTargetAmount(0n)).toBeNull();
  });
});
