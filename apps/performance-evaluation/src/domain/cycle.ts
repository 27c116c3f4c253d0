/**
 * The monthly evaluation cycle: scorecard states, the appeal window, and month arithmetic in the workspace's
 * time zone (DESIGN §5, §6). Pure domain code: no NestJS, TypeORM or NATS; time zones through Intl only.
 */

export type ScorecardState = 'draft' | 'rated' | 'published' | 'acknowledged' | 'appealed' | 'approved';
export const SCORECARD_STATES: readonly ScorecardState[] = [
  'draft',
  'rated',
  'published',
  'acknowledged',
  'appealed',
  'approved',
];

export type CycleState = 'open' | 'locked';
export const CYCLE_STATES: readonly CycleState[] = ['open', 'locked'];

/**
 * draft → rated (every criterion has points) → published (the member sees it) → acknowledged (the member
 * signs it off) or appealed (within the appeal window) → approved (director; payout becomes final).
 * A rated card can go back to draft for corrections; an upheld appeal goes back to rated for re-rating;
 * a rejected appeal, or a published card whose member never reacts, is approved by the director.
 * approved is final.
 */
export const SCORECARD_TRANSITIONS: Record<ScorecardState, readonly ScorecardState[]> = {
  draft: ['rated'],
  rated: ['draft', 'published'],
  published: ['acknowledged', 'appealed', 'approved'],
  acknowledged: ['approved'],
  appealed: ['rated', 'approved'],
  approved: [],
};

export function canTransition(from: ScorecardState, to: ScorecardState): boolean {
  return (SCORECARD_TRANSITIONS[from] ?? []).includes(to);
}

/** A cycle is open while scorecards are worked on; locking it freezes the month (payouts final). */
export const CYCLE_TRANSITIONS: Record<CycleState, readonly CycleState[]> = {
  open: ['locked'],
  locked: [],
};

export function canTransitionCycle(from: CycleState, to: CycleState): boolean {
  return (CYCLE_TRANSITIONS[from] ?? []).includes(to);
}

/** Scorecards may change only while their cycle is open. */
export function scorecardEditable(cycle: CycleState): boolean {
  return cycle === 'open';
}

const DAY_MS = 24 * 3600_000;

/** When the appeal window closes: `days` × 24 h after publication. */
export function appealDeadline(publishedAt: Date, days = 5): Date {
  return new Date(publishedAt.getTime() + days * DAY_MS);
}

/** A member may appeal from publication until `days` × 24 h later (the end instant itself is closed). */
export function appealWindowOpen(publishedAt: Date, now: Date, days = 5): boolean {
  const t = now.getTime();
  return t >= publishedAt.getTime() && t < appealDeadline(publishedAt, days).getTime();
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function parseMonth(month: string): { year: number; month: number } {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`"${month}" is not a month (YYYY-MM)`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

const fmtMonth = (year: number, month: number) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;

/** Adds (or subtracts) whole months: ("2026-11", -1) → "2026-10". */
export function addMonths(month: string, n: number): string {
  const { year, month: m } = parseMonth(month);
  const i = year * 12 + (m - 1) + n;
  return fmtMonth(Math.floor(i / 12), (i % 12) + 1);
}

/** "2026-11" → "2026-10"; "2026-01" → "2025-12". */
export function monthBefore(month: string): string {
  return addMonths(month, -1);
}

export function monthAfter(month: string): string {
  return addMonths(month, 1);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`"${timeZone}" is not a time zone`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
function wallClock(instantMs: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instantMs)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** Offset of a zone from UTC at an instant, ms (Asia/Shanghai → +8 h). */
function offsetAt(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The instant of local midnight starting the 1st of a month in a zone. */
function startOfMonth(year: number, month: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, 1);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  // If midnight falls into a DST gap the two guesses differ; the later one is the first instant of the day.
  return new Date(Math.max(first, second));
}

/**
 * The UTC instants a month spans in a time zone: start is local midnight on the 1st, end is local midnight on
 * the 1st of the next month (exclusive), so a timestamp t is in the month when start ≤ t < end.
 */
export function monthRange(month: string, timeZone: string): { start: Date; end: Date } {
  const { year, month: m } = parseMonth(month);
  const next = parseMonth(monthAfter(month));
  return { start: startOfMonth(year, m, timeZone), end: startOfMonth(next.year, next.month, timeZone) };
}

/** The month ("2026-11") an instant falls in, in a time zone. */
export function monthOf(instant: Date, timeZone: string): string {
  const w = wallClock(instant.getTime(), timeZone);
  return fmtMonth(w.year, w.month);
}
