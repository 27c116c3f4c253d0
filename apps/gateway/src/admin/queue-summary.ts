import { Queue } from 'bullmq';
import express, { NextFunction, Request, Response, Router } from 'express';
import type { Redis } from 'ioredis';
import { KamError } from '@app/contracts';

/** How a console request was authenticated: a cookie is sent by the browser on its own, so it needs CSRF checks. */
export type ConsoleAuth = 'cookie' | 'header';

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

/** What the summary page shows for one queue; read from Redis on each request. */
export async function summarizeQueue(queue: Queue, now = Date.now()): Promise<QueueSummary> {
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
  const runs = [
    ...completed.map((job) => ({ job, state: 'completed' as const })),
    ...failed.map((job) => ({ job, state: 'failed' as const })),
  ]
    .filter((r) => r.job?.finishedOn)
    .sort((a, b) => (b.job.finishedOn ?? 0) - (a.job.finishedOn ?? 0));
  const last = runs[0];
  const lastRun: QueueRun | null = last
    ? {
        jobId: String(last.job.id),
        name: last.job.name,
        state: last.state,
        finishedAt: iso(last.job.finishedOn) ?? '',
        durationMs:
          last.job.processedOn && last.job.finishedOn ? last.job.finishedOn - last.job.processedOn : null,
      }
    : null;
  const upcoming = schedulers
    .filter((s) => typeof s.next === 'number')
    .sort((a, b) => (a.next ?? 0) - (b.next ?? 0));
  return {
    queue: queue.name,
    lastRun,
    failedLast24h,
    nextScheduledRun: upcoming[0]
      ? { at: iso(upcoming[0].next) ?? '', jobName: upcoming[0].name, schedulers: schedulers.length }
      : null,
    counts: {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    },
    recentFailures: failedRecent
      .filter((j) => !!j)
      .map((j) => ({
        jobId: String(j.id),
        name: j.name,
        failedAt: iso(j.finishedOn),
        attemptsMade: j.attemptsMade,
        reason: (j.failedReason ?? '').slice(0, 300),
      })),
  };
}

function esc(s: unknown): string {
  return String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function renderPage(base: string, summaries: QueueSummary[]): string {
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
<h1>Job queues</h1><p><a href="${esc(base.replace(/\/summary$/, ''))}">Open the job console</a></p>
${rows}
</body></html>`;
}

/**
 * A state-changing request authenticated by the console cookie must come from the console's own origin:
 * the browser always sends Origin on a cross-site POST (and Referer when Origin is absent), and the cookie is
 * SameSite=Strict as well. Requests with a bearer token or API key carry no ambient credential.
 */
export function isSameOrigin(req: Request): boolean {
  const host = req.headers.host;
  if (!host) return false;
  const source = req.headers.origin ?? req.headers.referer;
  if (typeof source !== 'string' || source === 'null') return false;
  try {
    return new URL(source).host === host;
  } catch {
    return false;
  }
}

/** The summary page and its retry actions, mounted behind the console guard (admin only). */
export function queueSummaryRouter(consolePath: string, queues: Queue[]): Router {
  const base = `${consolePath}/summary`;
  const byName = new Map(queues.map((q) => [q.name, q]));
  const router = express.Router();
  const queueOf = (name: string): Queue => {
    const q = byName.get(name);
    if (!q) throw new KamError('not_found');
    return q;
  };
  const csrf = (req: Request, res: Response, next: NextFunction) => {
    if ((res.locals.consoleAuth as ConsoleAuth | undefined) === 'cookie' && !isSameOrigin(req))
      return next(new KamError('forbidden'));
    next();
  };
  const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';
  const done = (req: Request, res: Response, body: object) =>
    wantsJson(req) ? res.json(body) : res.redirect(303, base);

  router.get('/summary', (req, res, next) => {
    Promise.all(queues.map((q) => summarizeQueue(q)))
      .then((summaries) => {
        res.setHeader('cache-control', 'no-store');
        if (wantsJson(req)) return res.json({ queues: summaries });
        res.setHeader(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        );
        res.type('html').send(renderPage(base, summaries));
      })
      .catch(next);
  });
  router.post('/summary/:queue/retry', csrf, (req, res, next) => {
    const queue = queueOf(String(req.params.queue));
    queue
      .getJobCountByTypes('failed')
      .then(async (failed) => {
        await queue.retryJobs({ state: 'failed' });
        done(req, res, { queue: queue.name, retried: failed });
      })
      .catch(next);
  });
  router.post('/summary/:queue/jobs/:jobId/retry', csrf, (req, res, next) => {
    const queue = queueOf(String(req.params.queue));
    (async () => {
      const job = await queue.getJob(String(req.params.jobId));
      if (!job || !(await job.isFailed())) throw new KamError('not_found');
      await job.retry('failed');
      done(req, res, { queue: queue.name, retried: 1, jobId: String(job.id) });
    })().catch(next);
  });
  return router;
}
