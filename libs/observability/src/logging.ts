import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Params } from 'nestjs-pino';
import pino, { Logger as PinoInstance } from 'pino';
import { Options as HttpOptions } from 'pino-http';

/** Paths of secrets that must never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-twenty-webhook-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  'token',
  'password',
  'secret',
];

/** Strips query-string secrets such as ?token= from logged URLs. */
export function scrubUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&](?:token|access_token|api_key|key)=)[^&]*/gi, '$1[Redacted]');
}

/** One pino instance per process: JSON lines, secrets redacted. */
export function createLogger(app: string, level: string): PinoInstance {
  return pino({ level, base: { app }, redact: { paths: REDACT_PATHS, censor: '[Redacted]' } });
}

/** pino-http options: the request id on every line of a request, echoed in `x-request-id`. */
export function httpLoggerOptions(logger: PinoInstance): HttpOptions {
  return {
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customProps: (req: IncomingMessage) => ({ requestId: (req as IncomingMessage & { id?: string }).id }),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: scrubUrl(req.url),
      }),
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
  };
}

/** nestjs-pino settings for a service without HTTP: the same logger, no request middleware. */
export function loggerParams(app: string, level: string): Params {
  return { pinoHttp: { logger: createLogger(app, level) }, useExisting: true, forRoutes: [] };
}

/** nestjs-pino settings for the gateway, whose pino-http middleware is mounted first, by hand. */
export function existingLoggerParams(logger: PinoInstance): Params {
  return { pinoHttp: { logger }, useExisting: true };
}
