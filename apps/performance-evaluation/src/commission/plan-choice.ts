/**
 * Which approved commission plan (提成方案) a member's month is computed with. Pure: no NestJS, TypeORM or NATS.
 */

export interface PlanCandidate {
  id: string;
  /** The position it is for, or null for every position. */
  position: string | null;
  /** YYYY-MM, the first month it is used in. */
  effectiveFrom: string;
  status: 'draft' | 'approved' | 'retired';
  /** ISO time of approval; the later approval wins between plans of the same month and position. */
  approvedAt: string | null;
}

/**
 * The plan in effect for `position` in `month`: approved, effective on or before the month; the latest
 * effective month wins, then a plan for the position over one for everyone, then the latest approval.
 * Null when none applies.
 */
export function planFor<T extends PlanCandidate>(
  plans: T[],
  position: string | null,
  month: string,
): T | null {
  const usable = plans.filter(
    (p) =>
      p.status === 'approved' && p.effectiveFrom <= month && (p.position === null || p.position === position),
  );
  usable.sort((a, b) => {
    if (a.effectiveFrom !== b.effectiveFrom) return a.effectiveFrom > b.effectiveFrom ? -1 : 1;
    const specific = Number(b.position !== null) - Number(a.position !== null);
    if (specific !== 0) return specific;
    return (b.approvedAt ?? '') > (a.approvedAt ?? '')
      ? 1
      : (b.approvedAt ?? '') < (a.approvedAt ?? '')
        ? -1
        : 0;
  });
  return usable[0] ?? null;
}
