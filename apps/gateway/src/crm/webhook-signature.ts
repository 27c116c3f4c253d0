import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old (or how far in the future) a webhook's timestamp may be. */
export const WEBHOOK_MAX_AGE_MS = 5 * 60 * 1000;

/** Twenty signs `${timestamp}:${JSON.stringify(body)}` with the webhook's secret, HMAC-SHA256, hex. */
export function signTwentyWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex');
}

/** Constant-time comparison of a received hex signature with the expected one. */
export function signatureMatches(secret: string, timestamp: string, body: string, received: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(received)) return false;
  const expected = Buffer.from(signTwentyWebhook(secret, timestamp, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(received, 'hex'));
}

/**
 * The timestamp header in milliseconds since the epoch (Twenty sends `Date.now()`); seconds are accepted too.
 * Undefined when missing or not a number.
 */
export function timestampMs(header: string | undefined): number | undefined {
  if (!header || !/^\d{1,16}$/.test(header)) return undefined;
  const n = Number(header);
  return n < 1e12 ? n * 1000 : n;
}

/** A timestamp older than five minutes, or more than five minutes ahead, is refused (replay window). */
export function isFresh(ms: number | undefined, now: number): boolean {
  return ms !== undefined && Math.abs(now - ms) <= WEBHOOK_MAX_AGE_MS;
}

/** A nonce Twenty could have sent (it sends 16 random bytes in hex); anything else is refused. */
export function isNonce(v: string | undefined): v is string {
  return !!v && /^[A-Za-z0-9_-]{8,128}$/.test(v);
}
