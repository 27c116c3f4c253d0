import { BuyingRole, PlanStatus, RecordKind } from './archive.dto';
import { Money } from './account.view';

/** A contact of a key account. Phone and e-mail are null and named in `redacted` for callers who may not see them. */
export interface ContactView {
  id: string;
  accountId: string;
  crmPersonId: string | null;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
  buyingRole: BuyingRole;
  isPrimary: boolean;
  notes: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  redacted: string[];
}

/** A visit, call, meeting, e-mail, customer training or care activity, with its next steps. */
export interface CommunicationRecordView {
  id: string;
  accountId: string;
  kind: RecordKind;
  occurredAt: string;
  summary: string;
  nextSteps: string | null;
  /** YYYY-MM-DD. */
  nextStepDue: string | null;
  contactIds: string[];
  /** Care and training only: customer attendees (contact ids or names) and staff attendees (member ids). */
  attendees?: { customers: { contactId?: string; name?: string }[]; staff: string[] } | null;
  recordedBy: string;
  createdAt: string;
}

export interface PlanObjective {
  objective: string;
  measures: string[];
}

/** An account plan for one period. The budget is a financial field: null and named in `redacted` when hidden. */
export interface AccountPlanView {
  id: string;
  accountId: string;
  period: string;
  objectives: PlanObjective[];
  strategies: string | null;
  resources: string | null;
  budget: Money | null;
  status: PlanStatus;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  redacted: string[];
}

export const ARCHIVE_CHANGE_KINDS = [
  'contact_added',
  'contact_updated',
  'contact_removed',
  'communication_recorded',
  'plan_created',
  'plan_updated',
] as const;
export type ArchiveChangeKind = (typeof ARCHIVE_CHANGE_KINDS)[number];

/** EVENTS.archiveChanged: something in an account's archive changed. `id` is the contact, record or plan. */
export interface ArchiveChangedEvent {
  accountId: string;
  workspaceId: string;
  kind: ArchiveChangeKind;
  id: string;
  /** For `communication_recorded`: when the contact with the customer took place, and how. */
  occurredAt?: string;
  recordKind?: RecordKind;
}
