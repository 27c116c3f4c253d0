import {
  DEFAULT_QUALIFICATION,
  DEFAULT_WEIGHTS,
  evaluationScore,
  qualification,
  recommendedTier,
  weightProblems,
} from './evaluation';
import { DEFAULT_LADDER, TIER_PRESETS } from './tier-ladder';

describe('key-account evaluation', () => {
  it.each([
    [{ scale: 100, brandInfluence: 100, marketShare: 100, paymentCapacity: 100, potential: 100 }, 100],
    [{ scale: 0, brandInfluence: 0, marketShare: 0, paymentCapacity: 0, potential: 0 }, 0],
    [{ scale: 90, brandInfluence: 80, marketShare: 85, paymentCapacity: 70, potential: 95 }, 84.75],
    [{ scale: 61, brandInfluence: 59, marketShare: 60, paymentCapacity: 60, potential: 60 }, 60.1],
  ])(
    'scores %j weigh to %d with the default weights (scale 30, brand 20, share 20, payment 15, potential 15)',
    (scores, expected) => {
      expect(evaluationScore(scores, DEFAULT_WEIGHTS)).toBe(expected);
    },
  );

  it.each([
    [95, 'gold'],
    [90, 'gold'],
    [89.99, 'diamond'],
    [80, 'diamond'],
    [70, 'platinum'],
    [60, 'white_gold'],
    [59.99, 'silver'],
    [0, 'silver'],
  ])('a score of %d recommends %s on the policy ladder', (score, tier) => {
    expect(recommendedTier(score, DEFAULT_LADDER)).toBe(tier);
  });

  it.each([
    [85, 'A'],
    [79, 'B'],
    [10, 'C'],
  ])('a score of %d recommends %s on the A/B/C ladder', (score, tier) => {
    expect(recommendedTier(score, TIER_PRESETS.abc)).toBe(tier);
  });

  it('weights must add up to 100', () => {
    expect(weightProblems(DEFAULT_WEIGHTS)).toEqual([]);
    expect(weightProblems({ ...DEFAULT_WEIGHTS, scale: 31 })).toEqual([
      'weights must add up to 100 (they add up to 101)',
    ]);
    expect(weightProblems({ ...DEFAULT_WEIGHTS, scale: -1, potential: 46 })).toContain(
      'weight scale must be a whole number 0-100',
    );
  });
});

describe('who is a key account (qualification)', () => {
  const base = { annualPurchase: null, profitContributionPct: null, strategicPotential: false };
  it.each([
    [
      'buys more than 1,000,000 CNY a year',
      { annualPurchase: { amountMinor: 100_000_001, currency: 'CNY' } },
      true,
      ['annual_purchase'],
    ],
    [
      'buys exactly 1,000,000 CNY a year',
      { annualPurchase: { amountMinor: 100_000_000, currency: 'CNY' } },
      false,
      [],
    ],
    [
      'buys 2,000,000 USD (another currency is not compared)',
      { annualPurchase: { amountMinor: 200_000_000, currency: 'USD' } },
      false,
      [],
    ],
    ['contributes more than 10% of profit', { profitContributionPct: 10.01 }, true, ['profit_contribution']],
    ['contributes exactly 10% of profit', { profitContributionPct: 10 }, false, []],
    ['has a recorded strategic potential', { strategicPotential: true }, true, ['strategic_potential']],
    [
      'meets all three',
      {
        annualPurchase: { amountMinor: 500_000_000, currency: 'CNY' },
        profitContributionPct: 25,
        strategicPotential: true,
      },
      true,
      ['annual_purchase', 'profit_contribution', 'strategic_potential'],
    ],
  ])('a customer who %s qualifies: %s', (_name, extra, qualified, reasons) => {
    expect(qualification({ ...base, ...extra }, DEFAULT_QUALIFICATION)).toEqual({ qualified, reasons });
  });
});
