import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';
import { Role, ROLES } from '../roles';
import { AsOf } from '../as-of';

// Export controls, policy acknowledgements and departures (issue 6, points 5-7).

/** Most documents one export (or one export request) may name. */
export const EXPORT_MAX_DOCUMENTS = 1000;

export const EXPORT_KINDS = ['documents', 'accounts'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_DECISIONS = ['approve', 'reject'] as const;
export type ExportDecision = (typeof EXPORT_DECISIONS)[number];

/** An export request: who (the caller), what (documents, or the filters of an account CSV export), why. */
export class CreateExportRequestDto {
  @ApiProperty({ enum: EXPORT_KINDS }) @IsIn(EXPORT_KINDS) kind: ExportKind;

  @ApiPropertyOptional({ description: 'The documents to export (kind documents)', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EXPORT_MAX_DOCUMENTS)
  @IsUUID('all', { each: true })
  documentIds?: string[];

  @ApiPropertyOptional({
    description:
      'The filters of GET /api/v1/accounts/export the export will use (kind accounts), e.g. {"tier":"gold"}',
  })
  @IsOptional()
  @IsObject()
  accountFilters?: Record<string, unknown>;

  @ApiProperty({ example: '年度客户审计需要' }) @IsString() @Length(1, 500) reason: string;
}

export class CreateExportRequestRequest {
  @ValidateNested() @Type(() => CreateExportRequestDto) data: CreateExportRequestDto;
}

export class DecideExportRequestDto {
  @ApiProperty({ enum: EXPORT_DECISIONS }) @IsIn(EXPORT_DECISIONS) decision: ExportDecision;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) note?: string;
}

export class DecideExportRequestRequest {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => DecideExportRequestDto) data: DecideExportRequestDto;
}

export class ListExportRequestsQuery {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'] })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected'])
  status?: 'pending' | 'approved' | 'rejected';
}

export class ListExportRequestsRequest {
  @ValidateNested() @Type(() => ListExportRequestsQuery) query: ListExportRequestsQuery;
}

/** A bulk export of documents: a zip of their current versions, each watermarked. */
export class ExportDocumentsDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EXPORT_MAX_DOCUMENTS)
  @IsUUID('all', { each: true })
  documentIds: string[];

  @ApiPropertyOptional({
    description: 'The approved export request (over the threshold, or any secret document)',
  })
  @IsOptional()
  @IsUUID()
  exportRequestId?: string;
}

export class ExportDocumentsRequest {
  @ValidateNested() @Type(() => ExportDocumentsDto) data: ExportDocumentsDto;
}

/**
 * `kam.documents.export-request.redeem`, sent by account-management with the caller's actor when an account CSV
 * export is over the threshold: the approved request is used up (or the attempt is refused and logged).
 */
/**
 * Sent by account-management as a system caller (issue 14): the member who exports and their roles travel here,
 * not as the envelope's actor, because no service sends requests as a user.
 */
export class RedeemExportRequest {
  @IsUUID() memberId: string;
  @IsArray() @IsIn(ROLES, { each: true }) roles: Role[];
  @IsOptional() @IsUUID() id?: string;
  @IsIn(['accounts']) kind: 'accounts';
  @IsObject() accountFilters: Record<string, unknown>;
  @IsOptional() @IsInt() @Min(0) rowCount?: number;
}

export type ExportRequestStatus = 'pending' | 'approved' | 'rejected';

export interface ExportRequestView {
  id: string;
  kind: ExportKind;
  requesterId: string;
  documentIds: string[];
  accountFilters: Record<string, unknown> | null;
  itemCount: number;
  includesSecret: boolean;
  reason: string;
  status: ExportRequestStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  /** Download before this time (approved requests). */
  expiresAt: string | null;
  /** When the single download happened. */
  usedAt: string | null;
  createdAt: string;
}

export interface RedeemExportReply {
  exportRequestId: string;
}

/** The zip waits in the transfer bucket under `objectName` (ADR 0010). */
export interface DocumentExportView {
  objectName: string;
  fileName: string;
  sizeBytes: number;
  documentCount: number;
  exportRequestId: string | null;
  /** One access-log entry per exported document, in the order of the zip. */
  accessLogEntryIds: string[];
}

// Policy documents (制度).

export interface PolicyPublicationView {
  documentId: string;
  version: number;
  publishedBy: string;
  publishedAt: string;
  /** Active members who must acknowledge this version. */
  audience: number;
}

export interface PolicyAcknowledgementView {
  documentId: string;
  version: number;
  memberId: string;
  acknowledgedAt: string;
}

export interface PolicyAcknowledgementsView {
  documentId: string;
  title: string;
  version: number;
  publishedAt: string;
  acknowledged: { memberId: string; name: string; acknowledgedAt: string }[];
  pending: { memberId: string; name: string }[];
}

export class RunDocumentJobDto {
  @ApiPropertyOptional({ example: '2026-11-27T09:00:00+08:00' })
  @AsOf()
  asOf?: string;
}

export class RunDocumentJobRequest {
  @ValidateNested() @Type(() => RunDocumentJobDto) data: RunDocumentJobDto;
}

/** `kam.events.documents.policy.acknowledgement-due`: one per member who has not acknowledged, per day. */
export interface PolicyAcknowledgementDueEvent {
  workspaceId: string;
  documentId: string;
  title: string;
  version: number;
  memberId: string;
  publishedAt: string;
  day: string;
}
