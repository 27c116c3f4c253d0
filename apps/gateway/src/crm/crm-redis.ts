import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { QUEUE_PREFIX, redisConnectionOptions } from '@app/jobs';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/** Keys of the CRM integration in Redis, beside the queues' keys. */
export const CRM_KEY_PREFIX = `${QUEUE_PREFIX}:crm`;

/**
 * Sliding-window limiter: a sorted set of send times per workspace. A slot is taken only when fewer than
 * `limit` requests were sent in the last `window` ms; otherwise the reply is how long to wait. Times come from
 * Redis, so several gateways share one clock.
 */
const TAKE_SLOT = `
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/** The gateway's own Redis connection for webhook nonces and the CRM rate limiter. */
@Injectable()
export class CrmRedis implements OnModuleDestroy {
  readonly client: Redis;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    // Unlike BullMQ's connections, fail a command after a few retries: a webhook must not hang on a lost Redis.
    this.client = new Redis({ ...redisConnectionOptions(config.KAM_REDIS_URL), maxRetriesPerRequest: 3 });
    // Reconnects on its own; a lost Redis shows in /health, not as an unhandled 'error' event per retry.
    this.client.on('error', () => undefined);
    this.client.defineCommand('kamTakeSlot', { numberOfKeys: 1, lua: TAKE_SLOT });
  }

  /** Records a nonce for `ttlMs`; false when it was already seen. */
  rememberNonce(workspaceId: string, nonce: string, ttlMs: number): Promise<boolean> {
    return this.once('nonce', workspaceId, nonce, ttlMs);
  }

  forgetNonce(workspaceId: string, nonce: string): Promise<void> {
    return this.forget('nonce', workspaceId, nonce);
  }

  /**
   * Records a delivery's signature (lower-case hex) for `ttlMs`; false when it was already seen. In Redis, so
   * every gateway replica refuses a replay, also after a restart (issue 14, point 11).
   */
  rememberSignature(workspaceId: string, signature: string, ttlMs: number): Promise<boolean> {
    return this.once('sig', workspaceId, signature.toLowerCase(), ttlMs);
  }

  forgetSignature(workspaceId: string, signature: string): Promise<void> {
    return this.forget('sig', workspaceId, signature.toLowerCase());
  }

  private async once(kind: string, workspaceId: string, value: string, ttlMs: number): Promise<boolean> {
    const r = await this.client.set(
      `${CRM_KEY_PREFIX}:${kind}:${workspaceId}:${value}`,
      '1',
      'PX',
      ttlMs,
      'NX',
    );
    return r === 'OK';
  }

  private async forget(kind: string, workspaceId: string, value: string): Promise<void> {
    await this.client.del(`${CRM_KEY_PREFIX}:${kind}:${workspaceId}:${value}`);
  }

  /** 0 when a request may be sent now (the slot is taken), else the milliseconds to wait before asking again. */
  async takeSlot(workspaceId: string, windowMs: number, limit: number, token: string): Promise<number> {
    // ioredis adds defined commands at run time; the cast names the one defined above.
    const take = (this.client as unknown as { kamTakeSlot: (...a: (string | number)[]) => Promise<number> })
      .kamTakeSlot;
    return Number(
      await take.call(this.client, `${CRM_KEY_PREFIX}:rate:${workspaceId}`, 0, windowMs, limit, token),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.quit().catch(() => undefined);
  }
}
