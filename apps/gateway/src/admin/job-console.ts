import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Job, Queue } from 'bullmq';
import express, { NextFunction, Request, Response, Router } from 'express';
import { Logger } from '@nestjs/common';
import { actorHasCapability } from '@app/authz';
import { KamError } from '@app/contracts';
import { ALL_QUEUES, QUEUE_PREFIX, redisConnectionOptions } from '@app/jobs';
import { Authenticator } from '../auth/authenticator.service';
import { OperatorService } from '../auth/operator.service';
import { AuthedRequest } from '../auth/auth.decorators';
import { AccessRecorder } from '../access-log/access-recorder';
import { refusalEntry, routeOf } from '../access-log/access-entries';
import { localeOf } from '../problem/locale';
import { sendProblem, toProblem } from '../problem/problem';
import { toKamError } from '../problem/problem.filter';
import { ConsoleAudit, ConsoleCaller, jobOfWorkspace, queueSummaryRouter } from './queue-summary';

export const JOB_CONSOLE_PATH = '/admin/queues';
const COOKIE = 'kam_console';
const SUMMARY = `${JOB_CONSOLE_PATH}/summary`;

function cookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * A state-changing request authenticated by the console cookie must come from the console's own origin: the browser
 * sends Origin on every POST and PUT (Referer when Origin is absent), and the cookie is SameSite=Strict as well.
 * Requests with a bearer token or API key carry no ambient credential.
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

/** bull-board's state-changing routes the operator may use: retrying failed jobs (read-only apart from retry). */
const BOARD_RETRY_JOB = /^\/api\/queues\/([^/]+)\/([^/]+)\/retry$/;
const BOARD_RETRY_FAILED = /^\/api\/queues\/([^/]+)\/retry\/failed$/;

/**
 * The job console (issue 14, point 1). Two doors behind one guard:
 * - `/admin/queues/summary`: a workspace's admin sees and retries only their own workspace's jobs (runs, failures,
 *   next scheduled run, retry); the operator sees every workspace's.
 * - `/admin/queues` (bull-board over every queue of every service): the deployment operator only
 *   (KAM_OPERATOR_SECRET, not a workspace role), read-only apart from retrying failed jobs; nothing can be added,
 *   cleaned, paused, promoted, edited or obliterated.
 * A browser signs in once with `?token=…`; the token then lives in an HttpOnly, SameSite=Strict cookie scoped to the
 * console path, and every state-changing request carried by that cookie must come from the console's own origin.
 * Every retry is written to the access log of the workspace whose job it was, every refusal of a known member too.
 */
export function jobConsole(
  redisUrl: string,
  authenticator: Authenticator,
  operators: OperatorService,
  recorder: AccessRecorder,
): {
  guard: (req: Request, res: Response, next: NextFunction) => void;
  router: Router;
  summary: Router;
  board: Router;
  errors: (err: unknown, req: Request, res: Response, next: NextFunction) => void;
  queues: Queue[];
} {
  const logger = new Logger('job-console');
  const queues = ALL_QUEUES.map(
    (name) => new Queue(name, { connection: redisConnectionOptions(redisUrl), prefix: QUEUE_PREFIX }),
  );
  const byName = new Map(queues.map((q) => [q.name, q]));
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(JOB_CONSOLE_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { allowRetries: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'KAM jobs' } },
  });

  const requestIdOf = (req: Request) => (req.id === undefined ? undefined : String(req.id));
  const problem = (e: unknown, req: Request, res: Response) => {
    const error = toKamError(e);
    const entry = refusalEntry(req as AuthedRequest, error);
    void (entry ? recorder.recordQuietly(entry, requestIdOf(req)) : Promise.resolve()).then(() =>
      sendProblem(res, toProblem(error, localeOf(req.headers['accept-language']), requestIdOf(req))),
    );
  };

  const audit: ConsoleAudit = async (req, workspaceId, what) => {
    const caller = (req.res?.locals.consoleCaller as ConsoleCaller | undefined) ?? undefined;
    if (!caller) throw new KamError('unauthenticated');
    await recorder.record(
      {
        workspaceId,
        memberId: caller.memberId,
        action: 'console',
        subject: what.subject,
        method: req.method,
        route: routeOf(req),
        details: { ...what.details, caller: caller.kind },
      },
      requestIdOf(req),
    );
  };

  const guard = (req: Request, res: Response, next: NextFunction) => {
    const queryToken = typeof req.query?.token === 'string' ? req.query.token : undefined;
    const cookieToken = queryToken ? undefined : cookieOf(req, COOKIE);
    const header = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const token = queryToken ?? cookieToken ?? bearer;
    (async (): Promise<ConsoleCaller> => {
      if (token && OperatorService.claimsOperator(token)) {
        const op = await operators.verify(token);
        return { kind: 'operator', memberId: op.memberId };
      }
      const actor = await authenticator.authenticate(req, token);
      (req as AuthedRequest).actor = actor;
      if (!actorHasCapability(actor, 'jobs:console')) throw new KamError('forbidden');
      return { kind: 'admin', workspaceId: actor.workspaceId, memberId: actor.memberId };
    })()
      .then(async (caller) => {
        res.locals.consoleCaller = caller;
        const writes = req.method !== 'GET' && req.method !== 'HEAD';
        // CSRF: the cookie is ambient, so a state-changing request it carries must come from here.
        if (writes && cookieToken && !isSameOrigin(req)) throw new KamError('forbidden');
        const onSummary = req.path === '/summary' || req.path.startsWith('/summary/');
        if (queryToken) {
          res.cookie(COOKIE, queryToken, {
            httpOnly: true,
            sameSite: 'strict',
            path: JOB_CONSOLE_PATH,
            secure: req.secure,
          });
          if (caller.kind === 'admin')
            await audit(req, caller.workspaceId, { subject: 'queue', details: { operation: 'sign_in' } });
          else logger.log({ operator: caller.memberId, requestId: requestIdOf(req) }, 'operator signed in');
          // Drop the token from the address bar (and from any later log line): an admin goes to their workspace's
          // console, the operator stays on the page asked for.
          const to =
            caller.kind === 'admin' && !onSummary
              ? SUMMARY
              : req.path === '/'
                ? JOB_CONSOLE_PATH
                : `${JOB_CONSOLE_PATH}${req.path}`;
          return res.redirect(303, to);
        }
        if (!onSummary && caller.kind !== 'operator') {
          // bull-board shows every workspace's jobs and their data: the operator's alone.
          if (req.method === 'GET' && req.path === '/') return res.redirect(303, SUMMARY);
          throw new KamError('forbidden');
        }
        next();
      })
      .catch((e: unknown) => problem(e, req, res));
  };

  /**
   * In front of bull-board (operator only): reads pass; retries of failed jobs are done here, with their access-log
   * entries; every other state change (add, clean, pause, promote, edit, empty, obliterate) is refused.
   */
  const board = express.Router();
  board.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const one = req.method === 'PUT' ? BOARD_RETRY_JOB.exec(req.path) : null;
    const all = req.method === 'PUT' ? BOARD_RETRY_FAILED.exec(req.path) : null;
    if (!one && !all) return next(new KamError('console_read_only'));
    const queue = byName.get(decodeURIComponent((one ?? all)![1]));
    if (!queue) return next(new KamError('not_found'));
    (async () => {
      if (one) {
        const job = await queue.getJob(decodeURIComponent(one[2]));
        if (!job || !(await job.isFailed())) throw new KamError('not_found');
        await auditJobs(req, queue, [job], 'retry');
        await job.retry('failed');
        return res.status(204).end();
      }
      const failed = (await queue.getJobs(['failed'], 0, -1, false)).filter((j): j is Job => !!j);
      await auditJobs(req, queue, failed, 'retry_failed');
      for (const j of failed) await j.retry('failed');
      res.status(200).json({});
    })().catch(next);
  });
  const auditJobs = async (req: Request, queue: Queue, jobs: Job[], operation: string) => {
    const byWorkspace = new Map<string, Job[]>();
    for (const j of jobs) {
      const ws = String((j.data as { workspaceId?: string } | undefined)?.workspaceId ?? '').toLowerCase();
      if (ws && jobOfWorkspace(j, ws)) byWorkspace.set(ws, [...(byWorkspace.get(ws) ?? []), j]);
    }
    for (const [ws, list] of byWorkspace)
      await audit(req, ws, {
        subject: list.length === 1 && operation === 'retry' ? 'job' : 'queue',
        details:
          operation === 'retry'
            ? { operation, queue: queue.name, jobId: String(list[0].id), jobName: list[0].name }
            : { operation, queue: queue.name, jobs: list.length },
      });
  };

  const errors = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    problem(err, req, res);
  };
  return {
    guard,
    router: serverAdapter.getRouter() as Router,
    summary: queueSummaryRouter(JOB_CONSOLE_PATH, queues, audit),
    board,
    errors,
    queues,
  };
}
