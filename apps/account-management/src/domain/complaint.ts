/**
 * Complaints (投诉处理表, DESIGN §5): SLA deadlines from severity × tier, the handling state machine, breach
 * detection and escalation. Pure domain code: no NestJS, TypeORM or NATS.
 */
import { ComplaintSlaPolicy } from './settings';
import { TierLadder, tierRank } from './tier-ladder';

export const COMPLAINT_SEVERITIES = ['high', 'medium', 'low'] as const;
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];

export const COMPLAINT_STATUSES = ['open', 'acknowledged', 'in_progress', 'resolved', 'closed'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

const HOUR_MS = 3600_000;

/**
 * The two deadlines of a complaint, counted from when it was received: first response by the account's tier
 * (the top `topTiers` tiers of the ladder get the shorter one), resolution by severity.
 */
export function complaintDeadlines(
  receivedAt: Date,
  severity: ComplaintSeverity,
  tier: string,
  ladder: TierLadder,
  sla: ComplaintSlaPolicy,
): { firstResponseDue: Date; resolutionDue: Date } {
  const rank = tierRank(ladder, tier);
  const top = rank >= 0 && rank < sla.topTiers;
  const responseHours = top ? sla.firstResponseHours.topTiers : sla.firstResponseHours.others;
  return {
    firstResponseDue: new Date(receivedAt.getTime() + responseHours * HOUR_MS),
    resolutionDue: new Date(receivedAt.getTime() + sla.resolutionHours[severity] * HOUR_MS),
  };
}

/** open → acknowledged → in_progress → resolved → closed; a resolved or closed complaint may be reopened. */
export const COMPLAINT_TRANSITIONS: Record<ComplaintStatus, readonly ComplaintStatus[]> = {
  open: ['acknowledged'],
  acknowledged: ['in_progress'],
  in_progress: ['resolved'],
  resolved: ['closed', 'in_progress'],
  closed: ['in_progress'],
};

export function allowedComplaintMoves(from: ComplaintStatus): readonly ComplaintStatus[] {
  return COMPLAINT_TRANSITIONS[from] ?? [];
}

export function canMoveComplaint(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return allowedComplaintMoves(from).includes(to);
}

/** Moving a resolved or closed complaint back to in_progress. */
export function isReopen(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return (from === 'resolved' || from === 'closed') && to === 'in_progress';
}

/**
 * Why a legal move cannot happen yet, or null. Closing needs the satisfaction callback (回访) recorded;
 * resolving needs the result (处理结果).
 */
export function transitionBlocker(
  to: ComplaintStatus,
  c: { callbackRecorded: boolean; result: string | null },
): 'callback_required' | 'result_required' | null {
  if (to === 'closed' && !c.callbackRecorded) return 'callback_required';
  if (to === 'resolved' && !c.result) return 'result_required';
  return null;
}

export interface ComplaintClock {
  firstResponseDue: Date;
  resolutionDue: Date;
  receivedAt: Date;
  firstRespondedAt: Date | null;
  resolvedAt: Date | null;
}

/**
 * Which SLAs are breached as of `at`: a response (or resolution) that came after its deadline, or that has not
 * come and whose deadline has passed.
 */
export function breachesAt(c: ComplaintClock, at: Date): { response: boolean; resolution: boolean } {
  const late = (done: Date | null, due: Date) =>
    done ? done.getTime() > due.getTime() : at.getTime() > due.getTime();
  return {
    response: late(c.firstRespondedAt, c.firstResponseDue),
    resolution: late(c.resolvedAt, c.resolutionDue),
  };
}

/** Escalation steps, as the revisits escalate: the handler, then the owner's group leader, then the director. */
export const ESCALATION_STEPS = ['none', 'handler', 'group_leader', 'director'] as const;

/**
 * How far an unresolved complaint escalates as of `at`: a missed first response goes to the handler (1); a
 * missed resolution to the group leader of the account owner's team (2); still unresolved a full resolution
 * window after that, to the director (3). A resolved complaint escalates no further.
 */
export function escalationLevelAt(c: ComplaintClock, at: Date): 0 | 1 | 2 | 3 {
  if (c.resolvedAt) return 0;
  const b = breachesAt(c, at);
  const window = c.resolutionDue.getTime() - c.receivedAt.getTime();
  if (b.resolution && at.getTime() > c.resolutionDue.getTime() + window) return 3;
  if (b.resolution) return 2;
  if (b.response) return 1;
  return 0;
}
