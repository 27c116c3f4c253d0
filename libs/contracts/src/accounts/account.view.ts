import { AccountCategory, AccountStatus } from './account.dto';
import type { AccountHealthView } from './health.dto';
import type { Role } from '../roles';

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
  strategicPotential: boolean;
  /** Is it a key account by the workspace's thresholds, and why. */
  qualification: { qualified: boolean; reasons: string[] };
  evaluation: AccountEvaluation | null;
  recommendedTier: string | null;
  serviceHandover: ServiceHandover | null;
  /** The daily health score with its reasons; null before the first run. */
  health: AccountHealthView | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  redacted: string[];
}

export interface AccountEvaluation {
  scores: {
    scale: number;
    brandInfluence: number;
    marketShare: number;
    paymentCapacity: number;
    potential: number;
  };
  score: number;
  evaluatedAt: string;
  evaluatedBy: string;
}

export interface ServiceHandover {
  needs: string;
  contacts: string;
  agreements: string;
  serviceTeamId: string | null;
  handedOverAt: string;
  handedOverBy: string;
}

export interface TierChangeView {
  id: string;
  accountId: string;
  accountName?: string;
  fromTier: string | null;
  toTier: string;
  reason: string;
  status: 'applied' | 'pending' | 'approved' | 'rejected' | 'superseded';
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  actorId: string | null;
  kind: string;
  details: Record<string, unknown>;
  /** Detail values the caller may not read on the record's own endpoint (null in `details`). */
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
  /** The member exists in the workspace (issue 14: an unknown member is `member_unknown`, not `member_departed`). */
  known: boolean;
  active: boolean;
  /** The roles the workspace gave the member: a token or key never acts with one the member does not hold. */
  roles: Role[];
}
