import { IsIn, IsObject, IsOptional, IsString, IsUUID, Length } from 'class-validator';

/**
 * What another service may record in the access log (DESIGN §4: archive views, exports, denied attempts; and a
 * change of an integration's connection, e.g. the CRM's, issue 14 point 5).
 */
export const RECORDED_ACCESS_ACTIONS = ['view', 'download', 'export', 'denied', 'configure'] as const;
export type RecordedAccessAction = (typeof RECORDED_ACCESS_ACTIONS)[number];

/**
 * Request of `kam.documents.access-log.append` (system actors only): one entry for the actor's workspace, appended
 * to its hash chain. Give `id` (an event id) to make the call idempotent.
 */
export class AppendAccessLogRequest {
  @IsOptional() @IsUUID() id?: string;

  @IsString() @Length(1, 100) memberId: string;

  @IsIn(RECORDED_ACCESS_ACTIONS) action: RecordedAccessAction;

  @IsString() @Length(1, 100) subject: string;

  @IsOptional() @IsUUID() documentId?: string;

  @IsOptional() @IsObject() details?: Record<string, unknown>;
}

export interface AppendAccessLogResult {
  id: string;
}

/** What the gateway records for the access log (issue 14, point 6). */
export const GATEWAY_ACCESS_ACTIONS = ['view', 'denied', 'console', 'configure'] as const;
export type GatewayAccessAction = (typeof GATEWAY_ACCESS_ACTIONS)[number];

/**
 * One access-log entry seen at the edge — an archive view (account, contacts, records, plans, timeline), a 401/403
 * of a known member on any route, a job-console action or a change of the CRM connection. It names the route and
 * the ids in it, never the query string, the body or a credential.
 */
export interface AccessRecordedEntry {
  /** The entry's id in the access log (a uuid given by the gateway: a redelivery cannot add a second row). */
  id: string;
  workspaceId: string;
  /** The member (a uuid), or `operator:<name>` for the deployment operator. */
  memberId: string;
  action: GatewayAccessAction;
  /** What was seen or refused: account, contacts, records, plans, timeline, request, job, queue, console. */
  subject: string;
  method: string;
  /** The path, without its query string. */
  route: string;
  accountId?: string;
  documentId?: string;
  /** For a refusal: the error code (forbidden, member_departed, …) and the HTTP status. */
  reason?: string;
  status?: number;
  /** Anything else a console action names (queue, job id, job name). */
  details?: Record<string, string | number | boolean | null | string[]>;
  at: string;
  /** The request that was seen (its x-request-id). */
  requestId?: string | null;
}

/**
 * Payload of `kam.events.gateway.access.recorded`: the entries of one workspace that the gateway committed together
 * (group commit, ADR 0019), appended by document-security in one transaction, in this order.
 */
export interface AccessRecordedEvent {
  workspaceId: string;
  entries: AccessRecordedEntry[];
}
