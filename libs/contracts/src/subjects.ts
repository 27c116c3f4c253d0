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
    accountChangeTier: 'kam.accounts.account.change-tier',
    accountMoveStage: 'kam.accounts.account.move-stage',
    accountEvaluate: 'kam.accounts.account.evaluate',
    accountAssign: 'kam.accounts.account.assign',
    accountTimeline: 'kam.accounts.account.timeline',
    accountExport: 'kam.accounts.account.export',
    accountImport: 'kam.accounts.account.import',
    tierChangeList: 'kam.accounts.tier-change.list',
    tierChangeDecide: 'kam.accounts.tier-change.decide',
    settingsGet: 'kam.accounts.settings.get',
    settingsUpdate: 'kam.accounts.settings.update',
    settingsHistory: 'kam.accounts.settings.history',
    memberList: 'kam.accounts.member.list',
    memberGet: 'kam.accounts.member.get',
    memberUpsert: 'kam.accounts.member.upsert',
    memberDepart: 'kam.accounts.member.depart',
    memberHandoverReport: 'kam.accounts.member.handover-report',
    teamList: 'kam.accounts.team.list',
    teamCreate: 'kam.accounts.team.create',
    teamUpdate: 'kam.accounts.team.update',
    contactList: 'kam.accounts.contact.list',
    contactCreate: 'kam.accounts.contact.create',
    contactUpdate: 'kam.accounts.contact.update',
    contactDelete: 'kam.accounts.contact.delete',
    recordList: 'kam.accounts.record.list',
    recordCreate: 'kam.accounts.record.create',
    planList: 'kam.accounts.plan.list',
    planCreate: 'kam.accounts.plan.create',
    planUpdate: 'kam.accounts.plan.update',
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
  accountTierChanged: 'kam.events.accounts.account.tier-changed',
  accountStageChanged: 'kam.events.accounts.account.stage-changed',
  accountAssigned: 'kam.events.accounts.account.assigned',
  accountExported: 'kam.events.accounts.account.exported',
  accountExportCompleted: 'kam.events.accounts.account.export-completed',
  archiveChanged: 'kam.events.accounts.archive.changed',
  settingsChanged: 'kam.events.accounts.settings.changed',
  memberChanged: 'kam.events.accounts.member.changed',
  teamChanged: 'kam.events.accounts.team.changed',
  memberDeparted: 'kam.events.accounts.member.departed',
} as const;

export interface PingReply {
  service: string;
  status: 'up' | 'degraded';
  checks: Record<string, 'up' | 'down'>;
  uptimeSeconds: number;
}
