import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import { KamError } from '@app/contracts';
import { createLogger, httpMetrics, PinoNestLogger, requestLogger, sendMetrics } from '@app/observability';
import { GatewayModule } from './app.module';
import { APP_NAME, GatewayConfig } from './config';
import { Authenticator } from './auth/authenticator.service';
import { OperatorService } from './auth/operator.service';
import { AccessRecorder } from './access-log/access-recorder';
import { jobConsole, JOB_CONSOLE_PATH } from './admin/job-console';
import { localeOf } from './problem/locale';
import { ASYNCAPI_PATH, asyncApiYaml, buildOpenApiDocument } from './docs/api-docs';
import { sendProblem, toProblem } from './problem/problem';
import { toKamError } from './problem/problem.filter';
import type { RawBodyRequest } from './crm/twenty-webhook.controller';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Uploads (issue 6): multipart bodies are read by the documents controller, with their own size limit. */
const MULTIPART_PATHS = /^\/api\/v1\/documents(\/[^/]+\/versions)?$/;

export async function createApp(config: GatewayConfig): Promise<NestExpressApplication> {
  const logger = createLogger(APP_NAME, config.KAM_LOG_LEVEL);
  const nestLogger = new PinoNestLogger(logger);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(config), {
    logger: nestLogger,
    bodyParser: false,
  });
  // Exit with code 0 after a clean shutdown on SIGTERM/SIGINT.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  app.disable('x-powered-by');
  // Our ETags are row versions, set by the handlers; no hashing of every body.
  app.set('etag', false);
  app.set('query parser', 'simple');

  // The request logger comes first, so every request (job console and refused bodies too) is logged with its id.
  app.use(requestLogger(logger));
  // Request durations by route template (not by URL); GET /metrics in the Prometheus text format.
  app.use(
    httpMetrics((req) => {
      const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
      if (path === '/metrics') return '/metrics';
      if (path.startsWith(JOB_CONSOLE_PATH)) return `${JOB_CONSOLE_PATH}/*`;
      if (path.startsWith('/api/docs')) return '/api/docs/*';
      if (path === ASYNCAPI_PATH) return ASYNCAPI_PATH;
      return undefined;
    }),
  );
  app.use('/metrics', (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    sendMetrics(res).catch(next);
  });

  const problem = (req: Request, res: Response, e: unknown) =>
    sendProblem(
      res,
      toProblem(
        toKamError(e),
        localeOf(req.headers['accept-language']),
        req.id === undefined ? undefined : String(req.id),
      ),
    );

  // JSON only (multipart for document uploads), 1 MB at most; a malformed body is a 400 problem, not an HTML page.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
    if (
      WRITE_METHODS.has(req.method) &&
      req.path.startsWith('/api/') &&
      hasBody &&
      !req.is(['application/json', 'application/*+json']) &&
      !(MULTIPART_PATHS.test(req.path) && req.is('multipart/form-data'))
    ) {
      return problem(req, res, new KamError('unsupported_media_type'));
    }
    next();
  });
  app.use(
    express.json({
      limit: '1mb',
      type: ['application/json', 'application/*+json'],
      // CRM webhooks (issue 7) are signed over their exact bytes: keep them for the signature check.
      verify: (req, _res, buf) => {
        if (req.url?.startsWith('/webhooks/')) (req as RawBodyRequest).rawBody = buf;
      },
    }),
  );
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    problem(req, res, err);
  });

  const console = jobConsole(
    config.KAM_REDIS_URL,
    app.get(Authenticator),
    app.get(OperatorService),
    app.get(AccessRecorder),
  );
  // The workspace console (summary) comes before bull-board, whose router would answer every path under it; the
  // read-only gate (board) before bull-board's own routes.
  app.use(JOB_CONSOLE_PATH, console.guard, console.summary, console.board, console.router, console.errors);

  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  // The AsyncAPI document of every NATS subject and event, generated from libs/contracts by `npm run docs`.
  const asyncApi = asyncApiYaml();
  app.use(ASYNCAPI_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/' || req.method !== 'GET') return next();
    if (asyncApi === undefined) return problem(req, res, new KamError('not_found'));
    res.type('application/yaml').send(asyncApi);
  });

  await app.init();
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  nestLogger.log('gateway ready', 'bootstrap');
  // Close the console's Redis connections on shutdown.
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    await Promise.allSettled(console.queues.map((q) => q.close()));
  };
  return app;
}
