import { env } from './config';

/** Variables every app reads. */
export const commonSchema = {
  KAM_NATS_URL: env.url('NATS server URL', ['nats', 'tls'], { default: 'nats://127.0.0.1:4222' }),
  KAM_LOG_LEVEL: env.oneOf(
    'Log level',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    {
      default: 'info',
    },
  ),
  KAM_REQUEST_TIMEOUT_MS: env.int('Timeout of every NATS request, in milliseconds', {
    default: 3000,
    min: 100,
    max: 30000,
  }),
};

/** Variables of a service that owns a schema. */
export const serviceSchema = {
  ...commonSchema,
  KAM_DATABASE_URL: env.url("PostgreSQL URL of this service's own login role", ['postgres', 'postgresql']),
  KAM_REDIS_URL: env.url('Redis URL (BullMQ)', ['redis', 'rediss'], { default: 'redis://127.0.0.1:6379' }),
  KAM_DB_POOL_SIZE: env.int('Connections in the PostgreSQL pool', { default: 10, min: 1, max: 200 }),
  KAM_PERIODIC_JOBS: env.bool('0 pauses the runs that job schedulers produce (tests drive jobs by hand)', {
    default: true,
  }),
  KAM_OUTBOX_POLL_MS: env.int('Outbox relay poll interval when idle, in milliseconds', {
    default: 500,
    min: 10,
    max: 60000,
  }),
};

export const gatewaySchema = {
  ...commonSchema,
  KAM_DATABASE_URL: env.url("PostgreSQL URL of the gateway's own login role (API keys)", [
    'postgres',
    'postgresql',
  ]),
  KAM_REDIS_URL: env.url('Redis URL (BullMQ, job console)', ['redis', 'rediss'], {
    default: 'redis://127.0.0.1:6379',
  }),
  KAM_HTTP_PORT: env.int('HTTP port of the gateway', { default: 3000, min: 1, max: 65535 }),
  KAM_HTTP_HOST: env.string('Interface the gateway listens on', { default: '127.0.0.1' }),
  KAM_JWT_SECRET: env.optionalString('HS256 secret for user tokens (at least 32 characters)'),
  KAM_JWKS_URL: env.optionalString('JWKS URL for RS256 user tokens (instead of, or beside, KAM_JWT_SECRET)'),
  KAM_JWT_ISSUER: env.optionalString('Expected `iss` claim, if set'),
  KAM_DEV_AUTH: env.bool('1 enables POST /api/v1/dev/token (never in production)', { default: false }),
};
