import { EntityManager } from 'typeorm';
import { EVENTS, SurveyState, SurveyTriggerKind, SurveyView } from '@app/contracts';
import { SurveyScores } from '../domain/survey';

export const SURVEY_COLUMNS = `s.id, s.workspace_id, s.account_id, a.name AS account_name, s.trigger, s.complaint_id,
  s.period, s.status, to_char(s.due_date, 'YYYY-MM-DD') AS due_date, s.answered_at, s.respondent_contact_id, s.scores,
  s.comments, s.recorded_by, s.version, s.created_at, s.updated_at`;

export interface SurveyRow {
  id: string;
  workspace_id: string;
  account_id: string;
  account_name: string;
  trigger: SurveyTriggerKind;
  complaint_id: string | null;
  period: string | null;
  status: SurveyState;
  due_date: string;
  answered_at: Date | null;
  respondent_contact_id: string | null;
  scores: SurveyScores | null;
  comments: string | null;
  recorded_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toSurveyView(r: SurveyRow): SurveyView {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    trigger: r.trigger,
    complaintId: r.complaint_id,
    period: r.period,
    status: r.status,
    dueDate: r.due_date,
    answeredAt: r.answered_at ? r.answered_at.toISOString() : null,
    respondentContactId: r.respondent_contact_id,
    scores: r.scores,
    comments: r.comments,
    recordedBy: r.recorded_by,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/**
 * Inserts surveys from `source` (a SELECT yielding workspace_id, account_id, trigger, complaint_id, period,
 * due_date, created_by) and, for each one actually created, an account timeline entry and a `survey.created`
 * event in the outbox, all in ONE statement. ON CONFLICT DO NOTHING: the unique indexes (one scheduled survey per
 * account and quarter, one per complaint) make reruns create none. Returns the ids created.
 */
export async function insertSurveys(
  m: EntityManager,
  source: string,
  params: unknown[],
  actorId: string | null,
  requestId: string | null,
): Promise<string[]> {
  const n = params.length;
  const rows: { id: string }[] = await m.query(
    `WITH created AS (
       INSERT INTO surveys (id, workspace_id, account_id, trigger, complaint_id, period, due_date, created_by)
       SELECT gen_random_uuid(), src.workspace_id, src.account_id, src.trigger, src.complaint_id, src.period,
              src.due_date, src.created_by
       FROM (${source}) src
       ON CONFLICT DO NOTHING
       RETURNING id, workspace_id, account_id, trigger, complaint_id, period, due_date),
     timeline AS (
       INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
       SELECT c.workspace_id, c.account_id, $${n + 1}::uuid, 'survey_created',
              jsonb_build_object('surveyId', c.id, 'trigger', c.trigger, 'complaintId', c.complaint_id,
                                 'period', c.period, 'dueDate', to_char(c.due_date, 'YYYY-MM-DD'))
       FROM created c),
     events AS (
       INSERT INTO outbox (id, subject, workspace_id, payload, request_id)
       SELECT gen_random_uuid(), $${n + 2}, c.workspace_id,
              jsonb_build_object('workspaceId', c.workspace_id, 'surveyId', c.id, 'accountId', c.account_id,
                                 'trigger', c.trigger, 'complaintId', c.complaint_id, 'period', c.period),
              $${n + 3}
       FROM created c)
     SELECT id FROM created`,
    [...params, actorId, EVENTS.surveyCreated, requestId],
  );
  return rows.map((r) => r.id);
}

/**
 * The survey after a resolved complaint, in the caller's (the resolution's) transaction: due 30 days after today
 * in the workspace's time zone. A complaint resolved again after a reopen gets none: one survey per complaint.
 */
export async function createComplaintSurvey(
  m: EntityManager,
  c: {
    workspaceId: string;
    accountId: string;
    complaintId: string;
    actorId: string | null;
    requestId?: string;
  },
): Promise<string[]> {
  return insertSurveys(
    m,
    `SELECT w.id AS workspace_id, $2::uuid AS account_id, 'complaint_resolved' AS trigger, $3::uuid AS complaint_id,
            NULL::text AS period, timezone(w.time_zone, now())::date + 30 AS due_date, $4::uuid AS created_by
     FROM workspaces w WHERE w.id = $1`,
    [c.workspaceId, c.accountId, c.complaintId, c.actorId],
    c.actorId,
    c.requestId ?? null,
  );
}
