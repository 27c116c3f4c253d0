import { AccountPlanView, CommunicationRecordView, ContactView } from '@app/contracts';
import { ContactRow, PlanRow, RecordRow } from './archive.sql';

export function toContactView(r: ContactRow): Omit<ContactView, 'redacted'> {
  return {
    id: r.id,
    accountId: r.account_id,
    crmPersonId: r.crm_person_id,
    name: r.name,
    title: r.title,
    phone: r.phone,
    email: r.email,
    buyingRole: r.buying_role,
    isPrimary: r.is_primary,
    notes: r.notes,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toRecordView(r: RecordRow): CommunicationRecordView {
  return {
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    occurredAt: r.occurred_at.toISOString(),
    summary: r.summary,
    nextSteps: r.next_steps,
    nextStepDue: r.next_step_due,
    contactIds: r.contact_ids ?? [],
    ...(r.kind === 'care' || r.kind === 'training' ? { attendees: r.attendees ?? null } : {}),
    recordedBy: r.recorded_by,
    createdAt: r.created_at.toISOString(),
  };
}

/** A plan as the API returns it; `budgetHidden` when the caller may not read the account's financial fields. */
export function toPlanView(r: PlanRow, budgetHidden: boolean): AccountPlanView {
  return {
    id: r.id,
    accountId: r.account_id,
    period: r.period,
    objectives: r.objectives.map((o) => ({ objective: o.objective, measures: o.measures })),
    strategies: r.strategies,
    resources: r.resources,
    budget:
      budgetHidden || r.budget_minor === null
        ? null
        : { amountMinor: Number(r.budget_minor), currency: r.currency! },
    status: r.status,
    createdBy: r.created_by,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    redacted: budgetHidden ? ['budget'] : [],
  };
}
