import { AccountCategory, AccountStatus } from './account.dto';

export interface Money {
  amountMinor: number;
  currency: string;
}

/** A key account as the API returns it. Redacted fields are null and named in `redacted`. */
export interface AccountView {
  id: string;
  workspaceId: string;
  crmCompanyId: string;
  name: string;
  tier: string;
  category: AccountCategory;
  status: AccountStatus;
  industry: string | null;
  region: string | null;
  ownerId: string;
  serviceTeamId: string | null;
  assistantIds: string[];
  annualPurchase: Money | null;
  profitContributionPct: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  redacted: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AccountCreatedEvent {
  accountId: string;
  workspaceId: string;
  ownerId: string;
  tier: string;
  name: string;
  createdAt: string;
}

export interface AccountUpdatedEvent {
  accountId: string;
  workspaceId: string;
  version: number;
  changed: string[];
}

export interface MemberAuthCheckReply {
  active: boolean;
}
