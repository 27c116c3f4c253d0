import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { ErrorCode, KamError } from '@app/contracts';
import { AccessRecorder } from '../access-log/access-recorder';
import { refusalEntry } from '../access-log/access-entries';
import { AuthedRequest } from '../auth/auth.decorators';
import { isDependencyUnavailable } from '@app/messaging';
import { localeOf } from './locale';
import { sendProblem, toProblem } from './problem';

const BY_STATUS: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'validation_failed',
  [HttpStatus.UNAUTHORIZED]: 'unauthenticated',
  [HttpStatus.FORBIDDEN]: 'forbidden',
  [HttpStatus.NOT_FOUND]: 'route_not_found',
  [HttpStatus.CONFLICT]: 'conflict',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported_media_type',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'service_unavailable',
};

/** Maps any error to problem+json. Unknown errors are logged and become 500 without internals. */
export function toKamError(e: unknown): KamError {
  if (e instanceof KamError) return e;
  if (e instanceof HttpException) {
    const code = BY_STATUS[e.getStatus()];
    if (code === 'validation_failed')
      return new KamError(code, { fields: '(request)' }, [{ field: '(request)', message: e.message }]);
    if (code) return new KamError(code);
  }
  const status = (e as { status?: number; type?: string }).status;
  if (status === 413) return new KamError('payload_too_large');
  if (status === 400 && (e as { type?: string }).type === 'entity.parse.failed')
    return new KamError('validation_failed', { fields: '(body)' }, [
      { field: '(body)', message: 'body is not valid JSON' },
    ]);
  if (status === 415) return new KamError('unsupported_media_type');
  // Express and middleware (bull-board) refusing a malformed request (a bad %-escape in the path, say): a 400.
  if (status === 400)
    return new KamError('validation_failed', { fields: '(request)' }, [
      { field: '(request)', message: (e as Error).message?.slice(0, 200) || 'malformed request' },
    ]);
  if (status === 404) return new KamError('route_not_found');
  // A bad %-escape decoded by hand (the console's job ids): the request's fault.
  if (e instanceof URIError)
    return new KamError('validation_failed', { fields: '(path)' }, [
      { field: '(path)', message: 'the path is not valid percent-encoding' },
    ]);
  // The gateway's own PostgreSQL or Redis away for now: 503 with Retry-After, not a 500.
  if (isDependencyUnavailable(e)) return new KamError('service_unavailable', { service: 'gateway' });
  return new KamError('internal_error');
}

/**
 * Every error of a route as problem+json. A 401 or 403 of a known member is written to the access log first
 * (issue 14, point 6) — unless the service that refused had written it already (document-security's own entries).
 */
@Catch()
@Injectable()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('problem');

  constructor(private readonly recorder: AccessRecorder) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<AuthedRequest>();
    const res = ctx.getResponse<Response>();
    const e = toKamError(exception);
    if (e.code === 'internal_error')
      this.logger.error({ err: exception, requestId: req.id }, 'unhandled error');
    const requestId = req.id === undefined ? undefined : String(req.id);
    const entry = refusalEntry(req, e);
    if (entry) await this.recorder.recordQuietly(entry, requestId);
    sendProblem(res, toProblem(e, localeOf(req.headers['accept-language']), requestId));
  }
}
