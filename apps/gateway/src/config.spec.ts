import { ConfigError } from '@app/config';
import { validateGatewayConfig } from './config';

const DB = { KAM_DATABASE_URL: 'postgres://gateway@127.0.0.1:5432/kam' };
const SECRET_32 = 'x'.repeat(32);

function problemsOf(source: Record<string, string>): string[] {
  try {
    validateGatewayConfig(source);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('gateway configuration: how user tokens are verified', () => {
  it.each([
    ['a 32-character secret', { KAM_JWT_SECRET: SECRET_32 }],
    ['a JWKS URL over https', { KAM_JWKS_URL: 'https://sso.example.com/.well-known/jwks.json' }],
    ['a JWKS URL over http', { KAM_JWKS_URL: 'http://127.0.0.1:8080/jwks.json' }],
    [
      'both a secret and a JWKS URL',
      { KAM_JWT_SECRET: SECRET_32, KAM_JWKS_URL: 'https://sso.example.com/jwks' },
    ],
  ] as [string, { KAM_JWT_SECRET?: string; KAM_JWKS_URL?: string }][])(
    'the gateway starts with %s',
    (_name, over) => {
      const config = validateGatewayConfig({ ...DB, ...over });
      expect(config.KAM_JWT_SECRET).toBe(over.KAM_JWT_SECRET);
      expect(config.KAM_JWKS_URL).toBe(over.KAM_JWKS_URL);
      expect(config.KAM_HTTP_PORT).toBe(3000);
      expect(config.KAM_HTTP_HOST).toBe('127.0.0.1');
      expect(config.KAM_DEV_AUTH).toBe(false);
    },
  );

  it.each([
    [
      'neither a secret nor a JWKS URL',
      {},
      ['KAM_JWT_SECRET or KAM_JWKS_URL is required (how user tokens are verified)'],
    ],
    [
      'an empty secret and an empty JWKS URL',
      { KAM_JWT_SECRET: '', KAM_JWKS_URL: '' },
      ['KAM_JWT_SECRET or KAM_JWKS_URL is required (how user tokens are verified)'],
    ],
    [
      'a 31-character secret',
      { KAM_JWT_SECRET: 'x'.repeat(31) },
      ['KAM_JWT_SECRET must be at least 32 characters long'],
    ],
    [
      'a JWKS URL over ftp',
      { KAM_JWKS_URL: 'ftp://sso.example.com/jwks' },
      ['KAM_JWKS_URL must be an http(s) URL'],
    ],
    ['a JWKS URL that is not a URL', { KAM_JWKS_URL: 'sso/jwks' }, ['KAM_JWKS_URL is not a valid URL']],
    [
      'a short secret and a bad JWKS URL',
      { KAM_JWT_SECRET: 'secret', KAM_JWKS_URL: 'sso/jwks' },
      ['KAM_JWT_SECRET must be at least 32 characters long', 'KAM_JWKS_URL is not a valid URL'],
    ],
  ])('the gateway refuses to start with %s', (_name, over, problems) => {
    expect(() => validateGatewayConfig({ ...DB, ...over })).toThrow(ConfigError);
    expect(problemsOf({ ...DB, ...over })).toEqual(problems);
  });

  it('the gateway refuses to start without its database URL, naming it', () => {
    expect(() => validateGatewayConfig({ KAM_JWT_SECRET: SECRET_32 })).toThrow(
      'KAM_DATABASE_URL is required but not set',
    );
  });
});
