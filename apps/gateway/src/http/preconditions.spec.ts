import { KamError } from '@app/contracts';
import { etagOf, idempotencyKeyOf, versionFromIfMatch } from './preconditions';

function errorOf(fn: () => unknown): KamError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KamError) return e;
    throw e;
  }
  throw new Error('expected a KamError');
}

describe('the account version a caller sends when updating (If-Match)', () => {
  it.each([
    ['the ETag as given, "3"', '"3"', 3],
    ['a weak ETag, W/"3"', 'W/"3"', 3],
    ['a bare number, 3', '3', 3],
    ['an ETag with spaces around it', '  "12"  ', 12],
    ['version 1, the first version of an account', '"1"', 1],
    ['a large version', '"999999999"', 999999999],
  ])('%s is read as the version', (_name, header, version) => {
    expect(versionFromIfMatch(header)).toBe(version);
  });

  it.each([
    ['no If-Match header at all', undefined],
    ['an empty If-Match header', ''],
    ['an If-Match header of only spaces', '   '],
  ])('%s is answered 428: the version is required', (_name, header) => {
    const e = errorOf(() => versionFromIfMatch(header));
    expect(e.code).toBe('precondition_required');
    expect(e.status).toBe(428);
  });

  it.each([
    ['a word instead of a version, "abc"', '"abc"'],
    ['version "0", which no account has', '"0"'],
    ['a negative version', '"-1"'],
    ['a version with decimals', '"3.5"'],
    ['a version of ten digits', '"1234567890"'],
    ['two versions at once', '"3", "4"'],
    ['the wildcard *', '*'],
    ['a lower-case weak marker', 'w/"3"'],
  ])('%s is refused as an invalid If-Match', (_name, header) => {
    const e = errorOf(() => versionFromIfMatch(header));
    expect(e.code).toBe('validation_failed');
    expect(e.status).toBe(400);
    expect(e.params).toEqual({ fields: 'If-Match' });
    expect(e.errors).toEqual([
      { field: 'If-Match', message: 'If-Match must be the record version, e.g. "3"' },
    ]);
  });

  it.each([
    [1, '"1"'],
    [42, '"42"'],
  ])('version %i is sent back as the ETag %s, which If-Match reads again', (version, etag) => {
    expect(etagOf(version)).toBe(etag);
    expect(versionFromIfMatch(etagOf(version))).toBe(version);
  });
});

describe('the key that makes creating an account safe to retry (Idempotency-Key)', () => {
  it.each([
    ['no key: the request is not deduplicated', undefined, undefined],
    ['a UUID key', '5f0c6f8e-2b1d-4a8e-9c3b-7d1e2f3a4b5c', '5f0c6f8e-2b1d-4a8e-9c3b-7d1e2f3a4b5c'],
    ['a one-character key', 'a', 'a'],
    ['a key of 200 characters', 'k'.repeat(200), 'k'.repeat(200)],
    ['a key with punctuation', 'order#2024/11-26:001', 'order#2024/11-26:001'],
  ])('%s is accepted', (_name, header, key) => {
    expect(idempotencyKeyOf(header)).toBe(key);
  });

  it.each([
    ['an empty key', ''],
    ['a key of 201 characters', 'k'.repeat(201)],
    ['a key with a space', 'order 1'],
    ['a key with Chinese characters', '订单-001'],
    ['a key with a tab', 'order\t1'],
  ])('%s is refused', (_name, header) => {
    const e = errorOf(() => idempotencyKeyOf(header));
    expect(e.code).toBe('validation_failed');
    expect(e.params).toEqual({ fields: 'Idempotency-Key' });
    expect(e.errors).toEqual([
      { field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-200 visible ASCII characters' },
    ]);
  });
});
