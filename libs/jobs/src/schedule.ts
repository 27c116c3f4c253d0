import { JobsOptions, Queue } from 'bullmq';

/** Retries with exponential backoff for every job unless a job says otherwise. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export interface WorkspaceJobData {
  workspaceId: string;
}

export function workspaceSchedulerId(jobName: string, workspaceId: string): string {
  return `${jobName}:${workspaceId}`;
}

/**
 * Upserts the job scheduler of one periodic job for one workspace, in the workspace's time zone.
 * Upserting again with the same id replaces it (a changed time zone takes effect), never duplicates it.
 */
export async function scheduleForWorkspace(
  queue: Queue,
  jobName: string,
  pattern: string,
  workspace: { id: string; timeZone: string },
): Promise<void> {
  await queue.upsertJobScheduler(
    workspaceSchedulerId(jobName, workspace.id),
    { pattern, tz: workspace.timeZone },
    {
      name: jobName,
      data: { workspaceId: workspace.id } satisfies WorkspaceJobData,
      opts: DEFAULT_JOB_OPTIONS,
    },
  );
}

/**
 * Enqueues a job whose id is derived from what it does (e.g. `SendReminderJob:<revisit>:<date>`), so enqueueing
 * the same work twice adds it once.
 */
export async function enqueueOnce<T>(queue: Queue, jobName: string, jobId: string, data: T): Promise<void> {
  await queue.add(jobName, data, { ...DEFAULT_JOB_OPTIONS, jobId: jobId.replace(/:/g, '-') });
}

/** Whether runs produced by job schedulers are processed (KAM_PERIODIC_JOBS); runs enqueued by hand always are. */
export const PERIODIC_JOBS = Symbol('PERIODIC_JOBS');

/** A run produced by a job scheduler (as opposed to one enqueued by hand, e.g. from the admin console). */
export function isScheduledRun(job: { repeatJobKey?: string }): boolean {
  return !!job.repeatJobKey;
}
