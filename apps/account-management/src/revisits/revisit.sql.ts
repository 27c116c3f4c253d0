import { NotificationView, RevisitStatus, RevisitView } from '@app/contracts';

/** A revisit row joined with its account `a` (for the name and the permission conditions). */
export const REVISIT_COLUMNS = `r.id, r.account_id, a.name AS account_name, to_char(r.due_date, 'YYYY-MM-DD') AS due_date,
  r.status, r.assignee_id, r.escalation_level, r.satisfaction, r.issues, r.next_steps, r.completed_at, r.completed_by,
  to_char(r.rescheduled_from, 'YYYY-MM-DD') AS rescheduled_from, r.reschedule_reason, r.version, r.created_at,
  r.updated_at`;

export interface RevisitRow {
  id: string;
  account_id: string;
  account_name: string;
  due_date: string;
  status: RevisitStatus;
  assignee_id: string;
  escalation_level: number;
  satisfaction: number | null;
  issues: string | null;
  next_steps: string | null;
  completed_at: Date | null;
  completed_by: string | null;
  rescheduled_from: string | null;
  reschedule_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toRevisitView(r: RevisitRow): RevisitView {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    dueDate: r.due_date,
    status: r.status,
    assigneeId: r.assignee_id,
    escalationLevel: r.escalation_level as RevisitView['escalationLevel'],
    satisfaction: r.satisfaction,
    issues: r.issues,
    nextSteps: r.next_steps,
    completedAt: r.completed_at?.toISOString() ?? null,
    completedBy: r.completed_by,
    rescheduledFrom: r.rescheduled_from,
    rescheduleReason: r.reschedule_reason,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

export function toNotificationView(n: NotificationRow): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    link: n.link,
    createdAt: n.created_at.toISOString(),
    readAt: n.read_at?.toISOString() ?? null,
  };
}
