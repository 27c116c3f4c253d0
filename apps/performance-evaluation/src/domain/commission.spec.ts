import { CommissionTier, computeCommission, validateTiers } from './commission';
import { parseScaled } from './decimal';

const yuan = (s: string) => parseScaled(s, 2);
const pct = (s: string) => parseScaled(s, 2);
// 1% up to 100,000; 2% from 100,000; 3% from 300,000
const plan: CommissionTier[] = [
  { fromMinor: 0n, ratePctHundredths: pct('1') },
  { fromMinor: yuan('100000'), ratePctHundredths: pct('2') },
  { fromMinor: yuan('300000'), ratePctHundredths: pct('3') },
];

describe('progressive commission: each bracket at its own rate', () => {
  it.each<{ sales: string; total: string; lines: string[] }>([
    { sales: '50000', total: '500', lines: ['50000.00 × 1.00% = 500.00'] },
    { sales: '100000', total: '1000', lines: ['100000.00 × 1.00% = 1000.00'] },
    {
      sales: '250000',
      total: '4000',
      lines: ['100000.00 × 1.00% = 1000.00', '150000.00 × 2.00% = 3000.00'],
    },
    {
      sales: '400000',
      total: '8000',
      lines: ['100000.00 × 1.00% = 1000.00', '200000.00 × 2.00% = 4000.00', '100000.00 × 3.00% = 3000.00'],
    },
    { sales: '0', total: '0', lines: [] },
    { sales: '-100', total: '0', lines: [] },
  ])('sales of $sales earn $total', ({ sales, total, lines }) => {
    const r = computeCommission(yuan(sales), plan, 'progressive');
    expect(r.totalMinor).toBe(yuan(total));
    expect(r.lines.map((l) => l.formula)).toEqual(lines);
  });

  it('brackets state where they start and end; the top one is open', () => {
    const r = computeCommission(yuan('400000'), plan, 'progressive');
    expect(r.lines.map((l) => [l.fromMinor, l.toMinor])).toEqual([
      [0n, yuan('100000')],
      [yuan('100000'), yuan('300000')],
      [yuan('300000'), null],
    ]);
  });
});

describe('whole-amount commission: all sales at the rate of the highest bracket reached', () => {
  it.each<{ sales: string; total: string; rate: string }>([
    { sales: '50000', total: '500', rate: '1' },
    { sales: '99999.99', total: '1000', rate: '1' },
    { sales: '100000', total: '2000', rate: '2' },
    { sales: '250000', total: '5000', rate: '2' },
    { sales: '300000', total: '9000', rate: '3' },
    { sales: '400000', total: '12000', rate: '3' },
  ])('sales of $sales earn $total at $rate%', ({ sales, total, rate }) => {
    const r = computeCommission(yuan(sales), plan, 'whole');
    expect(r.totalMinor).toBe(yuan(total));
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({ baseMinor: yuan(sales), ratePctHundredths: pct(rate) });
  });
});

describe('commission rounding to the fen, half up per line', () => {
  it.each<{ case: string; sales: bigint; rate: string; amount: bigint }>([
    { case: '0.50 at 1% is half a fen: rounds up to 0.01', sales: 50n, rate: '1', amount: 1n },
    { case: '0.49 at 1% is under half a fen: 0.00', sales: 49n, rate: '1', amount: 0n },
    { case: '333.33 at 1.5% = 4.99995 → 5.00', sales: 33333n, rate: '1.5', amount: 500n },
  ])('$case', ({ sales, rate, amount }) => {
    const r = computeCommission(sales, [{ fromMinor: 0n, ratePctHundredths: pct(rate) }], 'progressive');
    expect(r.totalMinor).toBe(amount);
  });

  it('the total is the sum of the rounded lines', () => {
    const odd: CommissionTier[] = [
      { fromMinor: 0n, ratePctHundredths: pct('1.5') },
      { fromMinor: 101n, ratePctHundredths: pct('2.5') },
    ];
    // 1.01 × 1.5% = 0.01515 → 0.02; 0.30 × 2.5% = 0.0075 → 0.01
    const r = computeCommission(131n, odd, 'progressive');
    expect(r.lines.map((l) => l.amountMinor)).toEqual([2n, 1n]);
    expect(r.totalMinor).toBe(3n);
  });
});

describe('checking a commission plan', () => {
  it('the sample plan is valid', () => {
    expect(validateTiers(plan)).toEqual([]);
  });

  it.each<{ case: string; tiers: CommissionTier[]; field: string }>([
    { case: 'no tiers', tiers: [], field: 'tiers' },
    {
      case: 'first tier not starting at 0',
      tiers: [{ fromMinor: 1n, ratePctHundredths: 100n }],
      field: 'tiers[0].fromMinor',
    },
    {
      case: 'tiers out of order',
      tiers: [
        { fromMinor: 0n, ratePctHundredths: 100n },
        { fromMinor: 500n, ratePctHundredths: 200n },
        { fromMinor: 500n, ratePctHundredths: 300n },
      ],
      field: 'tiers[2].fromMinor',
    },
    {
      case: 'a negative rate',
      tiers: [{ fromMinor: 0n, ratePctHundredths: -1n }],
      field: 'tiers[0].ratePctHundredths',
    },
    {
      case: 'a rate above 100%',
      tiers: [{ fromMinor: 0n, ratePctHundredths: 10001n }],
      field: 'tiers[0].ratePctHundredths',
    },
  ])('$case is refused', ({ tiers, field }) => {
    expect(validateTiers(tiers).map((p) => p.field)).toContain(field);
    expect(() => computeCommission(100n, tiers, 'progressive')).toThrow(RangeError);
  });
});
