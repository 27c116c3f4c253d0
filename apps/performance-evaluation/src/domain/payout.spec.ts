import { parseScaled } from './decimal';
import {
  Band,
  bandFor,
  computePayout,
  DepartmentOutcome,
  departmentOutcome,
  modifierPct,
  PayoutBreakdown,
} from './payout';

const score = (s: string) => parseScaled(s, 2);
const yuan = (s: string) => parseScaled(s, 2);

describe('pay band by monthly score (奖惩办法)', () => {
  it.each<{ score: string; band: Band; rate: string }>([
    { score: '100', band: 'outstanding', rate: '105.00' },
    { score: '95', band: 'outstanding', rate: '105.00' },
    { score: '94.99', band: 'full', rate: '100.00' },
    { score: '90', band: 'full', rate: '100.00' },
    { score: '89.99', band: 'proportional', rate: '89.99' },
    { score: '88', band: 'proportional', rate: '88.00' },
    { score: '80', band: 'proportional', rate: '80.00' },
    { score: '60', band: 'proportional', rate: '60.00' },
    { score: '59.99', band: 'none', rate: '0.00' },
    { score: '0', band: 'none', rate: '0.00' },
  ])('a score of $score pays $rate% of the performance-pay base ($band)', ({ score: s, band, rate }) => {
    expect(bandFor(score(s))).toEqual({ band, ratePctHundredths: parseScaled(rate, 2) });
  });

  it.each(['-0.01', '100.01', '120'])('a score of %s is impossible and refused', (s) => {
    expect(() => bandFor(score(s))).toThrow(RangeError);
  });
});

describe('how the department did against its target and challenge target', () => {
  it.each<{
    case: string;
    actual: bigint;
    target: bigint | null;
    challenge: bigint | null;
    outcome: DepartmentOutcome;
  }>([
    {
      case: 'sales above the challenge target',
      actual: 130n,
      target: 100n,
      challenge: 120n,
      outcome: 'exceeded',
    },
    {
      case: 'sales exactly at the challenge target',
      actual: 120n,
      target: 100n,
      challenge: 120n,
      outcome: 'exceeded',
    },
    {
      case: 'sales between target and challenge',
      actual: 110n,
      target: 100n,
      challenge: 120n,
      outcome: 'met',
    },
    { case: 'sales exactly at the target', actual: 100n, target: 100n, challenge: 120n, outcome: 'met' },
    {
      case: 'sales above the target with no challenge set',
      actual: 500n,
      target: 100n,
      challenge: null,
      outcome: 'met',
    },
    {
      case: 'sales one fen short of the target',
      actual: 99n,
      target: 100n,
      challenge: 120n,
      outcome: 'missed',
    },
    { case: 'no sales at all', actual: 0n, target: 100n, challenge: null, outcome: 'missed' },
    {
      case: 'no target set for the month',
      actual: 500n,
      target: null,
      challenge: null,
      outcome: 'no_target',
    },
    { case: 'a challenge but no target', actual: 500n, target: null, challenge: 120n, outcome: 'no_target' },
  ])('$case → $outcome', ({ actual, target, challenge, outcome }) => {
    expect(departmentOutcome(actual, target, challenge)).toBe(outcome);
  });

  it.each<[DepartmentOutcome, number]>([
    ['exceeded', 5],
    ['met', 0],
    ['missed', -5],
    ['no_target', 0],
  ])('department %s changes the pay by %i%%', (outcome, pct) => {
    expect(modifierPct(outcome)).toBe(pct);
  });
});

describe("the policy's worked examples (golden)", () => {
  it('sales: score 88, pay base 3000, challenge reached → 2640 + 132 = 2772', () => {
    const p = computePayout({ baseMinor: yuan('3000'), scoreHundredths: score('88'), outcome: 'exceeded' });
    expect(p).toMatchObject<Partial<PayoutBreakdown>>({
      band: 'proportional',
      ratePctHundredths: 8800n,
      bandedMinor: yuan('2640'),
      modifierPct: 5,
      modifierMinor: yuan('132'),
      totalMinor: yuan('2772'),
    });
    expect(p.lines.map((l) => [l.key, l.formula, l.amountMinor])).toEqual([
      ['banded', '3000.00 × 88.00% = 2640.00', yuan('2640')],
      ['modifier', '2640.00 × 5% = 132.00', yuan('132')],
      ['total', '2640.00 + 132.00 = 2772.00', yuan('2772')],
    ]);
  });

  it('clerk: score 88, pay base 1000, challenge reached → 880 + 44 = 924', () => {
    const p = computePayout({ baseMinor: yuan('1000'), scoreHundredths: score('88'), outcome: 'exceeded' });
    expect([p.bandedMinor, p.modifierMinor, p.totalMinor]).toEqual([yuan('880'), yuan('44'), yuan('924')]);
  });

  it('clerk: score 80, pay base 500, target met → 400 with no bonus', () => {
    const p = computePayout({ baseMinor: yuan('500'), scoreHundredths: score('80'), outcome: 'met' });
    expect([p.bandedMinor, p.modifierMinor, p.totalMinor]).toEqual([yuan('400'), 0n, yuan('400')]);
    expect(p.lines[1].formula).toBe('400.00 × 0% = 0.00');
  });
});

describe('payout at the band edges (base 1000.00)', () => {
  it.each<{ score: string; outcome: DepartmentOutcome; banded: string; modifier: string; total: string }>([
    { score: '100', outcome: 'met', banded: '1050', modifier: '0', total: '1050' },
    { score: '100', outcome: 'exceeded', banded: '1050', modifier: '52.5', total: '1102.5' },
    { score: '95', outcome: 'met', banded: '1050', modifier: '0', total: '1050' },
    { score: '94.99', outcome: 'met', banded: '1000', modifier: '0', total: '1000' },
    { score: '90', outcome: 'met', banded: '1000', modifier: '0', total: '1000' },
    { score: '89.99', outcome: 'met', banded: '899.9', modifier: '0', total: '899.9' },
    { score: '60', outcome: 'met', banded: '600', modifier: '0', total: '600' },
    { score: '59.99', outcome: 'exceeded', banded: '0', modifier: '0', total: '0' },
    { score: '0', outcome: 'missed', banded: '0', modifier: '0', total: '0' },
    { score: '88', outcome: 'missed', banded: '880', modifier: '-44', total: '836' },
    { score: '90', outcome: 'missed', banded: '1000', modifier: '-50', total: '950' },
    { score: '88', outcome: 'no_target', banded: '880', modifier: '0', total: '880' },
  ])(
    'score $score, department $outcome → $banded + ($modifier) = $total',
    ({ score: s, outcome, banded, modifier, total }) => {
      const p = computePayout({ baseMinor: yuan('1000'), scoreHundredths: score(s), outcome });
      expect([p.bandedMinor, p.modifierMinor, p.totalMinor]).toEqual([
        yuan(banded),
        yuan(modifier),
        yuan(total),
      ]);
    },
  );

  it('a deduction is written as a subtraction', () => {
    const p = computePayout({ baseMinor: yuan('1000'), scoreHundredths: score('88'), outcome: 'missed' });
    expect(p.lines.map((l) => l.formula)).toEqual([
      '1000.00 × 88.00% = 880.00',
      '880.00 × -5% = -44.00',
      '880.00 - 44.00 = 836.00',
    ]);
  });
});

describe('rounding to the fen: each line half up, the total is the sum of the lines', () => {
  it.each<{
    case: string;
    base: string;
    score: string;
    outcome: DepartmentOutcome;
    banded: bigint;
    modifier: bigint;
  }>([
    // 33.33 × 88% = 29.3304 → 29.33; 29.33 × 5% = 1.4665 → 1.47
    {
      case: 'odd base with a bonus',
      base: '33.33',
      score: '88',
      outcome: 'exceeded',
      banded: 2933n,
      modifier: 147n,
    },
    // 0.10 × 105% = 0.105 → 0.11 (half up)
    { case: 'half a fen rounds up', base: '0.10', score: '95', outcome: 'met', banded: 11n, modifier: 0n },
    // 0.10 × 64.99% = 0.06499 → 0.06
    {
      case: 'less than half a fen rounds down',
      base: '0.10',
      score: '64.99',
      outcome: 'met',
      banded: 6n,
      modifier: 0n,
    },
    // 10.00 × 100% = 10.00; 10.00 × -5% = -0.50
    {
      case: 'a deduction in whole fen',
      base: '10',
      score: '90',
      outcome: 'missed',
      banded: 1000n,
      modifier: -50n,
    },
    // 0.10 × 100% = 0.10; × -5% = -0.005 → -0.01 (half away from zero)
    {
      case: 'half a fen of deduction is deducted',
      base: '0.10',
      score: '90',
      outcome: 'missed',
      banded: 10n,
      modifier: -1n,
    },
    // 0.09 × 100% = 0.09; × 5% = 0.0045 → 0.00
    {
      case: 'a bonus under half a fen is nothing',
      base: '0.09',
      score: '90',
      outcome: 'exceeded',
      banded: 9n,
      modifier: 0n,
    },
    // 1234.57 × 77.77% = 960.125089 → 960.13; × 5% = 48.0065 → 48.01
    {
      case: 'a score with hundredths',
      base: '1234.57',
      score: '77.77',
      outcome: 'exceeded',
      banded: 96013n,
      modifier: 4801n,
    },
  ])('$case', ({ base, score: s, outcome, banded, modifier }) => {
    const p = computePayout({ baseMinor: yuan(base), scoreHundredths: score(s), outcome });
    expect(p.bandedMinor).toBe(banded);
    expect(p.modifierMinor).toBe(modifier);
    expect(p.totalMinor).toBe(banded + modifier);
    expect(p.lines.map((l) => l.amountMinor)).toEqual([banded, modifier, banded + modifier]);
  });

  it('a zero base pays nothing in every band', () => {
    expect(computePayout({ baseMinor: 0n, scoreHundredths: 10000n, outcome: 'exceeded' }).totalMinor).toBe(
      0n,
    );
  });

  it('a negative pay base is refused', () => {
    expect(() => computePayout({ baseMinor: -1n, scoreHundredths: 8800n, outcome: 'met' })).toThrow(
      RangeError,
    );
  });

  it('every line carries a label in Chinese and English', () => {
    const p = computePayout({ baseMinor: yuan('3000'), scoreHundredths: score('88'), outcome: 'exceeded' });
    expect(p.lines.map((l) => l.label.zh)).toEqual([
      '绩效奖发放(按得分比例发放)',
      '额外奖金(部门超额完成)',
      '本月应发全部奖金',
    ]);
  });
});
