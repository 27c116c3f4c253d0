/**
 * Discount authority (issue 4, point 6): a contract's discount above the signer's authority waits for the
 * director. Pure domain code.
 */

/** The settings table: the largest discount (percent) per role; null = unlimited. */
export type DiscountAuthorityTable = Record<string, number | null>;

/**
 * The signer's authority: the highest among their roles; null (unlimited) when any role is unlimited;
 * 0 when none of their roles is in the table.
 */
export function discountAuthority(roles: readonly string[], table: DiscountAuthorityTable): number | null {
  let best = 0;
  for (const role of roles) {
    if (!(role in table)) continue;
    const pct = table[role];
    if (pct === null) return null;
    if (typeof pct === 'number' && pct > best) best = pct;
  }
  return best;
}

/** Where a submitted contract goes: active at once when within authority, else pending the director. */
export function submissionOutcome(
  discountPct: number,
  roles: readonly string[],
  table: DiscountAuthorityTable,
): 'active' | 'pending_approval' {
  const authority = discountAuthority(roles, table);
  return authority === null || discountPct <= authority ? 'active' : 'pending_approval';
}

/** Renewal reminders: days before the end on which a reminder is due. */
export const RENEWAL_REMINDER_DAYS = [60, 30, 7] as const;

/**
 * The end dates (YYYY-MM-DD) whose contracts get a renewal reminder on `today` (the workspace's local date):
 * contracts ending 60, 30 and 7 days later. A job selects active contracts with `ends_on = ANY(dates)`.
 */
export function renewalReminderEndDates(
  today: string,
  days: readonly number[] = RENEWAL_REMINDER_DAYS,
): { daysBefore: number; endsOn: string }[] {
  const base = Date.parse(`${today}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(base)) throw new Error(`not a date: ${today}`);
  return days.map((d) => ({
    daysBefore: d,
    endsOn: new Date(base + d * 86_400_000).toISOString().slice(0, 10),
  }));
}

/**
 * The contract states that mean "in force": only these expire. A draft, one pending the director's approval, a
 * rejected or terminated one never was (or no longer is) in force, so it has nothing to expire.
 */
export const CONTRACT_IN_FORCE_STATUSES = ['active'] as const;

/**
 * Whether a contract in force has expired on `today` (the workspace's local date): its end date is the last day it
 * is in force, so it expires on the day after. Dates are YYYY-MM-DD and compare as strings.
 */
export function contractExpired(endsOn: string, today: string): boolean {
  for (const d of [endsOn, today])
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
      throw new Error(`not a date: ${d}`);
  return endsOn < today;
}

/** The first and last local date of a month 'YYYY-MM' (the end inclusive). */
export function monthRange(month: string): { from: string; to: string } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}
