import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, mergeMap, Observable } from 'rxjs';
import { AuthedRequest } from '../auth/auth.decorators';
import { AccessRecorder } from './access-recorder';
import { viewEntry } from './access-entries';

const ARCHIVE_VIEW = 'kam:archive-view';

/**
 * Writes a successful answer of the handler to the access log as a view of the account's archive (DESIGN §4:
 * "every view of an account's archive page"; issue 14, point 6). The entry is committed before the answer leaves:
 * a view the log cannot record is not served (503), so none goes unrecorded.
 */
@Injectable()
export class ArchiveViewInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly recorder: AccessRecorder,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const subject = this.reflector.get<string | undefined>(ARCHIVE_VIEW, ctx.getHandler());
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    return next.handle().pipe(
      mergeMap((body: unknown) => {
        if (!subject || !req.actor) return from([body]);
        return from(
          this.recorder
            .record(viewEntry(req, req.actor, subject), req.id === undefined ? undefined : String(req.id))
            .then(() => body),
        );
      }),
    );
  }
}

/** On a handler that shows part of an account's archive: `subject` names the part (account, contacts, …). */
export const ArchiveView = (subject: string): MethodDecorator =>
  applyDecorators(SetMetadata(ARCHIVE_VIEW, subject), UseInterceptors(ArchiveViewInterceptor));
