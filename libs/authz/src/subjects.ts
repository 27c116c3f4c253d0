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
  'version',
  'createdAt',
  'updatedAt',
] as const;
export const ACCOUNT_FINANCIAL_FIELDS = ['annualPurchase', 'profitContributionPct'] as const;
export const ACCOUNT_ALL_FIELDS = [...ACCOUNT_BASIC_FIELDS, ...ACCOUNT_FINANCIAL_FIELDS];

/** The shape CASL conditions are written against: relation fields resolved per row. */
export interface AccountSubject {
  ownerId: string;
  ownerTeamId?: string | null;
  serviceTeamId?: string | null;
  assistantIds?: string[];
  status?: string;
}

export type Action = 'manage' | 'create' | 'read' | 'update' | 'delete' | 'export';
export type SubjectName = 'Account' | 'all';

export const ALL_FIELDS_OF: Record<Exclude<SubjectName, 'all'>, readonly string[]> = {
  Account: ACCOUNT_ALL_FIELDS,
};
