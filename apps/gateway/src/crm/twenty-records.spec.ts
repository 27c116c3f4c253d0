import { microsToMinor, parseEventName, toCompany, toOpportunity, toPerson } from './twenty-records';
import { retryAfterMs } from './twenty-client';

describe("Twenty's records as KAM reads them", () => {
  it('a company: name, domain, employees and city', () => {
    expect(
      toCompany({
        id: 'c1',
        name: ' 深圳华为技术有限公司 ',
        domainName: { primaryLinkUrl: 'https://huawei.com' },
        employees: 207000,
        address: { addressCity: '深圳' },
      }),
    ).toEqual({
      id: 'c1',
      name: '深圳华为技术有限公司',
      domain: 'https://huawei.com',
      employees: 207000,
      city: '深圳',
    });
  });

  it('a company without a name or address still maps; without an id it does not', () => {
    expect(toCompany({ id: 'abcdef123456' })).toEqual({
      id: 'abcdef123456',
      name: '(abcdef12)',
      domain: null,
      employees: null,
      city: null,
    });
    expect(toCompany({ name: 'x' })).toBeNull();
  });

  it('a person: full name, first e-mail, phone with calling code, job title, company', () => {
    expect(
      toPerson({
        id: 'p1',
        name: { firstName: '伟', lastName: '李' },
        emails: { primaryEmail: 'li.wei@example.cn' },
        phones: { primaryPhoneNumber: '13800138000', primaryPhoneCallingCode: '+86' },
        jobTitle: '采购总监',
        companyId: 'c1',
      }),
    ).toEqual({
      id: 'p1',
      companyId: 'c1',
      name: '伟 李',
      jobTitle: '采购总监',
      email: 'li.wei@example.cn',
      phone: '+86 13800138000',
    });
  });

  it.each([
    ['CUSTOMER (the last stage of Twenty’s standard pipeline)', 'CUSTOMER', true],
    ['won in lower case', 'won', true],
    ['PROPOSAL', 'PROPOSAL', false],
    ['no stage', undefined, false],
  ])('an opportunity at %s is won: %s', (_what, stage, won) => {
    expect(
      toOpportunity({ id: 'o1', stage, amount: { amountMicros: 1_000_000, currencyCode: 'CNY' } })?.won,
    ).toBe(won);
  });

  it('an opportunity keeps amount in minor units, currency and close date', () => {
    expect(
      toOpportunity({
        id: 'o1',
        name: '年度采购',
        stage: 'CUSTOMER',
        amount: { amountMicros: '1250000000000', currencyCode: 'CNY' },
        closeDate: '2025-06-30T00:00:00.000Z',
        companyId: 'c1',
      }),
    ).toEqual({
      id: 'o1',
      companyId: 'c1',
      name: '年度采购',
      won: true,
      amountMinor: 125_000_000,
      currency: 'CNY',
      closeDate: '2025-06-30',
    });
  });

  it.each([
    [1_000_000, 100],
    [1_250_000_000_000, 125_000_000],
    [5_000, 1],
    [0, null],
    [-1_000_000, null],
    [null, null],
    ['abc', null],
  ])('amountMicros %p is %p minor units', (micros, minor) => {
    expect(microsToMinor(micros)).toBe(minor);
  });

  it.each([
    ['company.created', { object: 'company', action: 'upsert' }],
    ['company.updated', { object: 'company', action: 'upsert' }],
    ['company.deleted', { object: 'company', action: 'delete' }],
    ['person.destroyed', { object: 'person', action: 'delete' }],
    ['opportunity.restored', { object: 'opportunity', action: 'upsert' }],
    ['note.created', { object: null }],
    ['company.somethingElse', { object: null }],
    [42, { object: null }],
  ])('event %p is %p', (name, parsed) => {
    expect(parseEventName(name)).toEqual(parsed);
  });

  it.each([
    ['seconds', '2', 2000],
    ['fractional seconds', '0.5', 500],
    ['an HTTP date 3 s ahead', new Date(1_000_000 + 3000).toUTCString(), 3000],
    ['missing', null, undefined],
    ['garbage', 'soon', undefined],
  ])('Retry-After in %s waits %p ms', (_what, header, ms) => {
    expect(retryAfterMs(header as string | null, 1_000_000)).toBe(ms);
  });
});
