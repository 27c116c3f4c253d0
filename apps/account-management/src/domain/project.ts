/**
 * Projects (项目管理, DESIGN §5 / issue 4 point 5): 立项 → 计划 → 执行 → 验收 → 总结 (initiation → planning →
 * execution → acceptance → summary), then closed. Pure domain code: no NestJS, TypeORM or NATS.
 */

export const PROJECT_STAGE_LIST = [
  'initiation',
  'planning',
  'execution',
  'acceptance',
  'summary',
  'closed',
] as const;
export type ProjectStageName = (typeof PROJECT_STAGE_LIST)[number];

export const PROJECT_APPROVAL_LIST = ['not_requested', 'pending', 'approved', 'rejected'] as const;
export type ProjectApproval = (typeof PROJECT_APPROVAL_LIST)[number];

/** Forward one stage at a time; acceptance may go back to execution (the customer asks for rework). */
export const PROJECT_TRANSITIONS: Record<ProjectStageName, readonly ProjectStageName[]> = {
  initiation: ['planning'],
  planning: ['execution'],
  execution: ['acceptance'],
  acceptance: ['summary', 'execution'],
  summary: ['closed'],
  closed: [],
};

export function allowedProjectMoves(from: ProjectStageName): readonly ProjectStageName[] {
  return PROJECT_TRANSITIONS[from] ?? [];
}

export function canMoveProject(from: ProjectStageName, to: ProjectStageName): boolean {
  return allowedProjectMoves(from).includes(to);
}

export type ProjectStageBlocker =
  'approval_required' | 'tasks_open' | 'acceptance_required' | 'summary_required' | 'lessons_required';

/** What a legal move needs, from the project as it would be after the move's own fields are applied. */
export interface ProjectStageFacts {
  approval: ProjectApproval;
  /** Tasks neither done nor explicitly waived. */
  openTasks: number;
  acceptedByCustomer: boolean | null;
  summary: string | null;
  lessons: string | null;
}

/**
 * Why a legal move cannot happen yet, or null: execution needs the approval to start; acceptance needs every task
 * done or waived; the summary needs the customer's acceptance; closing needs the summary and the lessons.
 */
export function projectStageBlocker(to: ProjectStageName, p: ProjectStageFacts): ProjectStageBlocker | null {
  const blank = (s: string | null) => !s || !s.trim();
  switch (to) {
    case 'execution':
      return p.approval === 'approved' ? null : 'approval_required';
    case 'acceptance':
      return p.openTasks > 0 ? 'tasks_open' : null;
    case 'summary':
      return p.acceptedByCustomer === true ? null : 'acceptance_required';
    case 'closed':
      if (blank(p.summary)) return 'summary_required';
      return blank(p.lessons) ? 'lessons_required' : null;
    default:
      return null;
  }
}

/** Approval to start can be asked for before execution, when none is pending or granted. */
export function canRequestApproval(stage: ProjectStageName, approval: ProjectApproval): boolean {
  return (
    (stage === 'initiation' || stage === 'planning') &&
    (approval === 'not_requested' || approval === 'rejected')
  );
}

export interface TaskProgress {
  progress: number;
  done: boolean;
  waived: boolean;
}

/**
 * A project's progress 0-100: the mean of its tasks' progress (a done task counts 100), waived tasks left out;
 * 0 without tasks to count.
 */
export function projectProgress(tasks: readonly TaskProgress[]): number {
  const counted = tasks.filter((t) => !t.waived);
  if (!counted.length) return 0;
  const sum = counted.reduce((s, t) => s + (t.done ? 100 : Math.min(100, Math.max(0, t.progress))), 0);
  return Math.round(sum / counted.length);
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A task is on time when it was done on or before its due date, in the workspace's time zone. */
export function doneOnTime(doneAt: Date, dueOn: string, timeZone: string): boolean {
  return localDate(doneAt, timeZone) <= dueOn;
}
