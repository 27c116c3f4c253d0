import { Job, Queue } from 'bullmq';
import express, { Request, Response, Router } from 'express';
import type { Redis } from 'ioredis';
import { KamError } from '@app/contracts';

export interface QueueRun {
  jobId: string;
  name: string;
  state: 'completed' | 'failed';
  finishedAt: string;
  durationMs: number | null;
}

export interface FailedJob {
  jobId: string;
  name: string;
  failedAt: string | null;
  attemptsMade: number;
  reason: string;
}

export interface QueueSummary {
  queue: string;
  lastRun: QueueRun | null;
  failedLast24h: number;
  nextScheduledRun: { at: string; jobName: string; schedulers: number } | null;
  counts: Record<'waiting' | 'active' | 'delayed' | 'failed' | 'completed', number>;
  recentFailures: FailedJob[];
}

const DAY_MS = 24 * 3600 * 1000;
const RECENT_FAILURES = 20;

function iso(ms: number | undefined): string | null {
  return ms ? new Date(ms).toISOString() : null;
}

/** How far back a workspace's console looks in each state: the newest jobs of every workspace, this many. */
export const WORKSPACE_SCAN = 1000;

/** Whether a job belongs to the workspace: every KAM job names its workspace in its data. */
export function jobOfWorkspace(job: { data?: unknown } | undefined, workspaceId: string): boolean {
  const ws = (job?.data as { workspaceId?: unknown } | undefined)?.workspaceId;
  return typeof ws === 'string' && ws.toLowerCase() === workspaceId;
}

/**
 * What the summary page shows for one queue; read from Redis on each request. With `workspaceId`, only that
 * workspace's jobs and schedules (issue 14, point 1): the newest WORKSPACE_SCAN jobs of each state are looked at,
 * so counts are "of the recent jobs" on a busy deployment.
 */
export async function summarizeQueue(
  queue: Queue,
  workspaceId?: string,
  now = Date.now(),
): Promise<QueueSummary> {
  if (workspaceId) return summarizeWorkspaceQueue(queue, workspaceId, now);
  const [completed, failed, counts, schedulers, failedRecent, client] = await Promise.all([
    queue.getJobs(['completed'], 0, 0, false),
    queue.getJobs(['failed'], 0, 0, false),
    queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
    queue.getJobSchedulers(0, -1, true),
    queue.getJobs(['failed'], 0, RECENT_FAILURES - 1, false),
    queue.client,
  ]);
  // The failed set is scored by the time each job failed for good (after its retries).
  const failedLast24h = await (client as unknown as Redis).zcount(
    queue.toKey('failed'),
    now - DAY_MS,
    '+inf',
  );
  return {
    queue: queue.name,
    lastRun: lastRunOf(completed, failed),
    failedLast24h,
    nextScheduledRun: nextRunOf(schedulers),
    counts: {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    },
    recentFailures: failedRecent.filter((j) => !!j).map(failureOf),
  };
}

async function summarizeWorkspaceQueue(
  queue: Queue,
  workspaceId: string,
  now: number,
): Promise<QueueSummary> {
  const mine = async (state: 'completed' | 'failed' | 'waiting' | 'active' | 'delayed' | 'prioritized') =>
    (await queue.getJobs([state], 0, WORKSPACE_SCAN - 1, false)).filter((j) =>
      jobOfWorkspace(j, workspaceId),
    );
  const [completed, failed, waiting, prioritized, active, delayed, schedulers] = await Promise.all([
    mine('completed'),
    mine('failed'),
    mine('waiting'),
    mine('prioritized'),
    mine('active'),
    mine('delayed'),
    queue.getJobSchedulers(0, -1, true),
  ]);
  const ours = schedulers.filter(
    (s) =>
      s.key.toLowerCase().includes(workspaceId) || jobOfWorkspace({ data: s.template?.data }, workspaceId),
  );
  return {
    queue: queue.name,
    lastRun: lastRunOf(completed.slice(0, 1), failed.slice(0, 1)),
    failedLast24h: failed.filter((j) => (j.finishedOn ?? 0) >= now - DAY_MS).length,
    nextScheduledRun: nextRunOf(ours),
    counts: {
      waiting: waiting.length + prioritized.length,
      active: active.length,
      delayed: delayed.length,
      failed: failed.length,
      completed: completed.length,
    },
    recentFailures: failed.slice(0, RECENT_FAILURES).map(failureOf),
  };
}

function lastRunOf(completed: (Job | undefined)[], failed: (Job | undefined)[]): QueueRun | null {
  const runs = [
    ...completed.map((job) => ({ job, state: 'completed' as const })),
    ...failed.map((job) => ({ job, state: 'failed' as const })),
  ]
    .filter((r): r is { job: Job; state: 'completed' | 'failed' } => !!r.job?.finishedOn)
    .sort((a, b) => (b.job.finishedOn ?? 0) - (a.job.finishedOn ?? 0));
  const last = runs[0];
  return last
    ? {
        jobId: String(last.job.id),
        name: last.job.name,
        state: last.state,
        finishedAt: iso(last.job.finishedOn) ?? '',
        durationMs:
          last.job.processedOn && last.job.finishedOn ? last.job.finishedOn - last.job.processedOn : null,
      }
    : null;
}

function nextRunOf(schedulers: { next?: number; name: string }[]): QueueSummary['nextScheduledRun'] {
  const upcoming = schedulers
    .filter((s) => typeof s.next === 'number')
    .sort((a, b) => (a.next ?? 0) - (b.next ?? 0));
  return upcoming[0]
    ? { at: iso(upcoming[0].next) ?? '', jobName: upcoming[0].name, schedulers: schedulers.length }
    : null;
}

function failureOf(j: Job): FailedJob {
  return {
    jobId: String(j.id),
    name: j.name,
    failedAt: iso(j.finishedOn),
    attemptsMade: j.attemptsMade,
    reason: (j.failedReason ?? '').slice(0, 300),
  };
}

function esc(s: unknown): string {
  return String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function renderPage(base: string, summaries: QueueSummary[], operator: boolean): string {
  const rows = summaries
    .map((s) => {
      const action = `${base}/${encodeURIComponent(s.queue)}`;
      const failures = s.recentFailures
        .map(
          (f) =>
            `<li><code>${esc(f.name)}</code> #${esc(f.jobId)} · ${esc(f.failedAt ?? '')} · ${esc(f.attemptsMade)} attempts · ${esc(f.reason)}
             <form method="post" action="${action}/jobs/${encodeURIComponent(f.jobId)}/retry"><button>Retry</button></form></li>`,
        )
        .join('');
      return `<section aria-labelledby="q-${esc(s.queue)}">
  <h2 id="q-${esc(s.queue)}">${esc(s.queue)}</h2>
  <dl>
    <dt>Last run</dt><dd>${s.lastRun ? `${esc(s.lastRun.name)} · ${esc(s.lastRun.state)} · ${esc(s.lastRun.finishedAt)}${s.lastRun.durationMs === null ? '' : ` · ${esc(s.lastRun.durationMs)} ms`}` : '—'}</dd>
    <dt>Failures in the last 24 h</dt><dd data-failed-24h="${esc(s.failedLast24h)}">${esc(s.failedLast24h)}</dd>
    <dt>Next scheduled run</dt><dd>${s.nextScheduledRun ? `${esc(s.nextScheduledRun.at)} · ${esc(s.nextScheduledRun.jobName)} (${esc(s.nextScheduledRun.schedulers)} schedulers)` : '—'}</dd>
    <dt>Now</dt><dd>${esc(s.counts.waiting)} waiting · ${esc(s.counts.active)} active · ${esc(s.counts.delayed)} delayed · ${esc(s.counts.failed)} failed</dd>
  </dl>
  ${s.counts.failed > 0 ? `<form method="post" action="${action}/retry"><button>Retry all failed jobs</button></form>` : ''}
  ${failures ? `<ul>${failures}</ul>` : ''}
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>KAM job queues — summary</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#333;background:#fff}
section{border:1px solid #ebebeb;border-radius:8px;padding:12px 16px;margin:12px 0}
h2{font-size:16px;margin:0 0 8px}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}
dt{color:#666}dd{margin:0}form{display:inline}button{margin:4px 0;padding:2px 10px;border:1px solid #d6d6d6;border-radius:4px;background:#f5f5f5;cursor:pointer}
li{margin:4px 0}code{background:#f5f5f5;padding:0 4px;border-radius:3px}
</style></head><body>
<h1>Job queues</h1>${operator ? `<p><a href="${esc(base.replace(/\/summary$/, ''))}">Open the job console of every queue</a></p>` : '<p>Your workspace’s jobs</p>'}
${rows}
</body></html>`;
}

/**
 * Who is at the console (set by the guard in job-console.ts): a workspace's admin, who sees and retries only their
 * workspace's jobs, or the deployment operator, who sees every queue.
 */
export type ConsoleCaller =
  { kind: 'admin'; workspaceId: string; memberId: string } | { kind: 'operator'; memberId: string };

/** Writes one console action to the access log of the workspace it touched. */
export type ConsoleAudit = (
  req: Request,
  workspaceId: string,
  what: { subject: 'job' | 'queue'; details: Record<string, string | number | boolean | null> },
) => Promise<void>;

/**
 * The per-workspace console (issue 14, point 1): per queue the last run, failures, the next scheduled run and retry.
 * An admin sees and retries their own workspace's jobs only; the operator sees and retries every workspace's.
 * No job is ever added here. Every retry is written to the access log of the workspace whose job it was.
 */
export function queueSummaryRouter(consolePath: string, queues: Queue[], audit: ConsoleAudit): Router {
  const base = `${consolePath}/summary`;
  const byName = new Map(queues.map((q) => [q.name, q]));
  const router = express.Router();
  const callerOf = (res: Response) => res.locals.consoleCaller as ConsoleCaller;
  const scopeOf = (res: Response) => {
    const c = callerOf(res);
    return c.kind === 'admin' ? c.workspaceId : undefined;
  };
  const queueOf = (name: string): Queue => {
    const q = byName.get(name);
    if (!q) throw new KamError('not_found');
    return q;
  };
  const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';
  const done = (req: Request, res: Response, body: object) =>
    wantsJson(req) ? res.json(body) : res.redirect(303, base);

  router.get('/summary', (req, res, next) => {
    const scope = scopeOf(res);
    Promise.all(queues.map((q) => summarizeQueue(q, scope)))
      .then((summaries) => {
        res.setHeader('cache-control', 'no-store');
        if (wantsJson(req)) return res.json({ workspaceId: scope ?? null, queues: summaries });
        res.setHeader(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        );
        res.type('html').send(renderPage(base, summaries, callerOf(res).kind === 'operator'));
      })
      .catch(next);
  });
  router.post('/summary/:queue/retry', (req, res, next) => {
    const queue = queueOf(String(req.params.queue));
    const scope = scopeOf(res);
    (async () => {
      const failed = (await queue.getJobs(['failed'], 0, scope ? WORKSPACE_SCAN - 1 : -1, false)).filter(
        (j): j is Job => !!j && (!scope || jobOfWorkspace(j, scope)),
      );
      const byWorkspace = new Map<string, Job[]>();
      for (const j of failed) {
        const ws = String((j.data as { workspaceId?: string }).workspaceId ?? '').toLowerCase();
        byWorkspace.set(ws, [...(byWorkspace.get(ws) ?? []), j]);
      }
      for (const [ws, jobs] of byWorkspace)
        if (ws)
          await audit(req, ws, {
            subject: 'queue',
            details: { operation: 'retry_failed', queue: queue.name, jobs: jobs.length },
          });
      let retried = 0;
      for (const j of failed) {
        await j.retry('failed');
        retried++;
      }
      done(req, res, { queue: queue.name, retried });
    })().catch(next);
  });
  router.post('/summary/:queue/jobs/:jobId/retry', (req, res, next) => {
    const queue = queueOf(String(req.params.queue));
    const scope = scopeOf(res);
    (async () => {
      const job = await queue.getJob(String(req.params.jobId));
      // Another workspace's job looks exactly like a missing one.
      if (!job || (scope && !jobOfWorkspace(job, scope)) || !(await job.isFailed()))
        throw new KamError('not_found');
      const ws = String((job.data as { workspaceId?: string }).workspaceId ?? '').toLowerCase();
      if (ws)
        await audit(req, ws, {
          subject: 'job',
          details: { operation: 'retry', queue: queue.name, jobId: String(job.id), jobName: job.name },
        });
      await job.retry('failed');
      done(req, res, { queue: queue.name, retried: 1, jobId: String(job.id) });
    })().catch(next);
  });
  return router;
}
