/**
 * Sales targets by period: a yearly target decomposed into quarters and months, and the challenge target
 * (挑战目标) above the ordinary target (DESIGN §5). Pure domain code: no NestJS, TypeORM or NATS.
 */

export type PeriodKind = 'year' | 'quarter' | 'month';

/** A target period. index: 1 for a year, 1..4 for a quarter, 1..12 for a month. */
export type Period = { kind: PeriodKind; year: number; index: number };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Problems of a period, or null when it is valid. */
export function periodProblem(p: Period): string | null {
  if (!Number.isInteger(p.year) || p.year < 1970 || p.year > 9999) return 'the year must be 1970-9999';
  const max = p.kind === 'year' ? 1 : p.kind === 'quarter' ? 4 : p.kind === 'month' ? 12 : 0;
  if (max === 0) return 'the period kind must be year, quarter or month';
  if (!Number.isInteger(p.index) || p.index < 1 || p.index > max)
    return p.kind === 'year' ? 'a year has index 1' : `a ${p.kind} index must be 1-${max}`;
  return null;
}

function assertPeriod(p: Period): void {
  const problem = periodProblem(p);
  if (problem) throw new RangeError(problem);
}

/** A year's four quarters, a quarter's three months; a month has no children. */
export function childPeriods(p: Period): Period[] {
  assertPeriod(p);
  if (p.kind === 'year') return [1, 2, 3, 4].map((index) => ({ kind: 'quarter', year: p.year, index }));
  if (p.kind === 'quarter')
    return [1, 2, 3].map((i) => ({ kind: 'month', year: p.year, index: (p.index - 1) * 3 + i }));
  return [];
}

/** The period a period is part of: month → quarter → year → null. */
export function parentPeriod(p: Period): Period | null {
  assertPeriod(p);
  if (p.kind === 'month') return { kind: 'quarter', year: p.year, index: Math.ceil(p.index / 3) };
  if (p.kind === 'quarter') return { kind: 'year', year: p.year, index: 1 };
  return null;
}

/** "2026-11" → { kind: 'month', year: 2026, index: 11 }. */
export function periodOfMonth(month: string): Period {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`"${month}" is not a month (YYYY-MM)`);
  const p: Period = { kind: 'month', year: Number(m[1]), index: Number(m[2]) };
  assertPeriod(p);
  return p;
}

/** "2026", "2026-Q4", "2026-11". */
export function periodKey(p: Period): string {
  assertPeriod(p);
  if (p.kind === 'year') return String(p.year);
  if (p.kind === 'quarter') return `${p.year}-Q${p.index}`;
  return `${p.year}-${String(p.index).padStart(2, '0')}`;
}

/** The inverse of periodKey. */
export function parsePeriodKey(key: string): Period {
  if (/^\d{4}$/.test(key)) {
    const p: Period = { kind: 'year', year: Number(key), index: 1 };
    assertPeriod(p);
    return p;
  }
  const q = /^(\d{4})-Q([1-4])$/.exec(key);
  if (q) {
    const p: Period = { kind: 'quarter', year: Number(q[1]), index: Number(q[2]) };
    assertPeriod(p);
    return p;
  }
  if (MONTH.test(key)) return periodOfMonth(key);
  throw new RangeError(`"${key}" is not a period (2026, 2026-Q4 or 2026-11)`);
}

export interface DecompositionWarning {
  /** children_short: the parts add up to less than the whole; children_over: to more. */
  kind: 'children_short' | 'children_over';
  /** How far apart they are, always positive (fen). */
  differenceMinor: bigint;
}

/**
 * Whether the targets of a period's parts (quarters of a year, months of a quarter) add up to the period's own
 * target. Not adding up is a WARNING shown to the director, not an error: a year may be planned top-down before
 * every month is set, or a director may deliberately set monthly targets above the year's. Null when they add up
 * exactly or no part has a target yet.
 */
export function decompositionWarnings(
  parent: { amount: bigint },
  children: { id: string; amount: bigint }[],
): DecompositionWarning | null {
  if (children.length === 0) return null;
  const sum = children.reduce((a, c) => a + c.amount, 0n);
  if (sum === parent.amount) return null;
  return sum < parent.amount
    ? { kind: 'children_short', differenceMinor: parent.amount - sum }
    : { kind: 'children_over', differenceMinor: sum - parent.amount };
}

/** A target amount must be zero or more. Null when valid. */
export function validateTargetAmount(amountMinor: bigint): string | null {
  return amountMinor < 0n ? 'a target cannot be negative' : null;
}

/**
 * The challenge target (挑战目标), when set, must be at least the ordinary target: reaching it is what
 * "exceeded" (超额完成, +5%) means. Null when valid.
 */
export function validateChallenge(targetMinor: bigint, challengeMinor: bigint | null): string | null {
  if (challengeMinor === null) return null;
  if (challengeMinor < targetMinor) return 'the challenge target must be at least the target';
  return null;
}
