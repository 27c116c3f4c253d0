/**
 * Monthly performance pay (绩效考核办法 奖惩办法, DESIGN §5). Pure domain code: no NestJS, TypeORM or NATS.
 *
 * Units: scores are hundredths of a point (8800n = 88.00), percentages are hundredths of a percent
 * (10500n = 105.00%), money is fen (300000n = 3000.00 CNY).
 *
 * 1. Band by score: ≥ 95 → 105% of the performance-pay base (表现突出); 90-94.99 → 100%; 60-89.99 → the score
 *    as a percentage (88 points → 88%); below 60 → nothing (不合格, 不予发放).
 * 2. Department modifier on the banded amount: challenge target reached (超额完成) → +5% bonus; target met
 *    → 0; target missed → −5% deduction; no target set for the month → 0.
 *
 * Rounding: CNY to 0.01 (1 fen), half up (halves away from zero, so a deduction of 0.5 fen becomes 1 fen),
 * each line rounded on its own; the total is the sum of the rounded lines, so the lines always add up.
 */
import { divRoundHalfUp, formatScaled } from './decimal';

export type Band = 'outstanding' | 'full' | 'proportional' | 'none';
export const BANDS: readonly Band[] = ['outstanding', 'full', 'proportional', 'none'];

export const MAX_SCORE_HUNDREDTHS = 10000n;
/** Score from which the outstanding band (105%) applies. */
export const OUTSTANDING_FROM = 9500n;
/** Score from which the full band (100%) applies. */
export const FULL_FROM = 9000n;
/** Lowest passing score; below it no performance pay. */
export const PASS_FROM = 6000n;

export const BAND_LABELS: Record<Band, { zh: string; en: string }> = {
  outstanding: { zh: '表现突出(105%)', en: 'Outstanding (105%)' },
  full: { zh: '全额发放(100%)', en: 'Full pay (100%)' },
  proportional: { zh: '按得分比例发放', en: 'Paid at the score as a percentage' },
  none: { zh: '不合格,不予发放', en: 'Below 60: no performance pay' },
};

export function bandFor(scoreHundredths: bigint): { band: Band; ratePctHundredths: bigint } {
  if (scoreHundredths < 0n || scoreHundredths > MAX_SCORE_HUNDREDTHS)
    throw new RangeError(`a score must be between 0 and 100, got ${formatScaled(scoreHundredths, 2)}`);
  if (scoreHundredths >= OUTSTANDING_FROM) return { band: 'outstanding', ratePctHundredths: 10500n };
  if (scoreHundredths >= FULL_FROM) return { band: 'full', ratePctHundredths: 10000n };
  if (scoreHundredths >= PASS_FROM) return { band: 'proportional', ratePctHundredths: scoreHundredths };
  return { band: 'none', ratePctHundredths: 0n };
}

export type DepartmentOutcome = 'exceeded' | 'met' | 'missed' | 'no_target';
export const DEPARTMENT_OUTCOMES: readonly DepartmentOutcome[] = ['exceeded', 'met', 'missed', 'no_target'];

export const OUTCOME_LABELS: Record<DepartmentOutcome, { zh: string; en: string }> = {
  exceeded: { zh: '超额完成(完成挑战目标)', en: 'Challenge target reached' },
  met: { zh: '完成部门业绩目标', en: 'Department target met' },
  missed: { zh: '未完成部门业绩目标', en: 'Department target missed' },
  no_target: { zh: '未设部门目标', en: 'No department target set' },
};

/**
 * How the department did this month against its sales target and challenge target (挑战目标).
 * Without a target there is nothing to judge (no_target), whatever the challenge says; reaching the challenge
 * counts as exceeded; reaching the target as met; anything less as missed. Reaching means actual ≥ goal.
 */
export function departmentOutcome(
  actualMinor: bigint,
  targetMinor: bigint | null,
  challengeMinor: bigint | null,
): DepartmentOutcome {
  if (targetMinor === null) return 'no_target';
  if (challengeMinor !== null && actualMinor >= challengeMinor) return 'exceeded';
  if (actualMinor >= targetMinor) return 'met';
  return 'missed';
}

/** Bonus (+5), nothing (0) or deduction (−5) in percent of the banded amount. */
export function modifierPct(outcome: DepartmentOutcome): 5 | 0 | -5 {
  switch (outcome) {
    case 'exceeded':
      return 5;
    case 'missed':
      return -5;
    default:
      return 0;
  }
}

export type PayoutLineKey = 'banded' | 'modifier' | 'total';

export interface PayoutLine {
  key: PayoutLineKey;
  /** Language-neutral arithmetic, e.g. "3000.00 × 88.00% = 2640.00". */
  formula: string;
  amountMinor: bigint;
  label: { zh: string; en: string };
}

export interface PayoutBreakdown {
  band: Band;
  ratePctHundredths: bigint;
  bandedMinor: bigint;
  modifierPct: 5 | 0 | -5;
  modifierMinor: bigint;
  totalMinor: bigint;
  lines: PayoutLine[];
}

export interface PayoutInput {
  /** Monthly performance-pay base (绩效工资基数), fen, ≥ 0. */
  baseMinor: bigint;
  /** Total scorecard score, hundredths of a point, 0..10000. */
  scoreHundredths: bigint;
  outcome: DepartmentOutcome;
}

const money = (v: bigint) => formatScaled(v, 2);

export function computePayout({ baseMinor, scoreHundredths, outcome }: PayoutInput): PayoutBreakdown {
  if (baseMinor < 0n) throw new RangeError('the performance-pay base cannot be negative');
  const { band, ratePctHundredths } = bandFor(scoreHundredths);
  // base (fen) × rate (hundredths of a percent) ÷ 100 ÷ 100
  const bandedMinor = divRoundHalfUp(baseMinor * ratePctHundredths, 10000n);
  const pct = modifierPct(outcome);
  const modifierMinor = divRoundHalfUp(bandedMinor * BigInt(pct), 100n);
  const totalMinor = bandedMinor + modifierMinor;
  const totalFormula =
    modifierMinor < 0n
      ? `${money(bandedMinor)} - ${money(-modifierMinor)} = ${money(totalMinor)}`
      : `${money(bandedMinor)} + ${money(modifierMinor)} = ${money(totalMinor)}`;
  return {
    band,
    ratePctHundredths,
    bandedMinor,
    modifierPct: pct,
    modifierMinor,
    totalMinor,
    lines: [
      {
        key: 'banded',
        formula: `${money(baseMinor)} × ${formatScaled(ratePctHundredths, 2)}% = ${money(bandedMinor)}`,
        amountMinor: bandedMinor,
        label: { zh: `绩效奖发放(${BAND_LABELS[band].zh})`, en: `Performance pay (${BAND_LABELS[band].en})` },
      },
      {
        key: 'modifier',
        formula: `${money(bandedMinor)} × ${pct}% = ${money(modifierMinor)}`,
        amountMinor: modifierMinor,
        label: {
          zh: pct > 0 ? '额外奖金(部门超额完成)' : pct < 0 ? '扣除(部门目标未完成)' : '部门业绩调整',
          en: `Department modifier (${OUTCOME_LABELS[outcome].en})`,
        },
      },
      {
        key: 'total',
        formula: totalFormula,
        amountMinor: totalMinor,
        label: { zh: '本月应发全部奖金', en: 'Total performance pay this month' },
      },
    ],
  };
}
