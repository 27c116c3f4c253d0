import { ContractKind, ContractStatus, ContractView, OrderSource, OrderView } from '@app/contracts';
import { AccountRelationColumns } from './commercial-access';

export const ORDER_COLUMNS = `o.id, o.workspace_id, o.account_id, o.member_id, o.amount_minor, o.currency,
  to_char(o.ordered_on, 'YYYY-MM-DD') AS ordered_on, o.source, o.crm_opportunity_id, o.description, o.created_by,
  o.created_at`;

export interface OrderRow extends AccountRelationColumns {
  id: string;
  workspace_id: string;
  account_id: string;
  member_id: string;
  amount_minor: string;
  currency: string;
  ordered_on: string;
  source: OrderSource;
  crm_opportunity_id: string | null;
  description: string | null;
  created_by: string;
  created_at: Date;
}

export function toOrderView(r: OrderRow, amountHidden: boolean): OrderView {
  return {
    id: r.id,
    accountId: r.account_id,
    memberId: r.member_id,
    amount: amountHidden ? null : { amountMinor: Number(r.amount_minor), currency: r.currency },
    orderedOn: r.ordered_on,
    source: r.source,
    crmOpportunityId: r.crm_opportunity_id,
    description: r.description,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    redacted: amountHidden ? ['amount'] : [],
  };
}

export const CONTRACT_COLUMNS = `c.id, c.workspace_id, c.account_id, c.kind, c.title, c.amount_minor, c.currency,
  to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on, c.discount_pct,
  c.status, c.signer_id, c.approved_by, c.approved_at, c.decision_note, c.document_id, c.version, c.created_at,
  c.updated_at`;

export interface ContractRow extends AccountRelationColumns {
  id: string;
  workspace_id: string;
  account_id: string;
  account_name?: string;
  kind: ContractKind;
  title: string;
  amount_minor: string;
  currency: string;
  starts_on: string;
  ends_on: string;
  discount_pct: string;
  status: ContractStatus;
  signer_id: string;
  approved_by: string | null;
  approved_at: Date | null;
  decision_note: string | null;
  document_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toContractView(r: ContractRow, financialHidden: boolean): ContractView {
  return {
    id: r.id,
    accountId: r.account_id,
    ...(r.account_name !== undefined ? { accountName: r.account_name } : {}),
    kind: r.kind,
    title: r.title,
    amount: financialHidden ? null : { amountMinor: Number(r.amount_minor), currency: r.currency },
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    discountPct: financialHidden ? null : Number(r.discount_pct),
    status: r.status,
    signerId: r.signer_id,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at?.toISOString() ?? null,
    decisionNote: r.decision_note,
    documentId: r.document_id,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    redacted: financialHidden ? ['amount', 'discountPct'] : [],
  };
}
