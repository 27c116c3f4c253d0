import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, QUEUE_PREFIX, QueueName, redisConnectionOptions } from '@app/jobs';
import { TestEnv } from './env';

/** Each admin "run now" route and the job it runs (apps/*: the handlers' JobRunNow). */
export const RUN_NOW_JOBS = {
  '/api/v1/admin/jobs/complaints/run': [QueueName.Complaints, 'MarkComplaintBreachesJob'],
  '/api/v1/admin/jobs/revisits/run': [QueueName.Revisits, 'CreateDueRevisitsJob'],
  '/api/v1/admin/jobs/health/run': [QueueName.AccountHealth, 'ScoreAccountHealthJob'],
  '/api/v1/admin/jobs/tenders/run': [QueueName.AccountHealth, 'TenderDeadlineRemindersJob'],
  '/api/v1/admin/jobs/contracts/run': [QueueName.AccountHealth, 'ContractRenewalRemindersJob'],
  '/api/v1/admin/jobs/surveys/run': [QueueName.Surveys, 'ScheduleSatisfactionSurveysJob'],
  '/api/v1/admin/jobs/performance/open-cycles/run': [QueueName.Performance, 'OpenMonthlyCycleJob'],
  '/api/v1/admin/jobs/performance/rating-reminders/run': [
    QueueName.Performance,
    'RemindUnratedScorecardsJob',
  ],
  '/api/v1/admin/jobs/documents/policy-reminders/run': [
    QueueName.Documents,
    'RemindPolicyAcknowledgementsJob',
  ],
} as const satisfies Record<string, readonly [QueueName, string]>;

export type RunNowRoute = keyof typeof RUN_NOW_JOBS;

/**
 * A job's JSON answer (`{ marked, asOf }`, `{ created, expired, period }`, …), the same as run-now answers. `any`:
 * each suite reads the fields of its own job, as it read the HTTP answer's body.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobResult = Record<string, any>;

/**
 * Runs a workspace's periodic job as its scheduler would at `asOf` — the way the suites travel in time. The admin's
 * run-now refuses an `asOf` in the future (issue 14, point 8), so a suite that needs "three days later" puts the
 * job on its queue itself, as the job scheduler does, and waits for its result (the same answer run-now gives).
 */
export async function runJobAt<T = JobResult>(
  env: TestEnv,
  route: RunNowRoute,
  workspaceId: string,
  asOf: string,
  timeoutMs = 30_000,
): Promise<T> {
  const [queueName, jobName] = RUN_NOW_JOBS[route];
  const connection = redisConnectionOptions(env.redisUrl);
  const queue = new Queue(queueName, { connection, prefix: QUEUE_PREFIX });
  const events = new QueueEvents(queueName, { connection, prefix: QUEUE_PREFIX });
  try {
    await events.waitUntilReady();
    const job = await queue.add(
      jobName,
      { workspaceId, asOf },
      { ...DEFAULT_JOB_OPTIONS, attempts: 1, jobId: `${jobName}-${workspaceId}-test-${randomUUID()}` },
    );
    return (await job.waitUntilFinished(events, timeoutMs)) as T;
  } finally {
    await events.close();
    await queue.close();
  }
}
