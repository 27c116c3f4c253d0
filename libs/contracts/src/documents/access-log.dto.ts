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
