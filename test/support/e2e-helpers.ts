import type { Response } from 'supertest';

/**
 * Polls `probe` until it returns something other than undefined, or fails with the last thing it saw once
 * `timeoutMs` has passed. Use instead of fixed sleeps.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 10000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message ?? String(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** An RFC 9457 problem with the given status and stable code (DESIGN §6). */
export function expectProblem(res: Response, status: number, code?: string | string[]): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = (
    typeof res.body === 'object' && res.body && Object.keys(res.body).length ? res.body : JSON.parse(res.text)
  ) as Record<string, unknown>;
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code: expect.any(String),
    }),
  );
  expect((body.title as string).length).toBeGreaterThan(0);
  expect((body.detail as string).length).toBeGreaterThan(0);
  if (Array.isArray(code)) expect(code).toContain(body.code);
  else if (code) expect(body.code).toBe(code);
}
