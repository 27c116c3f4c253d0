import { DOCUMENT_TRANSFER_BUCKET, EVENT_STREAM, SERVICE_CALLS } from '@app/contracts';

/**
 * Who may do what on NATS (issue 14, ADR 0018): one NATS user per app, each allowed exactly what the app does.
 * The NATS server configuration is generated from this file: deploy/nats-server.conf (docker-compose, and what an
 * operator includes in their own NATS) by `npm run docs`, and the local stacks' configuration by scripts/lib/stack.js
 * and test/support/private-stack.ts at every start. Plain data and string building: no NATS client here.
 */

export const NATS_APPS = [
  'gateway',
  'account-management',
  'performance-evaluation',
  'document-security',
] as const;
export type NatsApp = (typeof NATS_APPS)[number];

/** The subject token of each app's requests (`kam.<token>.…`) and events (`kam.events.<token>.…`). */
const SUBJECT_TOKEN: Record<NatsApp, string> = {
  gateway: 'gateway',
  'account-management': 'accounts',
  'performance-evaluation': 'performance',
  'document-security': 'documents',
};

/**
 * The durable consumers of the event stream each app runs: the `durable` of every @EventHandler of the app. Each
 * app may read and acknowledge only its own (EventConsumerHost refuses to start a durable that is not listed here,
 * which NATS would refuse anyway).
 */
export const EVENT_CONSUMERS: Record<NatsApp, readonly string[]> = {
  gateway: [],
  'account-management': [
    'notify-policy-acknowledgement-due',
    'notify-scorecard-rating-due',
    'notify-scorecard-published',
    'notify-elimination-warning',
  ],
  'performance-evaluation': ['performance-workspace-time-zone', 'new-account-credits'],
  'document-security': [
    'documents-member-departed',
    'access-log-account-exported',
    'access-log-account-export-completed',
    'documents-workspace-time-zone',
    'access-log-gateway',
  ],
};

/** Apps that carry document bytes through the JetStream object store (ADR 0010). */
const TRANSFER_APPS: readonly NatsApp[] = ['gateway', 'document-security'];

/** The JetStream durable name of an app's consumer: `<app>--<durable>`, in the characters JetStream takes. */
export function durableName(serviceName: string, durable: string): string {
  return `${serviceName}--${durable}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Where a user's replies arrive: `_INBOX.<user>.…`, so that no app can listen to another's replies. */
export function inboxPrefixOf(user: string): string {
  return `_INBOX.${user}`;
}

/** The variable of nats-server's environment that holds an app's password. */
export function passwordVariable(user: string): string {
  return `KAM_NATS_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD`;
}

/**
 * What a password must look like to travel through nats-server's environment: the configuration parser reads a
 * variable's value as a value of its own, so `12345`, `true` or `2e5x` would not be read as strings.
 */
export const NATS_PASSWORD_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{15,127}$/;

export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
}

/** The JetStream API of the event stream for an app: the stream exists (created by whoever starts first), its durables. */
function eventStreamApi(app: NatsApp): string[] {
  const api = [
    '$JS.API.INFO',
    `$JS.API.STREAM.INFO.${EVENT_STREAM}`,
    `$JS.API.STREAM.CREATE.${EVENT_STREAM}`,
  ];
  for (const d of EVENT_CONSUMERS[app]) {
    const name = durableName(app, d);
    api.push(
      `$JS.API.CONSUMER.INFO.${EVENT_STREAM}.${name}`,
      `$JS.API.CONSUMER.CREATE.${EVENT_STREAM}.${name}`,
      `$JS.API.CONSUMER.CREATE.${EVENT_STREAM}.${name}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${EVENT_STREAM}.${name}`,
      `$JS.API.CONSUMER.MSG.NEXT.${EVENT_STREAM}.${name}`,
    );
  }
  return api;
}

/** The object store bucket of document transfers: its stream `OBJ_<bucket>`, chunks and metadata `$O.<bucket>.>`. */
function transferBucketApi(): string[] {
  const stream = `OBJ_${DOCUMENT_TRANSFER_BUCKET}`;
  return [
    `$O.${DOCUMENT_TRANSFER_BUCKET}.>`,
    // The object store finds its stream by name (a list of stream names, nothing of their content).
    '$JS.API.STREAM.NAMES',
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.STREAM.CREATE.${stream}`,
    `$JS.API.STREAM.PURGE.${stream}`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}.>`,
    `$JS.API.CONSUMER.CREATE.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}.>`,
    `$JS.API.CONSUMER.INFO.${stream}.*`,
    `$JS.API.CONSUMER.DELETE.${stream}.*`,
  ];
}

/**
 * An app's permissions. Replies to requests and acknowledgements of JetStream messages are not listed: every user
 * may answer a message it received, once (`allow_responses`), and nothing else.
 * - the gateway: requests to every service (it alone sends them on behalf of users and API keys), its own events;
 * - a service: only its own requests to listen to; as requests of its own, only its SERVICE_CALLS (system subjects)
 *   and its own ping (the container health check); its own events;
 * - everyone: their own inbox, the event stream's API for their own durables, and the transfer bucket where used.
 */
export function natsPermissions(app: NatsApp): NatsPermissions {
  const own = SUBJECT_TOKEN[app];
  const publish: string[] = [];
  const subscribe: string[] = [`${inboxPrefixOf(app)}.>`];
  if (app === 'gateway') {
    for (const a of NATS_APPS) if (a !== 'gateway') publish.push(`kam.${SUBJECT_TOKEN[a]}.>`);
  } else {
    publish.push(...SERVICE_CALLS[app], `kam.${own}.system.ping`);
    subscribe.push(`kam.${own}.>`);
  }
  publish.push(`kam.events.${own}.>`, ...eventStreamApi(app));
  if (TRANSFER_APPS.includes(app)) publish.push(...transferBucketApi());
  return { publish, subscribe };
}

/** How long a received message may be answered: longer than the longest request timeout and ack wait. */
const RESPONSES = { max: 1, expires: '30m' } as const;

export interface NatsUserEntry {
  user: string;
  /** Permissions of a KAM app; none: a user that may do everything (the tests' and benchmarks' fixtures). */
  permissions?: NatsPermissions;
}

const q = (s: string) => JSON.stringify(s);
const list = (items: string[], indent: string) =>
  `[\n${items.map((i) => `${indent}  ${q(i)}`).join('\n')}\n${indent}]`;

/**
 * The `authorization` block of nats-server's configuration, each password read from nats-server's environment
 * (`passwordVariable(user)`), so the file holds no secret.
 */
export function natsServerConfig(extraUsers: NatsUserEntry[] = []): string {
  const users: NatsUserEntry[] = [
    ...NATS_APPS.map((app) => ({ user: app, permissions: natsPermissions(app) })),
    ...extraUsers,
  ];
  const entries = users.map(({ user, permissions: p }) => {
    const lines = [`    {`, `      user: ${q(user)}`, `      password: $${passwordVariable(user)}`];
    if (p) {
      lines.push(
        `      permissions: {`,
        `        publish: { allow: ${list(p.publish, '        ')} }`,
        `        subscribe: { allow: ${list(p.subscribe, '        ')} }`,
        `        allow_responses: { max: ${RESPONSES.max}, expires: ${q(RESPONSES.expires)} }`,
        `      }`,
      );
    }
    lines.push(`    }`);
    return lines.join('\n');
  });
  return [
    '# NATS users of KAM (ADR 0018): one per app, each allowed what the app does and nothing more.',
    '# Generated from libs/messaging/src/nats-permissions.ts by `npm run docs`; do not edit by hand.',
    '# Each password comes from the environment of nats-server:',
    ...users.map((u) => `#   ${passwordVariable(u.user)}  (user ${u.user})`),
    '# (letters, digits, - and _, starting with a letter, at least 16 characters).',
    'authorization {',
    '  users = [',
    entries.join('\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}
