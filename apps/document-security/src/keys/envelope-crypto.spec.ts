import { randomBytes } from 'node:crypto';
import { ContentCorruptError, MasterKey, MasterKeyMissingError, open, rewrap, seal } from './envelope-crypto';

const k1: MasterKey = { id: 'k1', key: randomBytes(32) };
const k2: MasterKey = { id: 'k2', key: randomBytes(32) };
const ring = (...keys: MasterKey[]) => new Map(keys.map((k) => [k.id, k]));
const plain = Buffer.from('华为 2026 框架协议 — 保密');

describe('documents are encrypted at rest with a data key per version under a master key', () => {
  it('round-trips and never stores the plaintext', () => {
    const s = seal(plain, k1, 'v-1');
    expect(s.ciphertext.includes(plain)).toBe(false);
    expect(s.keyId).toBe('k1');
    expect(open(s, ring(k1), 'v-1').equals(plain)).toBe(true);
  });

  it.each([
    ['a flipped ciphertext byte', (s: ReturnType<typeof seal>) => (s.ciphertext[0] ^= 1)],
    ['a changed content hash', (s: ReturnType<typeof seal>) => (s.sha256 = '0'.repeat(64))],
    ['a changed wrapped key', (s: ReturnType<typeof seal>) => (s.wrappedKey[40] ^= 1)],
  ])('refuses %s as corrupt', (_, tamper) => {
    const s = seal(plain, k1, 'v-1');
    tamper(s);
    expect(() => open(s, ring(k1), 'v-1')).toThrow(ContentCorruptError);
  });

  it('refuses content moved to another version row', () => {
    const s = seal(plain, k1, 'v-1');
    expect(() => open(s, ring(k1), 'v-2')).toThrow(ContentCorruptError);
  });

  it('names a master key that is not configured', () => {
    expect(() => open(seal(plain, k1, 'v'), ring(k2), 'v')).toThrow(MasterKeyMissingError);
  });

  it('rotation re-wraps the data key without touching the content', () => {
    const s = seal(plain, k1, 'v-1');
    const moved = { ...s, wrappedKey: rewrap(s.wrappedKey, k1, k2, 'v-1'), keyId: 'k2' };
    expect(moved.ciphertext).toBe(s.ciphertext);
    expect(open(moved, ring(k2), 'v-1').equals(plain)).toBe(true);
  });
});
