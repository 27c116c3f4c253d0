import { BuyingRole, PlanObjective, PlanStatus, RecordKind } from '@app/contracts';

export const CONTACT_COLUMNS = `c.id, c.workspace_id, c.account_id, c.crm_person_id, c.name, c.title, c.phone, c.email,
  c.buying_role, c.is_primary, c.notes, c.version, c.created_at, c.updated_at`;

export interface ContactRow {
  id: string;
  workspace_id: string;
  account_id: string;
  crm_person_id: string | null;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
  buying_role: BuyingRole;
  is_primary: boolean;
  notes: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const RECORD_COLUMNS = `r.id, r.workspace_id, r.account_id, r.kind, r.occurred_at, r.summary, r.next_steps,
  to_char(r.next_step_due, 'YYYY-MM-DD') AS next_step_due, r.contact_ids, r.attendees, r.recorded_by, r.created_at`;

export interface RecordRow {
  id: string;
  workspace_id: string;
  account_id: string;
  kind: RecordKind;
  occurred_at: Date;
  summary: string;
  next_steps: string | null;
  next_step_due: string | null;
  contact_ids: string[];
  attendees: { customers: { contactId?: string; name?: string }[]; staff: string[] } | null;
  recorded_by: string;
  created_at: Date;
}

export const PLAN_COLUMNS = `p.id, p.workspace_id, p.account_id, p.period, p.objectives, p.strategies, p.resources,
  p.budget_minor, p.currency, p.status, p.created_by, p.version, p.created_at, p.updated_at`;

export interface PlanRow {
  id: string;
  workspace_id: string;
  account_id: string;
  period: string;
  objectives: PlanObjective[];
  strategies: string | null;
  resources: string | null;
  budget_minor: string | null;
  currency: string | null;
  status: PlanStatus;
  created_by: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}
