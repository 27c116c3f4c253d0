/**
 * Sales commission by tiers (提成方案: 每月具体的绩效工资的提成方案由大客户部起草后报总经理批准).
 * Pure domain code: no NestJS, TypeORM or NATS.
 *
 * Money in fen, rates in hundredths of a percent (150n = 1.50%). Each line is rounded to the fen half up
 * (halves away from zero); the total is the sum of the rounded lines.
 */
import { divRoundHalfUp, formatScaled } from './decimal';

export interface CommissionTier {
  /** Sales from this amount (fen) upward fall into this tier. The first tier starts at 0. */
  fromMinor: bigint;
  ratePctHundredths: bigint;
}

export type CommissionMode = 'progressive' | 'whole';
export const COMMISSION_MODES: readonly CommissionMode[] = ['progressive', 'whole'];

export interface CommissionLine {
  fromMinor: bigint;
  /** Upper end of the bracket (exclusive), null for the top bracket. */
  toMinor: bigint | null;
  /** The sales this line's rate applies to. */
  baseMinor: bigint;
  ratePctHundredths: bigint;
  amountMinor: bigint;
  /** e.g. "50000.00 × 2.00% = 1000.00". */
  formula: string;
}

export interface CommissionResult {
  totalMinor: bigint;
  lines: CommissionLine[];
}

/** Rates above this are refused (100%). */
export const MAX_COMMISSION_RATE = 10000n;

/**
 * Problems of a tier table, empty when usable: at least one tier; the first starts at 0; each starts above
 * the one before; rates between 0 and 100%.
 */
export function validateTiers(tiers: CommissionTier[]): { field: string; message: string }[] {
  if (!Array.isArray(tiers) || tiers.length === 0)
    return [{ field: 'tiers', message: 'a commission plan needs at least one tier' }];
  const problems: { field: string; message: string }[] = [];
  if (tiers[0].fromMinor !== 0n)
    problems.push({ field: 'tiers[0].fromMinor', message: 'the first tier starts at 0' });
  tiers.forEach((t, i) => {
    if (i > 0 && t.fromMinor <= tiers[i - 1].fromMinor)
      problems.push({ field: `tiers[${i}].fromMinor`, message: 'each tier starts above the one before' });
    if (t.ratePctHundredths < 0n || t.ratePctHundredths > MAX_COMMISSION_RATE)
      problems.push({ field: `tiers[${i}].ratePctHundredths`, message: 'a rate is between 0% and 100%' });
  });
  return problems;
}

function line(from: bigint, to: bigint | null, base: bigint, rate: bigint): CommissionLine {
  const amount = divRoundHalfUp(base * rate, 10000n);
  return {
    fromMinor: from,
    toMinor: to,
    baseMinor: base,
    ratePctHundredths: rate,
    amountMinor: amount,
    formula: `${formatScaled(base, 2)} × ${formatScaled(rate, 2)}% = ${formatScaled(amount, 2)}`,
  };
}

/**
 * Commission on a month's sales.
 * - progressive: each bracket's part of the sales at that bracket's own rate (like income tax brackets);
 * - whole: all of the sales at the rate of the highest bracket reached (sales ≥ its fromMinor).
 * Sales of 0 or less (returns) earn no commission and no lines.
 */
export function computeCommission(
  salesMinor: bigint,
  tiers: CommissionTier[],
  mode: CommissionMode,
): CommissionResult {
  const problems = validateTiers(tiers);
  if (problems.length) throw new RangeError(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  if (salesMinor <= 0n) return { totalMinor: 0n, lines: [] };
  const upper = (i: number) => (i + 1 < tiers.length ? tiers[i + 1].fromMinor : null);
  let lines: CommissionLine[];
  if (mode === 'whole') {
    let reached = 0;
    tiers.forEach((t, i) => {
      if (salesMinor >= t.fromMinor) reached = i;
    });
    const t = tiers[reached];
    lines = [line(t.fromMinor, upper(reached), salesMinor, t.ratePctHundredths)];
  } else if (mode === 'progressive') {
    lines = [];
    tiers.forEach((t, i) => {
      const to = upper(i);
      const top = to === null || salesMinor < to ? salesMinor : to;
      if (top > t.fromMinor) lines.push(line(t.fromMinor, to, top - t.fromMinor, t.ratePctHundredths));
    });
  } else {
    throw new RangeError(`unknown commission mode ${String(mode)}`);
  }
  return { totalMinor: lines.reduce((a, l) => a + l.amountMinor, 0n), lines };
}
