import { ComplaintChannel, ComplaintSeverityLevel, ComplaintState, ComplaintView } from '@app/contracts';
import { allowedComplaintMoves } from '../domain/complaint';

export const COMPLAINT_COLUMNS = `c.id, c.workspace_id, c.account_id, a.name AS account_name, c.contact_id, c.channel,
  c.category, c.severity, c.description, c.received_at, c.handler_id, c.measures, c.result, c.customer_feedback,
  c.status, c.first_response_due, c.resolution_due, c.first_responded_at, c.resolved_at, c.closed_at,
  c.breached_response, c.breached_resolution, c.escalation_level, c.escalated_to, c.reopen_count,
  c.callback_revisit, c.created_by, c.version, c.created_at, c.updated_at`;

export interface ComplaintRow {
  id: string;
  workspace_id: string;
  account_id: string;
  account_name: string;
  contact_id: string | null;
  channel: ComplaintChannel;
  category: string;
  severity: ComplaintSeverityLevel;
  description: string;
  received_at: Date;
  handler_id: string | null;
  measures: string | null;
  result: string | null;
  customer_feedback: string | null;
  status: ComplaintState;
  first_response_due: Date;
  resolution_due: Date;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  breached_response: boolean;
  breached_resolution: boolean;
  escalation_level: number;
  escalated_to: string | null;
  reopen_count: number;
  callback_revisit: { satisfaction: number; note: string | null; at: string; by: string } | null;
  created_by: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toComplaintView(r: ComplaintRow): ComplaintView {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    contactId: r.contact_id,
    channel: r.channel,
    category: r.category,
    severity: r.severity,
    description: r.description,
    receivedAt: r.received_at.toISOString(),
    handlerId: r.handler_id,
    measures: r.measures,
    result: r.result,
    customerFeedback: r.customer_feedback,
    status: r.status,
    allowedTransitions: [...allowedComplaintMoves(r.status)],
    firstResponseDue: r.first_response_due.toISOString(),
    resolutionDue: r.resolution_due.toISOString(),
    firstRespondedAt: r.first_responded_at?.toISOString() ?? null,
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
    breachedResponse: r.breached_response,
    breachedResolution: r.breached_resolution,
    escalationLevel: r.escalation_level,
    escalatedTo: r.escalated_to,
    reopenCount: r.reopen_count,
    callback: r.callback_revisit,
    createdBy: r.created_by,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
