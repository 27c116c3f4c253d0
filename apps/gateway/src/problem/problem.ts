import type { Response } from 'express';
import { errorMessage, ErrorCode, FieldError, KamError } from '@app/contracts';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

/** RFC 9457 problem details with a stable code and a message in the caller's language. */
export function toProblem(e: KamError, locale: 'zh-CN' | 'en', requestId?: string): ProblemDetails {
  const message = errorMessage(e.code, locale, e.params);
  const p: ProblemDetails = {
    type: `urn:kam:problem:${e.code}`,
    title: errorMessage(e.code, locale, {}).replace(/[:：].*$/, ''),
    status: e.status,
    detail: message,
    code: e.code,
  };
  if (requestId) p.instance = `urn:kam:request:${requestId}`;
  if (e.errors?.length) p.errors = e.errors;
  if (e.code === 'precondition_failed' && typeof e.params.current === 'number')
    p.currentVersion = e.params.current;
  return p;
}

export function sendProblem(res: Response, p: ProblemDetails): void {
  if (p.status === 503) res.setHeader('Retry-After', '2');
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}
