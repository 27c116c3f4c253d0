import { parseScaled } from './decimal';
import {
  CriterionDef,
  groupTotals,
  MetricValue,
  scoreAutomatic,
  totalScore,
  unscoredCriteria,
  validateRating,
} from './scorecard';

const sales: CriterionDef = {
  key: 'sales_results',
  name: { zh: '业绩考评', en: 'Sales results' },
  group: 'results',
  maxPoints: '60',
  kind: 'automatic',
  metric: 'sales_amount',
  formula: 'ratio_capped',
};
const revisits: CriterionDef = {
  key: 'revisits',
  name: { zh: '回访完成率', en: 'Revisits done' },
  group: 'results',
  maxPoints: '10',
  kind: 'automatic',
  metric: 'revisit_completion',
  formula: 'rate',
};
const satisfaction: CriterionDef = {
  key: 'satisfaction',
  name: { zh: '客户满意度', en: 'Customer satisfaction' },
  group: 'effect',
  maxPoints: '10',
  kind: 'automatic',
  metric: 'satisfaction',
  formula: 'scale',
};
const training: CriterionDef = {
  key: 'training',
  name: { zh: '培训考核', en: 'Training score' },
  group: 'ability',
  maxPoints: '5',
  kind: 'automatic',
  metric: 'training_score',
  formula: 'scale',
};
const discipline: CriterionDef = {
  key: 'discipline',
  name: { zh: '纪律性', en: 'Discipline' },
  group: 'attitude',
  maxPoints: '5',
  kind: 'manual',
};

describe('results points from sales against the monthly target (60 points)', () => {
  it.each<{ case: string; value: MetricValue; points: string | null }>([
    {
      case: 'sales of 1,200,000 against a target of 1,500,000 (80%)',
      value: { actual: '1200000', target: '1500000' },
      points: '48.00',
    },
    { case: 'target exactly met', value: { actual: '1500000', target: '1500000' }, points: '60.00' },
    {
      case: 'target beaten: capped at the 60 points',
      value: { actual: '2000000', target: '1500000' },
      points: '60.00',
    },
    { case: 'no sales', value: { actual: '0', target: '1500000' }, points: '0.00' },
    {
      case: 'returns exceed sales: never below 0',
      value: { actual: '-500', target: '1500000' },
      points: '0.00',
    },
    {
      case: 'one third of the target rounds half up to 20.00',
      value: { actual: '1', target: '3' },
      points: '20.00',
    },
    { case: 'two thirds of the target: 40.00', value: { actual: '2', target: '3' }, points: '40.00' },
    { case: 'amounts in yuan with fen', value: { actual: '1234.56', target: '2000.00' }, points: '37.04' },
  ])('$case → $points points', ({ value, points }) => {
    expect(scoreAutomatic(sales, value).pointsHundredths).toBe(
      points === null ? null : parseScaled(points, 2),
    );
  });

  it('explains how the results points came about', () => {
    expect(scoreAutomatic(sales, { actual: '1200000', target: '1500000' }).explanation).toBe(
      '1200000 ÷ 1500000 = 80.00%; 60.00 × 80.00% = 48.00',
    );
    expect(scoreAutomatic(sales, { actual: '2000000', target: '1500000' }).explanation).toBe(
      '2000000 ÷ 1500000 = 133.33% (capped at 100%); 60.00 × 100.00% = 60.00',
    );
  });

  it.each<{ case: string; value: MetricValue }>([
    { case: 'no target recorded', value: { actual: '1200000' } },
    { case: 'target left empty', value: { actual: '1200000', target: null } },
    { case: 'a target of 0', value: { actual: '1200000', target: '0' } },
  ])('$case: no score until the target is set', ({ value }) => {
    expect(scoreAutomatic(sales, value)).toMatchObject({ pointsHundredths: null, missing: 'target' });
  });

  it('no sales figure for the month: no score, the metric is missing', () => {
    expect(scoreAutomatic(sales, { actual: null, target: '1500000' })).toMatchObject({
      pointsHundredths: null,
      missing: 'metric',
    });
  });
});

describe('points for duties done of those due (rate)', () => {
  it.each<{ case: string; numerator?: number; denominator?: number; points: string | null }>([
    { case: '9 of 10 revisits done', numerator: 9, denominator: 10, points: '9.00' },
    { case: 'all 4 revisits done', numerator: 4, denominator: 4, points: '10.00' },
    { case: 'none of 3 revisits done', numerator: 0, denominator: 3, points: '0.00' },
    { case: '2 of 3 revisits done rounds half up', numerator: 2, denominator: 3, points: '6.67' },
    { case: 'no revisit was due: full points', numerator: 0, denominator: 0, points: '10.00' },
    { case: 'more done than due is still only full points', numerator: 5, denominator: 4, points: '10.00' },
    { case: 'no count recorded', numerator: undefined, denominator: undefined, points: null },
    { case: 'a negative count', numerator: -1, denominator: 4, points: null },
  ])('$case → $points points', ({ numerator, denominator, points }) => {
    expect(scoreAutomatic(revisits, { actual: null, numerator, denominator }).pointsHundredths).toBe(
      points === null ? null : parseScaled(points, 2),
    );
  });

  it('says when nothing was due', () => {
    expect(scoreAutomatic(revisits, { actual: null, numerator: 0, denominator: 0 }).explanation).toContain(
      'nothing was due',
    );
  });
});

describe('points from a scale: satisfaction 1-5 and training 0-100', () => {
  it.each<{ case: string; def: CriterionDef; actual: string | null; points: string | null }>([
    { case: 'satisfaction averages 4.2 of 5 (10 points)', def: satisfaction, actual: '4.2', points: '8.40' },
    { case: 'perfect satisfaction 5', def: satisfaction, actual: '5', points: '10.00' },
    { case: 'lowest satisfaction 1', def: satisfaction, actual: '1', points: '2.00' },
    { case: 'satisfaction 4.333 rounds half up', def: satisfaction, actual: '4.333', points: '8.67' },
    { case: 'a satisfaction above 5 is capped', def: satisfaction, actual: '6', points: '10.00' },
    { case: 'no survey answered this month', def: satisfaction, actual: null, points: null },
    { case: 'training score 86 of 100 (5 points)', def: training, actual: '86', points: '4.30' },
    { case: 'training score 100', def: training, actual: '100', points: '5.00' },
    { case: 'training score 0', def: training, actual: '0', points: '0.00' },
    { case: 'training score 99.9', def: training, actual: '99.9', points: '5.00' },
  ])('$case → $points points', ({ def, actual, points }) => {
    const r = scoreAutomatic(def, { actual });
    expect(r.pointsHundredths).toBe(points === null ? null : parseScaled(points, 2));
    if (points === null) expect(r.missing).toBe('metric');
  });

  it('a manual criterion cannot be scored automatically', () => {
    expect(() => scoreAutomatic(discipline, { actual: '5' })).toThrow('not an automatic criterion');
  });
});

describe("a leader's manual rating", () => {
  it.each<{ value: string; result: string }>([
    { value: '5', result: 'accepted' },
    { value: '0', result: 'accepted' },
    { value: '4.5', result: 'accepted' },
    { value: '4.75', result: 'accepted' },
    { value: '5.01', result: 'discipline: a rating must be between 0 and 5' },
    { value: '6', result: 'discipline: a rating must be between 0 and 5' },
    { value: '-1', result: 'discipline: a rating must be between 0 and 5' },
    { value: '4.555', result: 'discipline: a rating must be a number with at most 2 decimals' },
    { value: 'good', result: 'discipline: a rating must be a number with at most 2 decimals' },
    { value: '', result: 'discipline: a rating must be a number with at most 2 decimals' },
  ])('a rating of "$value" out of 5 points: $result', ({ value, result }) => {
    expect(validateRating(discipline, value) ?? 'accepted').toBe(result);
  });
});

describe('scorecard totals', () => {
  it('the total is the sum of the points: 48 + 17.5 + 18.25 = 83.75', () => {
    expect(totalScore([4800n, 1750n, 1825n])).toBe(8375n);
    expect(totalScore([])).toBe(0n);
  });

  const defs = [sales, revisits, discipline, satisfaction];

  it('groups add up their points and maxima in template order', () => {
    const totals = groupTotals(defs, {
      sales_results: 4800n,
      revisits: 900n,
      discipline: 450n,
      satisfaction: 840n,
    });
    expect(totals.map((t) => [t.group, t.pointsHundredths, t.maxPointsHundredths, t.unscoredKeys])).toEqual([
      ['results', 5700n, 7000n, []],
      ['attitude', 450n, 500n, []],
      ['effect', 840n, 1000n, []],
    ]);
    expect(totals[0].label).toEqual({ zh: '业绩考评', en: 'Results' });
  });

  it('criteria not yet rated are listed and count nothing', () => {
    const points = new Map<string, bigint | null>([
      ['sales_results', 4800n],
      ['revisits', null],
    ]);
    expect(groupTotals(defs, points)[0]).toMatchObject({
      pointsHundredths: 4800n,
      unscoredKeys: ['revisits'],
    });
    expect(unscoredCriteria(defs, points)).toEqual(['revisits', 'discipline', 'satisfaction']);
  });
});
