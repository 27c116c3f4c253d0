import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ErrorCode, KamError } from '@app/contracts';
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
  // The gateway's own PostgreSQL or Redis away for now: 503 with Retry-After, not a 500.
  if (isDependencyUnavailable(e)) return new KamError('service_unavailable', { service: 'gateway' });
  return new KamError('internal_error');
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const e = toKamError(exception);
    if (e.code === 'internal_error')
      this.logger.error({ err: exception, requestId: req.id }, 'unhandled error');
    sendProblem(
      res,
      toProblem(
        e,
        localeOf(req.headers['accept-language']),
        req.id === undefined ? undefined : String(req.id),
      ),
    );
  }
}
