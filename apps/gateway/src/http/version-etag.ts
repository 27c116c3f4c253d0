import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import { etagOf } from './preconditions';

/** Sets `ETag` to the row version of the resource the handler answered with, for the caller's next If-Match. */
@Injectable()
export class VersionETagInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const version = (body as { version?: unknown } | null | undefined)?.version;
        if (typeof version === 'number')
          ctx.switchToHttp().getResponse<Response>().setHeader('ETag', etagOf(version));
        return body;
      }),
    );
  }
}

/** On a handler that answers with one versioned resource: its `ETag` is that version. */
export const VersionETag = (): MethodDecorator & ClassDecorator => UseInterceptors(VersionETagInterceptor);
