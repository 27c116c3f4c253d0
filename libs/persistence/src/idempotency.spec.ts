import { idempotencyCaller, requestHash } from './idempotency';

const ACCOUNT = {
  crmCompanyId: 'crm-42',
  name: '深圳华为技术有限公司',
  tier: 'gold',
  category: 'industry',
  assistantIds: ['a', 'b'],
  annualPurchase: { amountMinor: 150000000, currency: 'CNY' },
};

describe('recognising a retried "create account" request (request hash)', () => {
  it('the hash is a SHA-256 hex digest', () => {
    expect(requestHash(ACCOUNT)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [
      'the same fields in another order',
      {
        annualPurchase: { currency: 'CNY', amountMinor: 150000000 },
        assistantIds: ['a', 'b'],
        category: 'industry',
        tier: 'gold',
        name: '深圳华为技术有限公司',
        crmCompanyId: 'crm-42',
      },
    ],
    ['the same request with an optional field left undefined', { ...ACCOUNT, region: undefined }],
    [
      'the same request with an undefined field inside the annual purchase',
      { ...ACCOUNT, annualPurchase: { ...ACCOUNT.annualPurchase, note: undefined } },
    ],
  ])('%s counts as the same request', (_name, body) => {
    expect(requestHash(body)).toBe(requestHash(ACCOUNT));
  });

  it.each([
    ['another name', { ...ACCOUNT, name: '华为' }],
    ['another tier', { ...ACCOUNT, tier: 'silver' }],
    ['another amount', { ...ACCOUNT, annualPurchase: { amountMinor: 150000001, currency: 'CNY' } }],
    ['another currency', { ...ACCOUNT, annualPurchase: { amountMinor: 150000000, currency: 'USD' } }],
    ['the amount as text', { ...ACCOUNT, annualPurchase: { amountMinor: '150000000', currency: 'CNY' } }],
    ['the assistants in another order', { ...ACCOUNT, assistantIds: ['b', 'a'] }],
    ['one more assistant', { ...ACCOUNT, assistantIds: ['a', 'b', 'c'] }],
    ['an extra field', { ...ACCOUNT, region: '华南' }],
    ['an optional field set to null', { ...ACCOUNT, region: null }],
    ['a field missing', { ...ACCOUNT, tier: undefined }],
  ])('%s counts as a different request', (_name, body) => {
    expect(requestHash(body)).not.toBe(requestHash(ACCOUNT));
  });

  it.each([
    ['null and an empty object', null, {}],
    ['an empty list and an empty object', [], {}],
    ['the number 1 and the text "1"', 1, '1'],
    ['true and the text "true"', true, 'true'],
    ['a key "a,b" and two keys', { 'a,b': 1 }, { a: 1, b: 1 }],
  ])('%s are told apart', (_name, a, b) => {
    expect(requestHash(a)).not.toBe(requestHash(b));
  });

  it('fields nested in lists, in another order, count as the same request', () => {
    expect(requestHash({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(requestHash({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });
});

describe('an Idempotency-Key belongs to its caller', () => {
  it.each([
    ['a member', { memberId: 'ABC-1', kind: 'user' as const }, 'user:abc-1'],
    ['a member without a kind (a user token)', { memberId: 'abc-1' }, 'user:abc-1'],
    ['an API key', { memberId: 'apikey:k1', kind: 'api_key' as const }, 'api_key:apikey:k1'],
    ['a job', { memberId: 'system:crm-sync', kind: 'system' as const }, 'system:system:crm-sync'],
  ])('%s has a caller of its own', (_what, actor, caller) => {
    expect(idempotencyCaller(actor)).toBe(caller);
  });

  it('two members, or a member and their API key, never share a key', () => {
    const callers = new Set([
      idempotencyCaller({ memberId: 'd1', kind: 'user' }),
      idempotencyCaller({ memberId: 'r1', kind: 'user' }),
      idempotencyCaller({ memberId: 'd1', kind: 'api_key' }),
    ]);
    expect(callers.size).toBe(3);
  });
});
