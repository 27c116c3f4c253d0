import { createHmac } from 'node:crypto';
import { isFresh, isNonce, signatureMatches, signTwentyWebhook, timestampMs } from './webhook-signature';

describe('Twenty webhook signature', () => {
  const secret = 'whsec_test';
  const body = JSON.stringify({ eventName: 'company.updated', record: { id: 'c1', name: '华为' } });
  const ts = '1733700000000';
  const good = createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex');

  it('is the hex HMAC-SHA256 of `${timestamp}:${body}` with the webhook secret', () => {
    expect(signTwentyWebhook(secret, ts, body)).toBe(good);
  });

  it.each([
    ['the signature Twenty computed', secret, ts, body, good, true],
    ['upper-case hex of the same signature', secret, ts, body, good.toUpperCase(), true],
    ['a body changed after signing', secret, ts, body.replace('华为', '中兴'), good, false],
    ['another timestamp', secret, '1733700000001', body, good, false],
    ['another secret', 'whsec_other', ts, body, good, false],
    ['an empty signature', secret, ts, body, '', false],
    ['a truncated signature', secret, ts, body, good.slice(0, 63), false],
    ['not hex at all', secret, ts, body, 'z'.repeat(64), false],
  ])('%s → %s', (_what, s, t, b, sig, ok) => {
    expect(signatureMatches(s, t, b, sig)).toBe(ok);
  });

  const now = 1_733_700_000_000;
  it.each([
    ['now, in milliseconds as Twenty sends it', String(now), true],
    ['4 minutes 59 seconds old', String(now - 299_000), true],
    ['5 minutes and 1 second old', String(now - 301_000), false],
    ['6 minutes in the future', String(now + 360_000), false],
    ['in seconds', String(Math.floor(now / 1000) - 10), true],
    ['missing', undefined, false],
    ['not a number', 'yesterday', false],
  ])('a timestamp %s is fresh: %s', (_what, header, fresh) => {
    expect(isFresh(timestampMs(header), now)).toBe(fresh);
  });

  it.each([
    ['16 random bytes in hex (what Twenty sends)', 'a3f1c2d4e5b60718293a4b5c6d7e8f90', true],
    ['missing', undefined, false],
    ['too short', 'abc', false],
    ['with spaces', 'abc def ghi jkl', false],
  ])('a nonce %s is accepted: %s', (_what, nonce, ok) => {
    expect(isNonce(nonce)).toBe(ok);
  });
});
