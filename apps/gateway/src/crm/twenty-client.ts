import { randomUUID } from 'node:crypto';
import { CrmConnection } from './crm-connection.service';
import { CrmAddressRefused, CrmHttp, CrmRedirectRefused, CrmResponse } from './crm-http';
import { CrmRedis } from './crm-redis';
import { TwentyRecord } from './twenty-records';

/** Twenty's REST API answers at most 60 records a page. */
export const TWENTY_PAGE_LIMIT = 60;
const MAX_RETRIES = 8;

export interface TwentyPage {
  records: TwentyRecord[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export class TwentyApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
  ) {
    super(`Twenty answered ${status} to ${path}`);
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.ceil(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** An error of the connection itself (an address not allowed, a redirect): retrying cannot help. */
export function isConnectionRefusal(e: unknown): e is CrmAddressRefused | CrmRedirectRefused {
  return e instanceof CrmAddressRefused || e instanceof CrmRedirectRefused;
}

/**
 * Twenty's REST API for one workspace's connection. Every request first takes a slot of the workspace's
 * limiter (shared through Redis by every gateway, with a small margin below Twenty's own limit so a request
 * that arrives a little late is not counted in the next minute twice); a 429 waits for Retry-After, a 5xx or a
 * network error backs off exponentially, then the request is tried again. Requests go through CrmHttp: only to
 * an address the connection may reach, checked at every connection, and a redirect is an error, never followed
 * nor retried (issue 14, point 5).
 */
export class TwentyClient {
  constructor(
    private readonly connection: CrmConnection,
    private readonly http: CrmHttp,
    private readonly redis: CrmRedis,
    private readonly rate: RateLimit,
    private readonly onWait: () => Promise<void> = async () => undefined,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** The limiter's window: Twenty's window plus 1% (at least 50 ms), as a margin for network jitter. */
  private get windowMs(): number {
    return this.rate.windowMs + Math.max(50, Math.ceil(this.rate.windowMs / 100));
  }

  private async slot(): Promise<void> {
    for (;;) {
      const wait = await this.redis.takeSlot(
        this.connection.workspaceId,
        this.windowMs,
        this.rate.limit,
        randomUUID(),
      );
      if (wait === 0) return;
      await this.onWait();
      await this.sleep(Math.min(wait, 5000));
    }
  }

  async request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
    const url = new URL(
      path,
      this.connection.baseUrl.endsWith('/') ? this.connection.baseUrl : `${this.connection.baseUrl}/`,
    );
    for (let attempt = 0; ; attempt++) {
      await this.slot();
      let res: CrmResponse;
      try {
        res = await this.http.request(url, {
          method,
          headers: {
            Authorization: `Bearer ${this.connection.apiKey}`,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          timeoutMs: 30_000,
        });
      } catch (e) {
        if (isConnectionRefusal(e) || attempt >= MAX_RETRIES) throw e;
        await this.sleep(Math.min(30_000, 500 * 2 ** attempt));
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        if (attempt >= MAX_RETRIES) throw new TwentyApiError(res.status, url.pathname);
        const wait =
          res.status === 429
            ? (retryAfterMs(res.header('retry-after') ?? null) ?? this.windowMs)
            : Math.min(30_000, 500 * 2 ** attempt);
        await this.onWait();
        await this.sleep(wait);
        continue;
      }
      if (res.status < 200 || res.status >= 300) throw new TwentyApiError(res.status, url.pathname);
      try {
        return JSON.parse(res.body) as T;
      } catch {
        throw new Error(`Twenty's answer to ${url.pathname} is not JSON`);
      }
    }
  }

  /** One page of `/rest/<plural>`, ordered as Twenty orders it, after `cursor`. */
  async page(plural: string, cursor: string | null): Promise<TwentyPage> {
    const q = new URLSearchParams({ limit: String(TWENTY_PAGE_LIMIT) });
    if (cursor) q.set('starting_after', cursor);
    const body = await this.request<{
      data?: Record<string, TwentyRecord[]>;
      pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
    }>('GET', `rest/${plural}?${q.toString()}`);
    const records = body.data?.[plural];
    if (!Array.isArray(records)) throw new Error(`Twenty's /rest/${plural} answered without data.${plural}`);
    return {
      records,
      hasNextPage: !!body.pageInfo?.hasNextPage && !!body.pageInfo?.endCursor,
      endCursor: body.pageInfo?.endCursor ?? null,
    };
  }
}
