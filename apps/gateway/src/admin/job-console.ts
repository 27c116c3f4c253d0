import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { NextFunction, Request, Response, Router } from 'express';
import { actorHasCapability } from '@app/authz';
import { KamError } from '@app/contracts';
import { ALL_QUEUES, QUEUE_PREFIX, redisConnectionOptions } from '@app/jobs';
import { Authenticator } from '../auth/authenticator.service';
import { localeOf } from '../problem/locale';
import { sendProblem, toProblem } from '../problem/problem';
import { toKamError } from '../problem/problem.filter';
import { ConsoleAuth, queueSummaryRouter } from './queue-summary';

export const JOB_CONSOLE_PATH = '/admin/queues';
const COOKIE = 'kam_console';

function cookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * The admin job console: bull-board over every queue of every service. bull-board is raw Express middleware,
 * so this guard runs before it: 401 without a token, 403 for any role but admin. A browser signs in once with
 * `?token=…`; the token then lives in an HttpOnly, SameSite=Strict cookie scoped to the console path.
 */
export function jobConsole(
  redisUrl: string,
  authenticator: Authenticator,
): {
  guard: (req: Request, res: Response, next: NextFunction) => void;
  router: Router;
  summary: Router;
  errors: (err: unknown, req: Request, res: Response, next: NextFunction) => void;
  queues: Queue[];
} {
  const queues = ALL_QUEUES.map(
    (name) => new Queue(name, { connection: redisConnectionOptions(redisUrl), prefix: QUEUE_PREFIX }),
  );
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(JOB_CONSOLE_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'KAM jobs' } },
  });

  const problem = (e: unknown, req: Request, res: Response) =>
    sendProblem(
      res,
      toProblem(
        toKamError(e),
        localeOf(req.headers['accept-language']),
        req.id === undefined ? undefined : String(req.id),
      ),
    );

  const guard = (req: Request, res: Response, next: NextFunction) => {
    const queryToken = typeof req.query?.token === 'string' ? req.query.token : undefined;
    const cookieToken = queryToken ? undefined : cookieOf(req, COOKIE);
    const token = queryToken ?? cookieToken;
    // The summary's retry actions check the origin of requests that only a cookie authenticates (CSRF).
    res.locals.consoleAuth = (cookieToken ? 'cookie' : 'header') satisfies ConsoleAuth;
    authenticator
      .authenticate(req, token)
      .then((actor) => {
        if (!actorHasCapability(actor, 'jobs:console')) throw new KamError('forbidden');
        if (queryToken) {
          res.cookie(COOKIE, queryToken, {
            httpOnly: true,
            sameSite: 'strict',
            path: JOB_CONSOLE_PATH,
            secure: req.secure,
          });
          // Drop the token from the address bar (and from any later log line); stay on the page asked for.
          return res.redirect(303, req.path === '/' ? JOB_CONSOLE_PATH : `${JOB_CONSOLE_PATH}${req.path}`);
        }
        next();
      })
      .catch((e: unknown) => problem(e, req, res));
  };
  const errors = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    problem(err, req, res);
  };
  return {
    guard,
    router: serverAdapter.getRouter() as Router,
    summary: queueSummaryRouter(JOB_CONSOLE_PATH, queues),
    errors,
    queues,
  };
}
