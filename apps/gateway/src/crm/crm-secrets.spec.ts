import { randomBytes } from 'node:crypto';
import { open, parseCrmSecretKey, seal } from './crm-secrets';

describe('CRM secrets at rest (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const ws = '11111111-1111-4111-8111-111111111111';

  it('opens what it sealed, and never stores the plain text', () => {
    const sealed = seal(key, 'twenty-api-key-秘密', ws);
    expect(sealed.includes(Buffer.from('twenty-api-key'))).toBe(false);
    expect(open(key, sealed, ws)).toBe('twenty-api-key-秘密');
  });

  it('seals the same secret differently each time (random IV)', () => {
    expect(seal(key, 'x', ws).equals(seal(key, 'x', ws))).toBe(false);
  });

  it.each([
    ['another key', (s: Buffer) => open(randomBytes(32), s, ws)],
    ["another workspace's row", (s: Buffer) => open(key, s, '22222222-2222-4222-8222-222222222222')],
    [
      'a flipped byte',
      (s: Buffer) => open(key, Buffer.concat([s.subarray(0, -1), Buffer.from([s[s.length - 1] ^ 1])]), ws),
    ],
    ['a truncated value', (s: Buffer) => open(key, s.subarray(0, 10), ws)],
  ])('refuses to open with %s', (_what, attempt) => {
    expect(() => attempt(seal(key, 'secret', ws))).toThrow();
  });

  it.each([
    ['32 bytes in base64', randomBytes(32).toString('base64'), true],
    ['16 bytes', randomBytes(16).toString('base64'), false],
    ['not base64', '!'.repeat(44), false],
  ])('KAM_CRM_SECRET_KEY of %s is accepted: %s', (_what, raw, ok) => {
    if (ok) expect(parseCrmSecretKey(raw)).toHaveLength(32);
    else expect(() => parseCrmSecretKey(raw)).toThrow(/32 bytes/);
  });
});
