import {
  ProjectApprovalStatus,
  ProjectLevel,
  ProjectRiskStatus,
  ProjectRiskView,
  ProjectStage,
  ProjectTaskView,
  ProjectView,
} from '@app/contracts';
import { AccountRelationColumns } from '../commercial/commercial-access';
import { allowedProjectMoves, doneOnTime } from '../domain/project';

/**
 * A project's columns over `projects p` (joined with `accounts a`), with its task counts and progress computed the
 * way `projectProgress` does: the mean task progress, a done task 100, waived tasks left out.
 */
export const PROJECT_COLUMNS = `p.id, p.workspace_id, p.account_id, a.name AS account_name, p.name, p.objective,
  p.stage, p.approval_status, p.approved_by, p.approved_at, p.approval_note, p.budget_minor, p.currency,
  to_char(p.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(p.due_on, 'YYYY-MM-DD') AS due_on, p.manager_id,
  p.accepted_by_customer, p.accepted_at, p.acceptance_note, p.summary, p.lessons, p.created_by, p.version,
  p.created_at, p.updated_at,
  (SELECT count(*) FROM project_tasks t WHERE t.project_id = p.id)::int AS task_count,
  (SELECT count(*) FROM project_tasks t WHERE t.project_id = p.id AND t.done_at IS NULL AND NOT t.waived)::int
    AS open_task_count,
  (SELECT coalesce(round(avg(CASE WHEN t.done_at IS NOT NULL THEN 100 ELSE t.progress END)), 0)
     FROM project_tasks t WHERE t.project_id = p.id AND NOT t.waived)::int AS progress`;

export interface ProjectRow extends AccountRelationColumns {
  id: string;
  workspace_id: string;
  account_id: string;
  account_name: string;
  name: string;
  objective: string | null;
  stage: ProjectStage;
  approval_status: ProjectApprovalStatus;
  approved_by: string | null;
  approved_at: Date | null;
  approval_note: string | null;
  budget_minor: string | null;
  currency: string | null;
  starts_on: string | null;
  due_on: string | null;
  manager_id: string;
  accepted_by_customer: boolean | null;
  accepted_at: Date | null;
  acceptance_note: string | null;
  summary: string | null;
  lessons: string | null;
  created_by: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  task_count: number;
  open_task_count: number;
  progress: number;
}

export function toProjectView(r: ProjectRow, budgetHidden: boolean): ProjectView {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    name: r.name,
    objective: r.objective,
    stage: r.stage,
    allowedStages: [...allowedProjectMoves(r.stage)],
    approvalStatus: r.approval_status,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at?.toISOString() ?? null,
    approvalNote: r.approval_note,
    budget:
      budgetHidden || r.budget_minor === null
        ? null
        : { amountMinor: Number(r.budget_minor), currency: r.currency! },
    startsOn: r.starts_on,
    dueOn: r.due_on,
    managerId: r.manager_id,
    acceptance: {
      acceptedByCustomer: r.accepted_by_customer,
      acceptedAt: r.accepted_at?.toISOString() ?? null,
      note: r.acceptance_note,
    },
    summary: r.summary,
    lessons: r.lessons,
    progress: r.progress,
    taskCount: r.task_count,
    openTaskCount: r.open_task_count,
    createdBy: r.created_by,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    redacted: budgetHidden ? ['budget'] : [],
  };
}

export const TASK_COLUMNS = `t.id, t.project_id, t.title, t.owner_id, to_char(t.due_on, 'YYYY-MM-DD') AS due_on,
  t.done_at, t.waived, t.progress, t.version`;

export interface TaskRow {
  id: string;
  project_id: string;
  title: string;
  owner_id: string;
  due_on: string;
  done_at: Date | null;
  waived: boolean;
  progress: number;
  version: number;
}

export function toTaskView(r: TaskRow, timeZone: string): ProjectTaskView {
  return {
    id: r.id,
    projectId: r.project_id,
    title: r.title,
    ownerId: r.owner_id,
    dueOn: r.due_on,
    doneAt: r.done_at?.toISOString() ?? null,
    waived: r.waived,
    progress: r.progress,
    onTime: r.done_at ? doneOnTime(r.done_at, r.due_on, timeZone) : null,
    version: r.version,
  };
}

export const RISK_COLUMNS = `k.id, k.project_id, k.risk, k.severity, k.likelihood, k.mitigation, k.owner_id, k.status,
  k.version`;

export interface RiskRow {
  id: string;
  project_id: string;
  risk: string;
  severity: ProjectLevel;
  likelihood: ProjectLevel;
  mitigation: string | null;
  owner_id: string | null;
  status: ProjectRiskStatus;
  version: number;
}

export function toRiskView(r: RiskRow): ProjectRiskView {
  return {
    id: r.id,
    projectId: r.project_id,
    risk: r.risk,
    severity: r.severity,
    likelihood: r.likelihood,
    mitigation: r.mitigation,
    ownerId: r.owner_id,
    status: r.status,
    version: r.version,
  };
}
