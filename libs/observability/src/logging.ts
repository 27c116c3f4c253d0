import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerService } from '@nestjs/common';
import pino, { Logger as PinoInstance } from 'pino';

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

type Req = IncomingMessage & { id?: string; originalUrl?: string };

/**
 * The gateway's request logger, mounted before anything else: gives every request an id (the caller's
 * `x-request-id` when it is sane, else a new one), echoes it, and logs one line per request with no headers
 * (so no credentials) and a URL without query-string secrets.
 */
export function requestLogger(logger: PinoInstance) {
  const logRequests = logger.isLevelEnabled('info');
  return (req: Req, res: ServerResponse, next: () => void): void => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('x-request-id', id);
    if (logRequests && req.url !== '/health') {
      const start = process.hrtime.bigint();
      res.once('finish', () =>
        logger.info(
          {
            requestId: id,
            req: { id, method: req.method, url: scrubUrl(req.originalUrl ?? req.url) },
            res: { statusCode: res.statusCode },
            responseTimeMs: Number(process.hrtime.bigint() - start) / 1e6,
          },
          'request completed',
        ),
      );
    }
    next();
  };
}

/** Nest's logger interface on top of pino, so framework and app logs are the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: PinoInstance) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    // Nest passes (message, context) or, for errors, (message, stack, context).
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = level === 'error' && rest.length === 2 && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) this.logger[level]({ context, err: message }, message.message);
    else if (message !== null && typeof message === 'object') {
      const { msg, ...fields } = message as { msg?: string };
      this.logger[level]({ context, ...fields }, msg);
    } else this.logger[level]({ context, stack }, String(message));
  }
}
