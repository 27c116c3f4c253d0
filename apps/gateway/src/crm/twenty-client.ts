import { randomUUID } from 'node:crypto';
import { CrmConnection } from './crm-connection.service';
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

/**
 * Twenty's REST API for one workspace's connection. Every request first takes a slot of the workspace's
 * limiter (shared through Redis by every gateway, with a small margin below Twenty's own limit so a request
 * that arrives a little late is not counted in the next minute twice); a 429 waits for Retry-After, a 5xx or a
 * network error backs off exponentially, then the request is tried again.
 */
export class TwentyClient {
  constructor(
    private readonly connection: CrmConnection,
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
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${this.connection.apiKey}`,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (e) {
        if (attempt >= MAX_RETRIES) throw e;
        await this.sleep(Math.min(30_000, 500 * 2 ** attempt));
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel();
        if (attempt >= MAX_RETRIES) throw new TwentyApiError(res.status, url.pathname);
        const wait =
          res.status === 429
            ? (retryAfterMs(res.headers.get('retry-after')) ?? this.windowMs)
            : Math.min(30_000, 500 * 2 ** attempt);
        await this.onWait();
        await this.sleep(wait);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new TwentyApiError(res.status, url.pathname);
      }
      return (await res.json()) as T;
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
