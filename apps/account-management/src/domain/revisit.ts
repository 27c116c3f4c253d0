/**
 * Revisits (回访, DESIGN §5): when the next one falls due, and how far an overdue one has escalated.
 * Pure domain code: no NestJS, TypeORM or NATS. The daily sweep does the same arithmetic in SQL, set-based.
 */
import { TierLadder } from './tier-ladder';

/** Overdue this many days (or more): escalated to the owner's group leader. */
export const ESCALATE_TO_GROUP_LEADER_AFTER_DAYS = 1;
/** Overdue this many days (or more): escalated to the director. */
export const ESCALATE_TO_DIRECTOR_AFTER_DAYS = 7;

/** 0 = with the owner (or the service team), 1 = the owner's group leader, 2 = the director. */
export type EscalationLevel = 0 | 1 | 2;

/** Satisfaction is recorded on a 1-5 scale. */
export const SATISFACTION_MIN = 1;
export const SATISFACTION_MAX = 5;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function dateInTimeZone(at: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** A calendar date plus whole days (negative goes back). */
export function addDays(date: string, days: number): string {
  if (!DATE.test(date)) throw new Error(`not a date: ${date}`);
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (calendar dates); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The tier's cadence in days, or null when the tier is not on the ladder. */
export function cadenceDays(ladder: TierLadder, tier: string): number | null {
  return ladder.find((t) => t.key === tier)?.revisitDays ?? null;
}

/**
 * The date the next revisit falls due: the day of the last contact (or of the account's creation, before any
 * contact) in the workspace's time zone, plus the tier's cadence.
 */
export function nextRevisitDue(lastContactAt: Date, cadence: number, timeZone: string): string {
  return addDays(dateInTimeZone(lastContactAt, timeZone), cadence);
}

/** How far an open revisit has escalated, from the days it is overdue (0 or less: not overdue). */
export function escalationLevel(daysOverdue: number): EscalationLevel {
  if (daysOverdue >= ESCALATE_TO_DIRECTOR_AFTER_DAYS) return 2;
  if (daysOverdue >= ESCALATE_TO_GROUP_LEADER_AFTER_DAYS) return 1;
  return 0;
}

/** Why a revisit cannot be moved to `dueDate`, or null when it can (not before today in the workspace). */
export function rescheduleProblem(dueDate: string, today: string): string | null {
  if (!DATE.test(dueDate) || Number.isNaN(Date.parse(`${dueDate}T00:00:00Z`)))
    return 'dueDate must be a date, YYYY-MM-DD';
  if (dueDate < today) return `dueDate must not be in the past (today is ${today})`;
  return null;
}
