/**
 * Key-account qualification and evaluation (DESIGN §5). Pure domain code.
 */
import { TierLadder } from './tier-ladder';

export const EVALUATION_DIMENSIONS = [
  'scale',
  'brandInfluence',
  'marketShare',
  'paymentCapacity',
  'potential',
] as const;
export type EvaluationDimension = (typeof EVALUATION_DIMENSIONS)[number];
export type EvaluationScores = Record<EvaluationDimension, number>;
export type EvaluationWeights = Record<EvaluationDimension, number>;

export const DEFAULT_WEIGHTS: EvaluationWeights = {
  scale: 30,
  brandInfluence: 20,
  marketShare: 20,
  paymentCapacity: 15,
  potential: 15,
};

export function weightProblems(w: EvaluationWeights): string[] {
  const problems: string[] = [];
  for (const d of EVALUATION_DIMENSIONS) {
    if (!Number.isInteger(w[d]) || w[d] < 0 || w[d] > 100)
      problems.push(`weight ${d} must be a whole number 0-100`);
  }
  const sum = EVALUATION_DIMENSIONS.reduce((a, d) => a + (w[d] ?? 0), 0);
  if (sum !== 100) problems.push(`weights must add up to 100 (they add up to ${sum})`);
  return problems;
}

/** Weighted score 0-100, rounded half up to two decimals (integer arithmetic, no float drift). */
export function evaluationScore(scores: EvaluationScores, weights: EvaluationWeights): number {
  // Scores are whole numbers 0-100 and weights whole numbers summing to 100: sum(score × weight) / 100.
  const total = EVALUATION_DIMENSIONS.reduce((a, d) => a + scores[d] * weights[d], 0);
  return Math.round(total) / 100;
}

/** The highest tier whose minimum score the evaluation reaches. */
export function recommendedTier(score: number, ladder: TierLadder): string {
  for (const t of ladder) if (score >= t.minScore) return t.key;
  return ladder[ladder.length - 1].key;
}

export interface QualificationThresholds {
  /** Annual purchase above this (minor units of the currency) qualifies. Default 1,000,000 CNY. */
  annualPurchaseMinor: number;
  currency: string;
  /** Profit contribution above this percentage qualifies. Default 10 %. */
  profitContributionPct: number;
  /** A recorded strategic potential qualifies on its own. */
  strategicPotentialQualifies: boolean;
}

export const DEFAULT_QUALIFICATION: QualificationThresholds = {
  annualPurchaseMinor: 1_000_000_00,
  currency: 'CNY',
  profitContributionPct: 10,
  strategicPotentialQualifies: true,
};

export type QualificationReason = 'annual_purchase' | 'profit_contribution' | 'strategic_potential';

/** Is this customer a key account by the policy? "Above" is strict: exactly the threshold does not qualify. */
export function qualification(
  account: {
    annualPurchase: { amountMinor: number; currency: string } | null;
    profitContributionPct: number | null;
    strategicPotential: boolean;
  },
  t: QualificationThresholds,
): { qualified: boolean; reasons: QualificationReason[] } {
  const reasons: QualificationReason[] = [];
  if (
    account.annualPurchase &&
    account.annualPurchase.currency === t.currency &&
    account.annualPurchase.amountMinor > t.annualPurchaseMinor
  )
    reasons.push('annual_purchase');
  if (account.profitContributionPct !== null && account.profitContributionPct > t.profitContributionPct)
    reasons.push('profit_contribution');
  if (t.strategicPotentialQualifies && account.strategicPotential) reasons.push('strategic_potential');
  return { qualified: reasons.length > 0, reasons };
}
