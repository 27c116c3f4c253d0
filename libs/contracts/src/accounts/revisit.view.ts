import { RevisitStatus } from './revisit.dto';

/** A revisit (回访) of a key account, with its outcome once done. */
export interface RevisitView {
  id: string;
  accountId: string;
  accountName: string;
  /** YYYY-MM-DD in the workspace's time zone. */
  dueDate: string;
  status: RevisitStatus;
  assigneeId: string;
  /** 0 with the assignee, 1 escalated to the owner's group leader, 2 to the director. */
  escalationLevel: 0 | 1 | 2;
  satisfaction: number | null;
  issues: string | null;
  nextSteps: string | null;
  completedAt: string | null;
  completedBy: string | null;
  rescheduledFrom: string | null;
  rescheduleReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An in-app notification for one member (e-mail or IM delivery is a later hook). */
export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

/** What one run of the daily revisit sweep did in one workspace. */
export interface RevisitSweepResult {
  workspaceId: string;
  /** The workspace's today, YYYY-MM-DD. */
  today: string;
  created: number;
  markedOverdue: number;
  escalations: number;
}

/** EVENTS.revisitEscalated: an overdue revisit went up one step. */
export interface RevisitEscalatedEvent {
  workspaceId: string;
  revisitId: string;
  accountId: string;
  level: 1 | 2;
  toMemberId: string | null;
  dueDate: string;
}

/** EVENTS.revisitCompleted: a revisit was done; it is also a contact with the customer. */
export interface RevisitCompletedEvent {
  workspaceId: string;
  revisitId: string;
  accountId: string;
  satisfaction: number;
  completedAt: string;
  nextRevisitDue: string | null;
}
