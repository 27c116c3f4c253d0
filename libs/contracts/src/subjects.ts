/**
 * NATS subjects: `kam.<service>.<resource>.<verb>` for request-reply,
 * `kam.events.<service>.<event>` for domain events (DESIGN §3).
 */
export const SERVICES = {
  accounts: { name: 'account-management', queue: 'kam.account-management' },
  performance: { name: 'performance-evaluation', queue: 'kam.performance-evaluation' },
  documents: { name: 'document-security', queue: 'kam.document-security' },
} as const;
export type ServiceKey = keyof typeof SERVICES;

export const SUBJECTS = {
  accounts: {
    ping: 'kam.accounts.system.ping',
    accountCreate: 'kam.accounts.account.create',
    accountGet: 'kam.accounts.account.get',
    accountList: 'kam.accounts.account.list',
    accountUpdate: 'kam.accounts.account.update',
    memberAuthCheck: 'kam.accounts.member.auth-check',
  },
  performance: {
    ping: 'kam.performance.system.ping',
    newAccountCredits: 'kam.performance.credit.new-accounts',
  },
  documents: {
    ping: 'kam.documents.system.ping',
  },
} as const;

/** Which service answers a subject: the second token. */
export function serviceOfSubject(subject: string): ServiceKey | undefined {
  const token = subject.split('.')[1];
  return token in SERVICES ? (token as ServiceKey) : undefined;
}

export const EVENT_STREAM = 'KAM_EVENTS';
export const EVENT_SUBJECT_PREFIX = 'kam.events';

export const EVENTS = {
  accountCreated: 'kam.events.accounts.account.created',
  accountUpdated: 'kam.events.accounts.account.updated',
} as const;

export interface PingReply {
  service: string;
  status: 'up' | 'degraded';
  checks: Record<string, 'up' | 'down'>;
  uptimeSeconds: number;
}
