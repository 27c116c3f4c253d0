import { EntityManager } from 'typeorm';
import { TimelineEntry } from '@app/contracts';
import {
  accessibleWherePositional,
  AccountSubject,
  KamAbility,
  PositionalSqlCondition,
  RecordSubject,
  redact,
} from '@app/authz';
import { ACCOUNT_FIELD_SQL } from '../accounts/account.sql';

/** What happened to an account, for the cooperation timeline. */
export type TimelineKind =
  | 'created'
  | 'updated'
  | 'tier_changed'
  | 'tier_change_requested'
  | 'tier_change_decided'
  | 'stage_changed'
  | 'evaluated'
  | 'assigned'
  | 'owner_changed'
  | 'contact_added'
  | 'contact_updated'
  | 'contact_removed'
  | 'communication_recorded'
  | 'plan_created'
  | 'plan_updated'
  | 'handover'
  | 'complaint_opened'
  | 'complaint_transitioned'
  | 'complaint_callback'
  | 'complaint_breached'
  | 'survey_created'
  | 'survey_answered'
  | 'survey_expired'
  | 'revisit_completed'
  | 'revisit_rescheduled'
  | 'order_recorded'
  | 'contract_created'
  | 'contract_updated'
  | 'contract_submitted'
  | 'contract_decided'
  | 'contract_expired'
  | 'project_created'
  | 'project_updated'
  | 'project_approval_requested'
  | 'project_approval_decided'
  | 'project_stage_changed'
  | 'project_task_added'
  | 'project_task_updated'
  | 'project_risk_added'
  | 'project_risk_updated'
  | 'risk_created'
  | 'risk_updated'
  | 'tender_created'
  | 'tender_updated'
  | 'exported';

/**
 * The record each kind of entry tells about: an entry is read by whoever may read that record on its own endpoint
 * (issue 14, point 7). A new kind must say whose it is here.
 */
export const TIMELINE_SUBJECT: Record<TimelineKind, RecordSubject> = {
  created: 'Account',
  updated: 'Account',
  tier_changed: 'Account',
  tier_change_requested: 'Account',
  tier_change_decided: 'Account',
  stage_changed: 'Account',
  evaluated: 'Account',
  assigned: 'Account',
  owner_changed: 'Account',
  handover: 'Account',
  exported: 'Account',
  contact_added: 'Contact',
  contact_updated: 'Contact',
  contact_removed: 'Contact',
  communication_recorded: 'CommunicationRecord',
  plan_created: 'AccountPlan',
  plan_updated: 'AccountPlan',
  complaint_opened: 'Complaint',
  complaint_transitioned: 'Complaint',
  complaint_callback: 'Complaint',
  complaint_breached: 'Complaint',
  survey_created: 'Survey',
  survey_answered: 'Survey',
  survey_expired: 'Survey',
  revisit_completed: 'Revisit',
  revisit_rescheduled: 'Revisit',
  order_recorded: 'Order',
  contract_created: 'Contract',
  contract_updated: 'Contract',
  contract_submitted: 'Contract',
  contract_decided: 'Contract',
  contract_expired: 'Contract',
  project_created: 'Project',
  project_updated: 'Project',
  project_approval_requested: 'Project',
  project_approval_decided: 'Project',
  project_stage_changed: 'Project',
  project_task_added: 'Project',
  project_task_updated: 'Project',
  // A project's own risks are part of the project (its endpoint), not the account's risk register.
  project_risk_added: 'Project',
  project_risk_updated: 'Project',
  risk_created: 'Risk',
  risk_updated: 'Risk',
  tender_created: 'Tender',
  tender_updated: 'Tender',
};

const KINDS_OF = new Map<RecordSubject, TimelineKind[]>();
for (const [kind, subjectName] of Object.entries(TIMELINE_SUBJECT) as [TimelineKind, RecordSubject][])
  KINDS_OF.set(subjectName, [...(KINDS_OF.get(subjectName) ?? []), kind]);

/**
 * The entries the ability may read, as SQL over `account_timeline t` joined to its account `accounts a`: for each
 * kind of record the ability reads, its kinds of entries where its read rule holds on the account. An entry of a
 * kind not in TIMELINE_SUBJECT is nobody's to read. Parameters are numbered after `offset`.
 */
export function readableTimelineWhere(ability: KamAbility, offset: number): PositionalSqlCondition {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [subjectName, kinds] of KINDS_OF) {
    const kindsParam = `$${offset + values.length + 1}`;
    const access = accessibleWherePositional(
      ability,
      'read',
      subjectName,
      ACCOUNT_FIELD_SQL,
      offset + values.length + 1,
    );
    if (!access) continue;
    values.push(kinds, ...access.values);
    const ofKind = `t.kind = ANY(${kindsParam}::text[])`;
    parts.push(access.sql === 'TRUE' ? ofKind : `(${ofKind} AND (${access.sql}))`);
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE', values };
}

/** Detail keys that would carry a financial field (hidden like the account's annual purchase). */
const FINANCIAL_DETAILS = [
  'amount',
  'discountPct',
  'budget',
  'annualPurchase',
  'profitContributionPct',
  'qualification',
];
/** Detail keys that would carry a contact's phone or e-mail (hidden like on the contacts endpoint). */
const CONTACT_DETAILS = ['phone', 'email'];

/**
 * The redactions of each entry's own endpoint: a financial value, or a contact's phone or e-mail, that the caller
 * may not read on this account is null and named in `redacted`. (Writers keep such values out of the timeline; this
 * holds if one ever puts one in.)
 */
export function redactTimeline(
  ability: KamAbility,
  account: AccountSubject,
  entries: Omit<TimelineEntry, 'redacted'>[],
): TimelineEntry[] {
  const financialHidden = redact(ability, 'Account', { annualPurchase: null }, account).redacted.includes(
    'annualPurchase',
  );
  const contactHidden = redact(
    ability,
    'Contact',
    Object.fromEntries(CONTACT_DETAILS.map((k) => [k, null])),
    account,
  ).redacted;
  return entries.map((e) => {
    const hidden = [
      ...(financialHidden ? FINANCIAL_DETAILS : []),
      ...(TIMELINE_SUBJECT[e.kind as TimelineKind] === 'Contact' ? contactHidden : []),
    ].filter((k) => k in e.details && e.details[k] !== null);
    if (!hidden.length) return { ...e, redacted: [] };
    const details = { ...e.details };
    for (const k of hidden) details[k] = null;
    return { ...e, details, redacted: hidden };
  });
}

/** Appends to an account's cooperation timeline, inside the caller's transaction. */
export async function addTimeline(
  m: EntityManager,
  e: {
    workspaceId: string;
    accountId: string;
    actorId: string | null;
    kind: TimelineKind;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details) VALUES ($1, $2, $3, $4, $5)`,
    [e.workspaceId, e.accountId, e.actorId, e.kind, JSON.stringify(e.details ?? {})],
  );
}
