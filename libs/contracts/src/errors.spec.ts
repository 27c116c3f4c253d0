import { ErrorCode, ERROR_CODES, errorMessage, KamError } from './errors';

const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('error messages in the caller’s language', () => {
  it.each([
    [
      'a stale update tells the user the current version (English)',
      'precondition_failed',
      'en',
      { current: 7 },
      'The record was changed by someone else (version 7); reload and try again',
    ],
    [
      'a stale update tells the user the current version (Chinese)',
      'precondition_failed',
      'zh-CN',
      { current: 7 },
      '记录已被他人修改(当前版本 7),请刷新后重试',
    ],
    [
      'an invalid request names the bad fields (English)',
      'validation_failed',
      'en',
      { fields: 'name, tier' },
      'The request is invalid: name, tier',
    ],
    [
      'an invalid request names the bad fields (Chinese)',
      'validation_failed',
      'zh-CN',
      { fields: 'name, tier' },
      '请求参数无效:name, tier',
    ],
    [
      'an unavailable service is named (English)',
      'service_unavailable',
      'en',
      { service: 'account-management' },
      'The account-management service is unavailable; try again shortly',
    ],
    [
      'an unavailable service is named (Chinese)',
      'service_unavailable',
      'zh-CN',
      { service: 'account-management' },
      'account-management 服务暂不可用,请稍后重试',
    ],
    [
      'a departed member is told so (English)',
      'member_departed',
      'en',
      {},
      'This member has left the workspace',
    ],
    ['a departed member is told so (Chinese)', 'member_departed', 'zh-CN', {}, '该成员已离职,令牌已失效'],
    ['an unknown key account (Chinese)', 'account_not_found', 'zh-CN', { id: 'x' }, '未找到该大客户'],
    [
      'a missing value leaves its place empty rather than printing "undefined"',
      'validation_failed',
      'en',
      {},
      'The request is invalid: ',
    ],
    [
      'a null value leaves its place empty',
      'precondition_failed',
      'zh-CN',
      { current: null },
      '记录已被他人修改(当前版本 ),请刷新后重试',
    ],
    [
      'a value of 0 is printed, not dropped',
      'precondition_failed',
      'en',
      { current: 0 },
      'The record was changed by someone else (version 0); reload and try again',
    ],
  ] as [string, ErrorCode, 'zh-CN' | 'en', Record<string, unknown>, string][])(
    '%s',
    (_name, code, locale, params, expected) => {
      expect(errorMessage(code, locale, params)).toBe(expected);
    },
  );

  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it.each(codes)('%s has a message in Chinese and in English, with the same placeholders', (code) => {
    const entry = ERROR_CODES[code];
    expect(entry.zh.trim()).not.toBe('');
    expect(entry.en.trim()).not.toBe('');
    expect(entry.zh).not.toBe(entry.en);
    expect(entry.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(placeholders(entry.zh)).toEqual(placeholders(entry.en));
  });

  it.each(codes)('%s is answered with a 4xx or 5xx status', (code) => {
    const { status } = ERROR_CODES[code];
    expect(Number.isInteger(status)).toBe(true);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
  });

  it.each([
    ['validation_failed', 400],
    ['unauthenticated', 401],
    ['member_departed', 401],
    ['forbidden', 403],
    ['account_not_found', 404],
    ['crm_company_already_linked', 409],
    ['idempotency_key_reused', 409],
    ['precondition_failed', 412],
    ['precondition_required', 428],
    ['internal_error', 500],
    ['service_unavailable', 503],
  ] as [ErrorCode, number][])('%s is HTTP %i', (code, status) => {
    expect(ERROR_CODES[code].status).toBe(status);
    expect(new KamError(code).status).toBe(status);
  });
});

describe('errors crossing between services', () => {
  it('a stale-version error keeps its code, status and parameters across NATS', () => {
    const remote = new KamError('precondition_failed', { current: 4 }).toRemote();
    expect(remote).toEqual({
      code: 'precondition_failed',
      status: 412,
      params: { current: 4 },
      errors: undefined,
    });
    const back = KamError.fromRemote(remote);
    expect(back).toBeInstanceOf(KamError);
    expect(back.code).toBe('precondition_failed');
    expect(back.params).toEqual({ current: 4 });
  });

  it('field errors of an invalid request survive the trip', () => {
    const errors = [{ field: 'tier', message: 'tier must be one of gold, silver' }];
    const back = KamError.fromRemote(
      new KamError('validation_failed', { fields: 'tier' }, errors).toRemote(),
    );
    expect(back.errors).toEqual(errors);
    expect(back.status).toBe(400);
  });

  it('an unknown code from another service becomes an internal error, not a crash', () => {
    const back = KamError.fromRemote({ code: 'no_such_code', status: 418 });
    expect(back.code).toBe('internal_error');
    expect(back.status).toBe(500);
    expect(back.params).toEqual({});
  });
});
