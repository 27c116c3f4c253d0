import { ConfigError, env } from './config';
import { CrmAllowedHost, parseCrmAllowedHosts } from './crm-allowed-hosts';

const natsUrl = env.url('NATS server URL', ['nats', 'tls'], { default: 'nats://127.0.0.1:4222' });

/** Variables every app reads. */
export const commonSchema = {
  KAM_NATS_URL: {
    description: `${natsUrl.description} (without credentials: they go in KAM_NATS_USER and KAM_NATS_PASSWORD)`,
    parse: (raw: string | undefined, name: string): string => {
      const v = natsUrl.parse(raw, name);
      // Never echoed: the URL may hold a password here.
      const u = new URL(v);
      if (u.username || u.password)
        throw new ConfigError([
          `${name} must not carry credentials: set KAM_NATS_USER and KAM_NATS_PASSWORD`,
        ]);
      return v;
    },
  },
  // NATS authentication (issue 14, ADR 0018): the app's own NATS user; both or neither (a NATS without users).
  KAM_NATS_USER: {
    description: "This app's NATS user (gateway, account-management, …); unset: connect without credentials",
    parse: (raw: string | undefined, name: string): string | undefined => {
      if (raw === undefined || raw.trim() === '') return undefined;
      const v = raw.trim();
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(v))
        throw new ConfigError([
          `${name} must be 1 to 64 letters, digits, - or _ (it names the app's inboxes)`,
        ]);
      return v;
    },
    across: (c: Record<string, unknown>): string | undefined =>
      (c.KAM_NATS_USER === undefined) !== (c.KAM_NATS_PASSWORD === undefined)
        ? 'KAM_NATS_USER and KAM_NATS_PASSWORD go together: set both, or neither for a NATS without users'
        : undefined,
  },
  KAM_NATS_PASSWORD: {
    description: "The password of this app's NATS user (at least 16 characters, no spaces)",
    parse: (raw: string | undefined, name: string): string | undefined => {
      if (raw === undefined || raw === '') return undefined;
      // Never echoed, whatever is wrong with it.
      if (raw.length < 16 || /[\s\p{Cc}]/u.test(raw))
        throw new ConfigError([`${name} must be at least 16 characters long, without spaces`]);
      return raw;
    },
  },
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

/** The app's NATS user and password from its configuration, when it has them (read together, see above). */
export function natsCredentialsOf(c: {
  KAM_NATS_USER?: string;
  KAM_NATS_PASSWORD?: string;
}): { user: string; password: string } | undefined {
  return c.KAM_NATS_USER && c.KAM_NATS_PASSWORD
    ? { user: c.KAM_NATS_USER, password: c.KAM_NATS_PASSWORD }
    : undefined;
}

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
  KAM_METRICS_PORT: {
    description: 'Port of the Prometheus listener (GET /metrics); unset: no listener',
    parse: (raw: string | undefined, name: string): number | undefined =>
      raw === undefined || raw.trim() === ''
        ? undefined
        : env.int('', { min: 1, max: 65535 }).parse(raw, name),
  },
  KAM_METRICS_HOST: env.string('Interface the metrics listener binds to', { default: '127.0.0.1' }),
};

/** Upload size limit of documents (issue 6), read by the gateway (multipart) and document-security. */
const documentMaxBytes = env.int('Largest document upload, in bytes (default 25 MB)', {
  default: 25 * 1024 * 1024,
  min: 1,
  max: 1024 * 1024 * 1024,
});

/**
 * Export controls (issue 6): an export of more items than this (documents in one zip, rows of the account CSV)
 * needs an export request approved by the director. Read by document-security and account-management.
 */
export const exportApprovalThreshold = env.int(
  "Exports of more items than this (documents, account rows) need the director's approval first",
  { default: 100, min: 0, max: 1_000_000 },
);

const masterKeysText = env.string(
  'Master keys of document encryption: comma-separated keyId:base64key (32 bytes each); the first is current',
);

/** `keyId:base64key` pairs, each key 32 bytes; the first is the current one. Throws a message naming the fault. */
export function parseMasterKeys(
  raw: string,
  name = 'KAM_DOCUMENT_MASTER_KEYS',
): { id: string; key: Buffer }[] {
  const out: { id: string; key: Buffer }[] = [];
  for (const part of raw.split(',').map((p) => p.trim())) {
    const at = part.indexOf(':');
    const id = at > 0 ? part.slice(0, at) : '';
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id))
      throw new ConfigError([
        `${name}: each entry must be keyId:base64key (keyId of letters, digits, _ . -)`,
      ]);
    const b64 = part.slice(at + 1);
    const key = Buffer.from(b64, 'base64');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64) || key.length !== 32)
      throw new ConfigError([
        `${name}: the key of "${id}" must be 32 bytes in base64 (got ${key.length} bytes)`,
      ]);
    if (out.some((k) => k.id === id)) throw new ConfigError([`${name}: key id "${id}" appears twice`]);
    out.push({ id, key });
  }
  return out;
}

/** Variables of document-security: a service plus the upload limit and the master keys. */
export const documentSecuritySchema = {
  ...serviceSchema,
  KAM_DOCUMENT_MAX_BYTES: documentMaxBytes,
  KAM_EXPORT_APPROVAL_THRESHOLD: exportApprovalThreshold,
  KAM_GRANT_MAX_DAYS: env.int('Longest a document grant may run, in days from its creation', {
    default: 365,
    min: 1,
    max: 3650,
  }),
  KAM_DOCUMENT_MASTER_KEYS: {
    description: masterKeysText.description,
    parse: (raw: string | undefined, name: string): string => {
      const v = masterKeysText.parse(raw, name);
      parseMasterKeys(v, name);
      return v;
    },
  },
};

export const gatewaySchema = {
  ...commonSchema,
  KAM_DOCUMENT_MAX_BYTES: documentMaxBytes,
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
  KAM_OPERATOR_SECRET: env.optionalString(
    'HS256 secret of deployment-operator tokens (at least 32 characters, not KAM_JWT_SECRET): the raw job console of every queue; unset: no operator',
  ),
  KAM_OUTBOX_POLL_MS: env.int('Outbox relay poll interval when idle, in milliseconds (access-log entries)', {
    default: 500,
    min: 10,
    max: 60000,
  }),
  KAM_DEV_AUTH: env.bool(
    '1 enables POST /api/v1/dev/token; only on a loopback KAM_HTTP_HOST (never in production)',
    { default: false },
  ),
  KAM_API_KEY_DEFAULT_DAYS: env.int('Lifetime of a new API key when its creator names none, in days', {
    default: 90,
    min: 1,
    max: 365,
  }),
  KAM_API_KEY_MAX_DAYS: env.int('Longest lifetime of an API key, in days (a year at most)', {
    default: 365,
    min: 1,
    max: 365,
  }),
  KAM_TOKEN_MAX_LIFETIME_HOURS: env.int(
    'Longest lifetime of a user token accepted (exp − iat, or exp − now), in hours',
    { default: 24, min: 1, max: 720 },
  ),
  // CRM webhooks and sync (issue 7).
  KAM_CRM_SECRET_KEY: {
    description:
      'AES-256-GCM key sealing the CRM API keys and webhook secrets at rest: 32 bytes in base64 ' +
      '(e.g. `openssl rand -base64 32`); without it the CRM connection cannot be stored',
    parse: (raw: string | undefined, name: string): string | undefined => {
      if (raw === undefined || raw.trim() === '') return undefined;
      const v = raw.trim();
      const key = Buffer.from(v, 'base64');
      if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(v) || key.length !== 32)
        throw new ConfigError([
          `${name} must be 32 bytes in base64, e.g. the output of \`openssl rand -base64 32\` (got ${key.length} bytes)`,
        ]);
      return v;
    },
  },
  KAM_PERIODIC_JOBS: env.bool('0 pauses the runs that job schedulers produce (tests drive jobs by hand)', {
    default: true,
  }),
  KAM_CRM_RATE_LIMIT: env.int(
    "Requests to the CRM's API per window and workspace (Twenty allows 100 a minute)",
    {
      default: 100,
      min: 1,
      max: 10000,
    },
  ),
  KAM_CRM_RATE_WINDOW_MS: env.int('Length of that window in milliseconds (tests shorten it)', {
    default: 60000,
    min: 100,
    max: 3600000,
  }),
  // Where the CRM connection may point (issue 14, point 5): https to public addresses, and these besides.
  KAM_CRM_ALLOWED_HOSTS: {
    description:
      'Comma-separated hosts, addresses and CIDR ranges the CRM connection may reach over plain http or at a ' +
      'private, loopback or link-local address, e.g. `twenty.internal,10.20.0.0/16`; empty: https to public ' +
      'addresses only',
    parse: (raw: string | undefined, name: string): CrmAllowedHost[] => parseCrmAllowedHosts(raw, name),
  },
  // Embedded tabs (issue 7): the CRM origins allowed to frame them (CSP frame-ancestors) and post them a token.
  KAM_CRM_ORIGINS: {
    description:
      'Comma-separated origins of the CRM that may embed the tabs (CSP frame-ancestors), e.g. ' +
      '`https://crm.example.com,http://localhost:3001`; empty: the tabs open only stand-alone',
    parse: (raw: string | undefined, name: string): string[] => parseOrigins(raw, name),
  },
};

/** `https://crm.example.com,http://localhost:3001` → the origins, each a scheme, host and optional port. */
export function parseOrigins(raw: string | undefined, name = 'KAM_CRM_ORIGINS'): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const out: string[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    let u: URL | undefined;
    try {
      u = new URL(part);
    } catch {
      u = undefined;
    }
    if (!u || !['http:', 'https:'].includes(u.protocol) || u.origin !== part.replace(/\/$/, ''))
      throw new ConfigError([
        `${name}: "${part}" is not an origin (scheme://host[:port], no path), e.g. https://crm.example.com`,
      ]);
    if (!out.includes(u.origin)) out.push(u.origin);
  }
  return out;
}
