import { ConfigError, env, loadConfig } from './config';
import { commonSchema, serviceSchema } from './schemas';

/** A small schema with one variable of each kind. */
const schema = {
  DB_URL: env.url('Database URL', ['postgres', 'postgresql']),
  POOL_SIZE: env.int('Pool size', { min: 1, max: 200 }),
  HTTP_PORT: env.int('HTTP port', { default: 3000, min: 1, max: 65535 }),
  HOST: env.string('Host', { default: '127.0.0.1' }),
  SECRET: env.string('Secret', { minLength: 8 }),
  LOG_LEVEL: env.oneOf('Log level', ['info', 'debug'] as const, { default: 'info' }),
  DEV_AUTH: env.bool('Dev auth'),
  PUBLIC_URL: env.optionalString('Public URL'),
};

const VALID = {
  DB_URL: 'postgres://kam@127.0.0.1:5432/kam',
  POOL_SIZE: '10',
  SECRET: 'long-enough',
};

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    loadConfig(schema, source);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('start-up configuration', () => {
  it('a complete environment is read, with the defaults filled in', () => {
    expect(loadConfig(schema, VALID)).toEqual({
      DB_URL: 'postgres://kam@127.0.0.1:5432/kam',
      POOL_SIZE: 10,
      HTTP_PORT: 3000,
      HOST: '127.0.0.1',
      SECRET: 'long-enough',
      LOG_LEVEL: 'info',
      DEV_AUTH: false,
      PUBLIC_URL: undefined,
    });
  });

  it.each([
    ['a port given as a number', { HTTP_PORT: '8080' }, 'HTTP_PORT', 8080],
    ['a port given with spaces around it', { HTTP_PORT: ' 8081 ' }, 'HTTP_PORT', 8081],
    ['an empty port falls back to the default', { HTTP_PORT: '' }, 'HTTP_PORT', 3000],
    ['the lowest allowed port', { HTTP_PORT: '1' }, 'HTTP_PORT', 1],
    ['the highest allowed port', { HTTP_PORT: '65535' }, 'HTTP_PORT', 65535],
    ['a host', { HOST: '0.0.0.0' }, 'HOST', '0.0.0.0'],
    ['an empty host falls back to the default', { HOST: '' }, 'HOST', '127.0.0.1'],
    ['a postgresql:// URL', { DB_URL: 'postgresql://db/kam' }, 'DB_URL', 'postgresql://db/kam'],
    ['a log level', { LOG_LEVEL: 'debug' }, 'LOG_LEVEL', 'debug'],
    ['dev auth switched on with 1', { DEV_AUTH: '1' }, 'DEV_AUTH', true],
    ['dev auth switched on with TRUE', { DEV_AUTH: 'TRUE' }, 'DEV_AUTH', true],
    ['dev auth switched off with no', { DEV_AUTH: 'no' }, 'DEV_AUTH', false],
    [
      'an optional URL that is set',
      { PUBLIC_URL: 'https://kam.example.com' },
      'PUBLIC_URL',
      'https://kam.example.com',
    ],
    ['an optional URL that is empty', { PUBLIC_URL: '' }, 'PUBLIC_URL', undefined],
  ])('%s is read', (_name, over, key, value) => {
    const config = loadConfig(schema, { ...VALID, ...over }) as Record<string, unknown>;
    expect(config[key]).toEqual(value);
  });

  it.each([
    ['a missing database URL', { DB_URL: undefined }, 'DB_URL is required but not set'],
    ['a blank database URL', { DB_URL: '   ' }, 'DB_URL is required but not set'],
    ['a missing pool size', { POOL_SIZE: undefined }, 'POOL_SIZE is required but not set'],
    ['a missing secret', { SECRET: '' }, 'SECRET is required but not set'],
    ['a pool size that is not a number', { POOL_SIZE: 'ten' }, 'POOL_SIZE must be a whole number, got "ten"'],
    ['a pool size with decimals', { POOL_SIZE: '1.5' }, 'POOL_SIZE must be a whole number, got "1.5"'],
    ['a port with a unit', { HTTP_PORT: '80px' }, 'HTTP_PORT must be a whole number, got "80px"'],
    ['a pool size below the minimum', { POOL_SIZE: '0' }, 'POOL_SIZE must be at least 1'],
    ['a pool size above the maximum', { POOL_SIZE: '201' }, 'POOL_SIZE must be at most 200'],
    ['a port above the maximum', { HTTP_PORT: '65536' }, 'HTTP_PORT must be at most 65535'],
    ['a negative port', { HTTP_PORT: '-1' }, 'HTTP_PORT must be at least 1'],
    [
      'a database URL with the wrong protocol',
      { DB_URL: 'mysql://db/kam' },
      'DB_URL must use one of: postgres, postgresql',
    ],
    ['a database URL that is not a URL', { DB_URL: '127.0.0.1:5432/kam' }, 'DB_URL is not a valid URL'],
    ['a secret that is too short', { SECRET: 'short' }, 'SECRET must be at least 8 characters long'],
    ['an unknown log level', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of info, debug, got "verbose"'],
    [
      'a dev auth switch that is not yes or no',
      { DEV_AUTH: 'maybe' },
      'DEV_AUTH must be 1/0 or true/false, got "maybe"',
    ],
  ])('%s stops the start with a message naming the variable', (_name, over, problem) => {
    const source = { ...VALID, ...over };
    expect(() => loadConfig(schema, source)).toThrow(ConfigError);
    expect(problemsOf(source)).toEqual([problem]);
    expect(() => loadConfig(schema, source)).toThrow(`Invalid configuration:\n  - ${problem}`);
  });

  it('every problem is reported at once, in schema order', () => {
    const problems = problemsOf({
      POOL_SIZE: 'lots',
      HTTP_PORT: '0',
      DB_URL: 'http://db',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toEqual([
      'DB_URL must use one of: postgres, postgresql',
      'POOL_SIZE must be a whole number, got "lots"',
      'HTTP_PORT must be at least 1',
      'SECRET is required but not set',
      'LOG_LEVEL must be one of info, debug, got "loud"',
    ]);
  });

  it('the error message lists every problem on its own line', () => {
    expect(() => loadConfig(schema, { SECRET: 'long-enough' })).toThrow(
      'Invalid configuration:\n  - DB_URL is required but not set\n  - POOL_SIZE is required but not set',
    );
  });

  it('every service gets working defaults from only its database URL', () => {
    expect(loadConfig(serviceSchema, { KAM_DATABASE_URL: 'postgres://svc@127.0.0.1/kam' })).toEqual({
      KAM_NATS_URL: 'nats://127.0.0.1:4222',
      KAM_NATS_USER: undefined,
      KAM_NATS_PASSWORD: undefined,
      KAM_LOG_LEVEL: 'info',
      KAM_REQUEST_TIMEOUT_MS: 3000,
      KAM_DATABASE_URL: 'postgres://svc@127.0.0.1/kam',
      KAM_REDIS_URL: 'redis://127.0.0.1:6379',
      KAM_DB_POOL_SIZE: 10,
      KAM_OUTBOX_POLL_MS: 500,
      KAM_PERIODIC_JOBS: true,
      KAM_METRICS_PORT: undefined,
      KAM_METRICS_HOST: '127.0.0.1',
    });
  });

  it.each([
    [
      'a NATS URL over http',
      { KAM_NATS_URL: 'http://127.0.0.1:4222' },
      'KAM_NATS_URL must use one of: nats, tls',
    ],
    [
      'a request timeout under 100 ms',
      { KAM_REQUEST_TIMEOUT_MS: '99' },
      'KAM_REQUEST_TIMEOUT_MS must be at least 100',
    ],
    [
      'a request timeout over 30 s',
      { KAM_REQUEST_TIMEOUT_MS: '30001' },
      'KAM_REQUEST_TIMEOUT_MS must be at most 30000',
    ],
    [
      'credentials inside the NATS URL',
      { KAM_NATS_URL: 'nats://gateway:s3cret-s3cret-s3cret@127.0.0.1:4222' },
      'KAM_NATS_URL must not carry credentials: set KAM_NATS_USER and KAM_NATS_PASSWORD',
    ],
    [
      'a NATS user without a password',
      { KAM_NATS_USER: 'gateway' },
      'KAM_NATS_USER and KAM_NATS_PASSWORD go together',
    ],
    [
      'a NATS password without a user',
      { KAM_NATS_PASSWORD: 'n0123456789abcdefghij' },
      'KAM_NATS_USER and KAM_NATS_PASSWORD go together',
    ],
    [
      'a NATS user name with a dot (it names the inboxes)',
      { KAM_NATS_USER: 'gate.way', KAM_NATS_PASSWORD: 'n0123456789abcdefghij' },
      'KAM_NATS_USER must be 1 to 64 letters, digits, - or _',
    ],
    [
      'a NATS password under 16 characters',
      { KAM_NATS_USER: 'gateway', KAM_NATS_PASSWORD: 'short-pw' },
      'KAM_NATS_PASSWORD must be at least 16 characters long, without spaces',
    ],
  ])('the shared variables refuse %s', (_name, over, problem) => {
    expect(() => loadConfig(commonSchema, over)).toThrow(problem);
  });

  it.each([
    [
      'in the URL',
      { KAM_NATS_URL: 'nats://gateway:s3cret-s3cret-s3cret@127.0.0.1:4222' },
      's3cret-s3cret-s3cret',
    ],
    ['too short', { KAM_NATS_USER: 'gateway', KAM_NATS_PASSWORD: 'tiny-secret' }, 'tiny-secret'],
    [
      'with a space',
      { KAM_NATS_USER: 'gateway', KAM_NATS_PASSWORD: 'a long secret with spaces' },
      'with spaces',
    ],
  ])('a refused NATS password %s is never repeated in the message', (_name, over, secret) => {
    expect(() => loadConfig(commonSchema, over)).toThrow(ConfigError);
    try {
      loadConfig(commonSchema, over);
    } catch (e) {
      expect((e as Error).message).not.toContain(secret);
    }
  });

  it('the NATS user and password are read together', () => {
    expect(
      loadConfig(commonSchema, { KAM_NATS_USER: 'gateway', KAM_NATS_PASSWORD: 'n0123456789abcdefghij' }),
    ).toMatchObject({ KAM_NATS_USER: 'gateway', KAM_NATS_PASSWORD: 'n0123456789abcdefghij' });
  });
});
