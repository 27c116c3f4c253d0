/** Rules of the customer archive: communication records and contacts. */

/** How far in the future a communication may be dated (clock skew, time zones, a visit logged the evening before). */
export const OCCURRED_AT_FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/** Why a communication's date cannot be recorded, or null when it can. `occurredAt` is ISO 8601 with offset. */
export function occurredAtProblem(occurredAt: string, now: Date): string | null {
  const at = Date.parse(occurredAt);
  if (Number.isNaN(at)) return 'occurredAt must be an ISO 8601 date-time with offset';
  if (at > now.getTime() + OCCURRED_AT_FUTURE_TOLERANCE_MS)
    return 'occurredAt must not be more than one day in the future: record a communication after it took place';
  return null;
}

/** A due date for next steps needs the next steps themselves. */
export function nextStepProblem(r: { nextSteps?: string; nextStepDue?: string }): string | null {
  return r.nextStepDue !== undefined && r.nextSteps === undefined
    ? 'nextStepDue needs nextSteps: say what is due'
    : null;
}
