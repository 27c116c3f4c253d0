/** Subjects of the permission matrix and their field groups (DESIGN §4). Later issues add subjects. */
export const ACCOUNT_BASIC_FIELDS = [
  'id',
  'workspaceId',
  'crmCompanyId',
  'name',
  'tier',
  'category',
  'status',
  'industry',
  'region',
  'ownerId',
  'serviceTeamId',
  'assistantIds',
  'strategicPotential',
  'evaluation',
  'recommendedTier',
  'serviceHandover',
  'health',
  'version',
  'createdAt',
  'updatedAt',
] as const;
/** Financial fields, and `qualification`, whose reasons would tell the purchase and profit thresholds apart. */
export const ACCOUNT_FINANCIAL_FIELDS = ['annualPurchase', 'profitContributionPct', 'qualification'] as const;
export const ACCOUNT_ALL_FIELDS = [...ACCOUNT_BASIC_FIELDS, ...ACCOUNT_FINANCIAL_FIELDS];

export const CONTACT_BASIC_FIELDS = [
  'id',
  'accountId',
  'crmPersonId',
  'name',
  'title',
  'buyingRole',
  'isPrimary',
  'notes',
  'version',
  'createdAt',
  'updatedAt',
] as const;
export const CONTACT_DETAIL_FIELDS = ['phone', 'email'] as const;
export const CONTACT_ALL_FIELDS = [...CONTACT_BASIC_FIELDS, ...CONTACT_DETAIL_FIELDS];

/**
 * The shape CASL conditions are written against: relation fields resolved per row. Records that belong to an
 * account (contacts, communication records, plans, tier changes) are judged by their account's relations.
 */
export interface AccountSubject {
  ownerId: string;
  ownerTeamId?: string | null;
  serviceTeamId?: string | null;
  assistantIds?: string[];
  status?: string;
  // Performance records (scorecards, commission statements) are judged by the evaluated member and their team.
  memberId?: string;
  teamId?: string | null;
  published?: boolean;
  // Documents (issue 6): classification, the related account, and explicit grants (see document-rules.ts).
  classification?: string;
  accountId?: string | null;
  grantMemberIds?: string[];
  grantTeamIds?: string[];
  grantRoles?: string[];
}

/**
 * Actions. Besides CRUD: `changeTier` (request a tier change), `approveTier` (decide a pending downgrade),
 * `assign` (owner, assistants, service team), `export` (CSV), `handover` (staff departure).
 */
export type Action =
  | 'manage'
  | 'create'
  | 'read'
  | 'update'
  | 'delete'
  | 'export'
  | 'changeTier'
  | 'approveTier'
  | 'assign'
  | 'handover'
  // Performance evaluation (issue 5): rate manual criteria, publish to the member, the member acknowledges or
  // appeals, the director decides appeals, approves and locks.
  | 'rate'
  | 'publish'
  | 'acknowledge'
  | 'appeal'
  | 'decideAppeal'
  | 'approve'
  | 'lock';

export const RECORD_SUBJECTS = [
  'Account',
  'Contact',
  'CommunicationRecord',
  'AccountPlan',
  // Issue 4: serving key accounts. All are judged by their account's relations.
  'Revisit',
  'Complaint',
  'Contract',
  'Order',
  'Survey',
  'Project',
  'Risk',
  'Tender',
  // Issue 5: performance evaluation. Judged by the evaluated member (memberId) and their team (teamId).
  'Scorecard',
  'CommissionStatement',
  // Issue 6: documents, judged by classification, owner, the related account and grants.
  'Document',
] as const;
export type RecordSubject = (typeof RECORD_SUBJECTS)[number];
/** Performance-evaluation subjects without record-level conditions. */
export const PERFORMANCE_SUBJECTS = [
  'Target',
  'ScorecardTemplate',
  'PerformanceCycle',
  'PayBase',
  'CommissionPlan',
  'Training',
  'EliminationWarning',
] as const;
export type PerformanceSubject = (typeof PERFORMANCE_SUBJECTS)[number];
export type SubjectName = RecordSubject | PerformanceSubject | 'Settings' | 'Member' | 'Team' | 'all';

export const ALL_FIELDS_OF: Record<RecordSubject, readonly string[]> = {
  Account: ACCOUNT_ALL_FIELDS,
  Contact: CONTACT_ALL_FIELDS,
  CommunicationRecord: [],
  AccountPlan: [],
  Revisit: [],
  Complaint: [],
  Contract: [],
  Order: [],
  Survey: [],
  Project: [],
  Risk: [],
  Tender: [],
  Scorecard: [],
  Document: [],
  CommissionStatement: [],
};
