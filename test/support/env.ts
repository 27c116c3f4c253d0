import * as fs from 'node:fs';

/** What scripts/test.js hands to the e2e suites: the servers and the secrets of the test stack. */
export interface TestEnv {
  profile: string;
  adminDatabaseUrl: string;
  database: string;
  redisUrl: string;
  natsUrl: string;
  /** The NATS users of the apps and `fixtures` (ADR 0018), by user name; {} for a NATS without users. */
  natsCredentials: Record<string, { user: string; password: string }>;
  secrets: Record<string, string>;
}

export function testEnv(): TestEnv {
  const need = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set: run the e2e tests through \`npm test\``);
    return v;
  };
  return {
    profile: need('KAM_TEST_PROFILE'),
    adminDatabaseUrl: need('KAM_TEST_ADMIN_DATABASE_URL'),
    database: need('KAM_TEST_DATABASE'),
    redisUrl: need('KAM_TEST_REDIS_URL'),
    natsUrl: need('KAM_TEST_NATS_URL'),
    natsCredentials: JSON.parse(process.env.KAM_TEST_NATS_CREDENTIALS ?? '{}') as TestEnv['natsCredentials'],
    secrets: JSON.parse(fs.readFileSync(need('KAM_TEST_SECRETS_FILE'), 'utf8')) as Record<string, string>,
  };
}

const SCHEMAS: Record<string, string> = {
  gateway: 'gateway',
  'account-management': 'account_management',
  'performance-evaluation': 'performance_evaluation',
  'document-security': 'document_security',
};

/** The database URL of one service's own login role. */
export function serviceDatabaseUrl(env: TestEnv, service: keyof typeof SCHEMAS | string): string {
  const u = new URL(env.adminDatabaseUrl);
  u.username = `kam_${SCHEMAS[service]}`;
  u.password = env.secrets[service];
  u.pathname = `/${env.database}`;
  return u.toString();
}

/** The admin URL on the test database (fixtures and assertions only; the apps never use it). */
export function adminUrl(env: TestEnv): string {
  const u = new URL(env.adminDatabaseUrl);
  u.pathname = `/${env.database}`;
  return u.toString();
}

/**
 * Options of a raw NATS client of a suite: as one of the apps (with its inbox prefix, so it is held to that app's
 * permissions: e.g. `gateway` to send requests as the gateway does), or as `fixtures`, which may do everything
 * (test set-up and assertions only). Empty for a NATS without users.
 */
export function natsOptions(
  env: TestEnv,
  user: 'gateway' | 'account-management' | 'performance-evaluation' | 'document-security' | 'fixtures',
): { user?: string; pass?: string; inboxPrefix?: string } {
  const c = env.natsCredentials[user];
  if (!c) return {};
  return {
    user: c.user,
    pass: c.password,
    ...(user === 'fixtures' ? {} : { inboxPrefix: `_INBOX.${user}` }),
  };
}
