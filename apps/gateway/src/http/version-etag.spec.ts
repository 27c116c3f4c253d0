import { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import { VersionETagInterceptor } from './version-etag';

/** What the interceptor sets on a response for a handler's answer. */
async function headersFor(body: unknown): Promise<{ headers: Record<string, string>; passed: unknown }> {
  const headers: Record<string, string> = {};
  const ctx = {
    switchToHttp: () => ({ getResponse: () => ({ setHeader: (k: string, v: string) => (headers[k] = v) }) }),
  } as unknown as ExecutionContext;
  const next: CallHandler = { handle: () => of(body) };
  const passed = await lastValueFrom(new VersionETagInterceptor().intercept(ctx, next));
  return { headers, passed };
}

describe('the ETag of a versioned answer', () => {
  it.each([
    { name: 'a resource at version 3', body: { id: 'a', version: 3 }, etag: '"3"' },
    { name: 'version 0', body: { version: 0 }, etag: '"0"' },
    { name: 'no version (a page of items)', body: { items: [{ version: 2 }] }, etag: undefined },
    { name: 'a version that is not a number', body: { version: '3' }, etag: undefined },
    { name: 'no body', body: undefined, etag: undefined },
    { name: 'null', body: null, etag: undefined },
  ])('$name', async ({ body, etag }) => {
    const { headers, passed } = await headersFor(body);
    expect(headers.ETag).toBe(etag);
    expect(passed).toBe(body);
  });
});
