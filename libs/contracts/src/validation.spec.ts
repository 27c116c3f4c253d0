import { IsInt, IsString } from 'class-validator';
import { CreateAccountDto, MoneyDto, UpdateAccountDto } from './accounts/account.dto';
import { KamError } from './errors';
import { parseDto, validationError } from './validation';

const VALID_BODY = {
  crmCompanyId: 'crm-42',
  name: '深圳华为技术有限公司',
  tier: 'gold',
  category: 'industry',
  status: 'prospect',
  industry: '通信设备',
  region: '华南',
  ownerId: '11111111-1111-4111-8111-111111111111',
  serviceTeamId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  assistantIds: ['22222222-2222-4222-8222-222222222222'],
  annualPurchase: { amountMinor: 150000000, currency: 'CNY' },
  profitContributionPct: 12.5,
};

/** The validation error parseDto throws, or a failure when it accepts the input. */
function rejection(cls: new () => object, plain: unknown): KamError {
  try {
    parseDto(cls, plain);
  } catch (e) {
    if (e instanceof KamError) return e;
    throw e;
  }
  throw new Error('expected the input to be rejected');
}

const fieldsOf = (e: KamError) => (e.errors ?? []).map((x) => x.field);

describe('checking a new key account sent by a caller', () => {
  it('a complete, valid account is accepted as it was sent', () => {
    const dto = parseDto(CreateAccountDto, VALID_BODY);
    expect(dto).toBeInstanceOf(CreateAccountDto);
    expect(dto.annualPurchase).toBeInstanceOf(MoneyDto);
    expect({ ...dto, annualPurchase: { ...dto.annualPurchase } }).toEqual(VALID_BODY);
  });

  it('an account with only the required fields is accepted', () => {
    const body = { crmCompanyId: 'crm-1', name: 'A', tier: 'silver', category: 'regional' };
    expect({ ...parseDto(CreateAccountDto, body) }).toEqual(body);
  });

  it.each([
    ['a field the API does not have', { ...VALID_BODY, discount: 5 }, ['discount']],
    ['two unknown fields', { ...VALID_BODY, discount: 5, vip: true }, ['discount', 'vip']],
    [
      'an unknown field inside the annual purchase',
      { ...VALID_BODY, annualPurchase: { amountMinor: 1, currency: 'CNY', rate: 7.1 } },
      ['annualPurchase.rate'],
    ],
  ])('%s is refused and named, not silently dropped', (_name, body, fields) => {
    const e = rejection(CreateAccountDto, body);
    expect(e.code).toBe('validation_failed');
    expect(e.status).toBe(400);
    expect(e.params).toEqual({ fields: fields.join(', ') });
    expect(e.errors).toEqual(
      fields.map((field) => ({ field, message: `property ${field.split('.').pop()} should not exist` })),
    );
  });

  it.each([
    ['nothing (null)', null],
    ['no body at all', undefined],
    ['a list', [VALID_BODY]],
    ['a string', 'name=A'],
    ['a number', 42],
    ['true', true],
  ])('%s instead of an account is refused as not a JSON object', (_name, plain) => {
    const e = rejection(CreateAccountDto, plain);
    expect(e.code).toBe('validation_failed');
    expect(e.params).toEqual({ fields: '(body)' });
    expect(e.errors).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
  });

  it.each([
    ['without a CRM company id', { crmCompanyId: undefined }, ['crmCompanyId']],
    ['with an empty name', { name: '' }, ['name']],
    ['with a category outside industry/regional/potential', { category: 'vip' }, ['category']],
    ['with an unknown pipeline status', { status: 'won' }, ['status']],
    ['with an owner id that is not a UUID', { ownerId: 'zhang-san' }, ['ownerId']],
    ['with an assistant id that is not a UUID', { assistantIds: ['li-si'] }, ['assistantIds']],
    ['with a profit contribution over 100%', { profitContributionPct: 101 }, ['profitContributionPct']],
    [
      'with a profit contribution of three decimals',
      { profitContributionPct: 12.345 },
      ['profitContributionPct'],
    ],
    ['with a profit contribution sent as text', { profitContributionPct: '12.5' }, ['profitContributionPct']],
  ])('an account %s is refused, naming the field', (_name, over, fields) => {
    const e = rejection(CreateAccountDto, { ...VALID_BODY, ...over });
    expect([...new Set(fieldsOf(e))]).toEqual(fields);
    expect(e.params).toEqual({ fields: fields.join(', ') });
  });
});

describe('checking an amount of money (minor units plus currency)', () => {
  const withMoney = (annualPurchase: unknown) => ({ ...VALID_BODY, annualPurchase });

  it.each([
    ['zero yuan', { amountMinor: 0, currency: 'CNY' }],
    ['1.5 billion fen', { amountMinor: 150000000, currency: 'CNY' }],
    ['US dollars', { amountMinor: 999, currency: 'USD' }],
    ['the largest safe amount', { amountMinor: Number.MAX_SAFE_INTEGER, currency: 'EUR' }],
  ])('%s is accepted', (_name, money) => {
    const dto = parseDto(CreateAccountDto, withMoney(money));
    expect(dto.annualPurchase).toBeInstanceOf(MoneyDto);
    expect({ ...dto.annualPurchase }).toEqual(money);
  });

  it.each([
    [
      'an amount with decimals (yuan instead of fen)',
      { amountMinor: 1500.5, currency: 'CNY' },
      'annualPurchase.amountMinor',
    ],
    ['a negative amount', { amountMinor: -1, currency: 'CNY' }, 'annualPurchase.amountMinor'],
    ['an amount sent as text', { amountMinor: '100', currency: 'CNY' }, 'annualPurchase.amountMinor'],
    [
      'an amount beyond what is exact',
      { amountMinor: 2 ** 53, currency: 'CNY' },
      'annualPurchase.amountMinor',
    ],
    ['a missing amount', { currency: 'CNY' }, 'annualPurchase.amountMinor'],
    ['a lower-case currency', { amountMinor: 100, currency: 'cny' }, 'annualPurchase.currency'],
    ['a two-letter currency', { amountMinor: 100, currency: 'CN' }, 'annualPurchase.currency'],
    ['a four-letter currency', { amountMinor: 100, currency: 'CNYY' }, 'annualPurchase.currency'],
    ['a currency symbol', { amountMinor: 100, currency: '¥' }, 'annualPurchase.currency'],
    ['a missing currency', { amountMinor: 100 }, 'annualPurchase.currency'],
  ])('%s is refused, naming the nested field', (_name, money, field) => {
    const e = rejection(CreateAccountDto, withMoney(money));
    expect(e.code).toBe('validation_failed');
    expect([...new Set(fieldsOf(e))]).toEqual([field]);
    expect(e.params).toEqual({ fields: field });
  });

  it('a bad currency is explained with an example', () => {
    const e = rejection(CreateAccountDto, withMoney({ amountMinor: 100, currency: 'rmb' }));
    expect(e.errors).toEqual([
      { field: 'annualPurchase.currency', message: 'currency must be an ISO 4217 code such as CNY' },
    ]);
  });

  it('both bad parts of an amount are reported together', () => {
    const e = rejection(CreateAccountDto, withMoney({ amountMinor: -5, currency: 'cny' }));
    expect(e.params).toEqual({ fields: 'annualPurchase.amountMinor, annualPurchase.currency' });
  });

  it.each([
    ['a plain number', 1500],
    ['a text amount', '1500 CNY'],
  ])('an annual purchase given as %s instead of amount and currency is refused', (_name, value) => {
    expect(fieldsOf(rejection(CreateAccountDto, withMoney(value)))).toContain('annualPurchase');
  });
});

describe('checking changes to a key account', () => {
  it('an empty change set is accepted', () => {
    expect({ ...parseDto(UpdateAccountDto, {}) }).toEqual({});
  });

  it('a change of region and annual purchase is accepted', () => {
    const dto = parseDto(UpdateAccountDto, {
      region: '华东',
      annualPurchase: { amountMinor: 5, currency: 'CNY' },
    });
    expect(dto.region).toBe('华东');
    expect(dto.annualPurchase).toBeInstanceOf(MoneyDto);
  });

  it.each([
    ['the CRM company id, which cannot be changed', { crmCompanyId: 'crm-2' }, 'crmCompanyId'],
    ['the tier, which has its own operation with a reason', { tier: 'diamond' }, 'tier'],
    ['the owner, which is an assignment', { ownerId: '33333333-3333-4333-8333-333333333333' }, 'ownerId'],
    ['the stage, which follows the pipeline', { status: 'active' }, 'status'],
    ['the version, which comes from If-Match', { version: 4 }, 'version'],
  ])('a change to %s is refused', (_name, body, field) => {
    const e = rejection(UpdateAccountDto, body);
    expect(e.errors).toEqual([{ field, message: `property ${field} should not exist` }]);
  });
});

describe('summarising field errors', () => {
  it('each bad field is named once, in the order found', () => {
    const e = validationError([
      { field: 'tier', message: 'a' },
      { field: 'name', message: 'b' },
      { field: 'tier', message: 'c' },
    ]);
    expect(e.code).toBe('validation_failed');
    expect(e.params).toEqual({ fields: 'tier, name' });
    expect(e.errors).toHaveLength(3);
  });
});

describe('refusing hostile shapes before class-transformer sees them', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });
  it.each([
    ['__proto__ at the top', '{"__proto__":{"polluted":true}}', '__proto__'],
    [
      'constructor.prototype inside a field',
      '{"annualPurchase":{"constructor":{"prototype":{"x":1}}}}',
      'annualPurchase.constructor',
    ],
    ['prototype inside an array item', '{"assistantIds":[{"prototype":1}]}', 'assistantIds.0.prototype'],
  ])('%s is a 400 naming the field', (_what, json, field) => {
    const e = rejection(CreateAccountDto, JSON.parse(json));
    expect(e.code).toBe('validation_failed');
    expect(fieldsOf(e)).toEqual([field]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a body nested deeper than 32 levels is a 400', () => {
    const e = rejection(UpdateAccountDto, { region: nested(40) });
    expect(e.code).toBe('validation_failed');
    expect(e.errors?.[0].message).toMatch(/deeper than 32/);
  });

  it('ordinary bodies pass the check untouched', () => {
    expect(() => parseDto(CreateAccountDto, VALID_BODY)).not.toThrow();
  });
});

describe('refusing text PostgreSQL cannot store (a NUL character, half of an emoji)', () => {
  it.each([
    ['a NUL character in a name', { name: '华为\u0000科技' }, 'name', /NUL character/],
    ['a NUL character alone', { industry: '\u0000' }, 'industry', /NUL character/],
    ['a high surrogate without its pair', { name: '华为\ud800' }, 'name', /lone UTF-16 surrogate/],
    ['a low surrogate without its pair', { name: '\udc00公司' }, 'name', /lone UTF-16 surrogate/],
    ['a pair the wrong way round', { region: '\ude00\ud83d' }, 'region', /lone UTF-16 surrogate/],
    [
      'a NUL character in a list item',
      { assistantIds: ['22222222-2222-4222-8222-222222222222', 'x\u0000'] },
      'assistantIds.1',
      /NUL character/,
    ],
    ['a NUL character in a property name', { 'na\u0000me': 'A' }, '(body)', /property name/],
    [
      'a NUL character inside a nested field',
      { annualPurchase: { amountMinor: 1, currency: 'CN\u0000' } },
      'annualPurchase.currency',
      /NUL character/,
    ],
  ])('%s is a 400 naming the field', (_what, change, field, message) => {
    const e = rejection(UpdateAccountDto, change);
    expect(e.code).toBe('validation_failed');
    expect(e.params).toEqual({ fields: field });
    expect(e.errors).toEqual([{ field, message: expect.stringMatching(message) as string }]);
  });

  it.each([
    ['a whole emoji (a surrogate pair)', '笑脸😀公司'],
    ['the characters of a Chinese company name', '深圳华为技术有限公司'],
    ['a tab and a newline', '第一行\n\t第二行'],
    ['the replacement character itself', '\ufffd'],
  ])('%s is ordinary text', (_what, name) => {
    expect(parseDto(UpdateAccountDto, { name }).name).toBe(name);
  });
});

describe('the rules of each class, kept between validations', () => {
  it('the same body gives the same answer the second time', () => {
    const bad = { ...VALID_BODY, tier: '', annualPurchase: { amountMinor: -1, currency: 'cny' } };
    const first = fieldsOf(rejection(CreateAccountDto, bad));
    expect(first).toEqual(expect.arrayContaining(['tier', 'annualPurchase.amountMinor']));
    expect(fieldsOf(rejection(CreateAccountDto, bad))).toEqual(first);
    expect(() => parseDto(CreateAccountDto, VALID_BODY)).not.toThrow();
  });

  it('a rule added after a class was validated counts (a subclass declared later, a rule added to a class)', () => {
    class Later {
      @IsString()
      name!: string;
    }
    expect(fieldsOf(rejection(Later, { name: 1 }))).toEqual(['name']);
    expect(() => parseDto(Later, { name: 'x' })).not.toThrow();
    // A decorator applied now, as a class declared later would: the class's rules are looked up again.
    IsInt()(Later.prototype, 'size');
    expect(() => parseDto(Later, { name: 'x', size: 3 })).not.toThrow(); // not "size should not exist"
    expect(fieldsOf(rejection(Later, { name: 'x', size: 'big' }))).toEqual(['size']);
    class Sub extends Later {
      @IsString()
      extra!: string;
    }
    expect(fieldsOf(rejection(Sub, { name: 'x', size: 1 }))).toEqual(['extra']);
  });
});
