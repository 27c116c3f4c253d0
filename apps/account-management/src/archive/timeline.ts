import { EntityManager } from 'typeorm';

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
