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
    complaintCreate: 'kam.accounts.complaint.create',
    complaintList: 'kam.accounts.complaint.list',
    complaintGet: 'kam.accounts.complaint.get',
    complaintTransition: 'kam.accounts.complaint.transition',
    complaintCallback: 'kam.accounts.complaint.callback',
    complaintMetrics: 'kam.accounts.complaint.metrics',
    complaintRunSweep: 'kam.accounts.complaint.run-sweep',
    revisitList: 'kam.accounts.revisit.list',
    revisitComplete: 'kam.accounts.revisit.complete',
    revisitReschedule: 'kam.accounts.revisit.reschedule',
    revisitRunSweep: 'kam.accounts.revisit.run-sweep',
    healthRun: 'kam.accounts.health.run',
    riskList: 'kam.accounts.risk.list',
    riskCreate: 'kam.accounts.risk.create',
    riskUpdate: 'kam.accounts.risk.update',
    tenderList: 'kam.accounts.tender.list',
    tenderCreate: 'kam.accounts.tender.create',
    tenderUpdate: 'kam.accounts.tender.update',
    tenderRunReminders: 'kam.accounts.tender.run-reminders',
    notificationList: 'kam.accounts.notification.list',
    notificationRead: 'kam.accounts.notification.read',
    memberAuthCheck: 'kam.accounts.member.auth-check',
    orderCreate: 'kam.accounts.order.create',
    orderListOfAccount: 'kam.accounts.order.list-of-account',
    orderList: 'kam.accounts.order.list',
    orderSums: 'kam.accounts.order.sums',
    contractCreate: 'kam.accounts.contract.create',
    contractListOfAccount: 'kam.accounts.contract.list-of-account',
    contractList: 'kam.accounts.contract.list',
    contractUpdate: 'kam.accounts.contract.update',
    contractSubmit: 'kam.accounts.contract.submit',
    contractDecide: 'kam.accounts.contract.decide',
    contractRunRenewalReminders: 'kam.accounts.contract.run-renewal-reminders',
    projectCreate: 'kam.accounts.project.create',
    projectListOfAccount: 'kam.accounts.project.list-of-account',
    projectList: 'kam.accounts.project.list',
    projectGet: 'kam.accounts.project.get',
    projectUpdate: 'kam.accounts.project.update',
    projectRequestApproval: 'kam.accounts.project.request-approval',
    projectDecide: 'kam.accounts.project.decide',
    projectMoveStage: 'kam.accounts.project.move-stage',
    projectTaskCreate: 'kam.accounts.project-task.create',
    projectTaskUpdate: 'kam.accounts.project-task.update',
    projectRiskCreate: 'kam.accounts.project-risk.create',
    projectRiskUpdate: 'kam.accounts.project-risk.update',
    projectOnTime: 'kam.accounts.project.on-time',
    surveyList: 'kam.accounts.survey.list',
    surveyListOfAccount: 'kam.accounts.survey.list-of-account',
    surveyCreate: 'kam.accounts.survey.create',
    surveyAnswer: 'kam.accounts.survey.answer',
    surveyAggregates: 'kam.accounts.survey.aggregates',
    surveyRunSchedule: 'kam.accounts.survey.run-schedule',
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
  complaintOpened: 'kam.events.accounts.complaint.opened',
  complaintTransitioned: 'kam.events.accounts.complaint.transitioned',
  complaintBreached: 'kam.events.accounts.complaint.breached',
  revisitEscalated: 'kam.events.accounts.revisit.escalated',
  revisitCompleted: 'kam.events.accounts.revisit.completed',
  revisitRescheduled: 'kam.events.accounts.revisit.rescheduled',
  healthScored: 'kam.events.accounts.health.scored',
  riskChanged: 'kam.events.accounts.risk.changed',
  tenderChanged: 'kam.events.accounts.tender.changed',
  tenderDeadlineReminded: 'kam.events.accounts.tender.deadline-reminded',
  orderRecorded: 'kam.events.accounts.order.recorded',
  contractChanged: 'kam.events.accounts.contract.changed',
  contractRenewalDue: 'kam.events.accounts.contract.renewal-due',
  projectChanged: 'kam.events.accounts.project.changed',
  surveyCreated: 'kam.events.accounts.survey.created',
  surveyAnswered: 'kam.events.accounts.survey.answered',
  surveyExpired: 'kam.events.accounts.survey.expired',
} as const;

export interface PingReply {
  service: string;
  status: 'up' | 'degraded';
  checks: Record<string, 'up' | 'down'>;
  uptimeSeconds: number;
}
