import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/** What a document is (issue 6). */
export const DOCUMENT_KINDS = [
  'policy',
  'customer_archive',
  'contract',
  'bid',
  'meeting_minutes',
  'report',
  'training_material',
  'handover_report',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Classification levels, lowest first (DESIGN §4). */
export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'secret'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const GRANTEE_TYPES = ['member', 'team', 'role'] as const;
export type GranteeType = (typeof GRANTEE_TYPES)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
/** Multipart fields arrive as strings; an empty one means "not given". */
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** The fields of a multipart upload beside the file. */
export class CreateDocumentFields {
  @ApiProperty({ enum: DOCUMENT_KINDS }) @IsIn(DOCUMENT_KINDS) kind: DocumentKind;

  @ApiProperty({ enum: CLASSIFICATIONS }) @IsIn(CLASSIFICATIONS) classification: Classification;

  @ApiProperty({ example: '华为 2026 年度框架协议' }) @IsString() @Length(1, 300) title: string;

  @ApiPropertyOptional({ description: 'The related key account' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ description: 'Owner (member id); the uploader by default' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ example: '2031-12-31', description: 'Keep until (YYYY-MM-DD)' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'retentionUntil must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'retentionUntil must be a real date' })
  retentionUntil?: string;
}

/** What the gateway knows about the uploaded file; the content itself travels through the transfer bucket. */
export class UploadedFileRef {
  @IsString() @Length(1, 200) objectName: string;
  @IsString() @Length(0, 1000) fileName: string;
  @IsString() @Length(0, 200) declaredType: string;
  @IsInt() @Min(0) size: number;
}

export class CreateDocumentRequest {
  @ValidateNested() @Type(() => CreateDocumentFields) data: CreateDocumentFields;
  @ValidateNested() @Type(() => UploadedFileRef) file: UploadedFileRef;
}

export class AddVersionRequest {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UploadedFileRef) file: UploadedFileRef;
}

export class ListDocumentsQuery {
  @ApiPropertyOptional({ enum: DOCUMENT_KINDS }) @IsOptional() @IsIn(DOCUMENT_KINDS) kind?: DocumentKind;

  @ApiPropertyOptional({ enum: CLASSIFICATIONS })
  @IsOptional()
  @IsIn(CLASSIFICATIONS)
  classification?: Classification;

  @ApiPropertyOptional() @IsOptional() @IsUUID() accountId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() ownerId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;
}

export class ListDocumentsRequest {
  @ValidateNested() @Type(() => ListDocumentsQuery) query: ListDocumentsQuery;
}

export class DocumentIdRequest {
  @IsUUID() id: string;
}

export class DownloadDocumentQuery {
  @ApiPropertyOptional({ description: 'Version number; the latest by default' })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version?: number;
}

export class DownloadDocumentRequest {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => DownloadDocumentQuery) query: DownloadDocumentQuery;
}

export class CreateGrantDto {
  @ApiProperty({ enum: GRANTEE_TYPES }) @IsIn(GRANTEE_TYPES) granteeType: GranteeType;

  @ApiProperty({ description: 'Member id, team id, or role name' })
  @IsString()
  @Length(1, 100)
  granteeId: string;

  @ApiProperty({ example: '2026-12-31T18:00:00+08:00' })
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 time' })
  expiresAt: string;

  @ApiProperty({ example: '投标评审需要' }) @IsString() @Length(1, 500) reason: string;
}

export class CreateGrantRequest {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => CreateGrantDto) data: CreateGrantDto;
}

export class RevokeGrantRequest {
  @IsUUID() id: string;
  @IsUUID() grantId: string;
}

export class ListAccessLogQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() documentId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) memberId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;
}

export class ListAccessLogRequest {
  @ValidateNested() @Type(() => ListAccessLogQuery) query: ListAccessLogQuery;
}

export class InvestigateQuery {
  @ApiPropertyOptional({ description: 'An access-log entry id (from a watermark)' })
  @IsOptional()
  @IsUUID()
  entryId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() documentId?: string;
}

export class InvestigateRequest {
  @ValidateNested() @Type(() => InvestigateQuery) query: InvestigateQuery;
}

/** Request of `kam.accounts.account.relations` (system actors only). */
export class AccountRelationsRequest {
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  accountIds: string[];
}

export interface AccountRelationsView {
  accountId: string;
  ownerId: string;
  ownerTeamId: string | null;
  ownerLeaderId: string | null;
  assistantIds: string[];
  serviceTeamId: string | null;
}

export interface DocumentVersionView {
  version: number;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  createdAt: string;
}

export interface DocumentView {
  id: string;
  kind: DocumentKind;
  classification: Classification;
  title: string;
  ownerId: string;
  accountId: string | null;
  retentionUntil: string | null;
  currentVersion: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  versions?: DocumentVersionView[];
  /** Earlier owners, oldest first (a departure hands documents to the successor; issue 6). */
  ownerHistory?: { fromOwner: string; toOwner: string; reason: string; at: string }[];
}

export interface GrantView {
  id: string;
  documentId: string;
  granteeType: GranteeType;
  granteeId: string;
  reason: string;
  expiresAt: string;
  grantedBy: string;
  createdAt: string;
  revokedAt: string | null;
}

/** What the service hands back for a download: the bytes wait in the transfer bucket under `objectName`. */
export interface DocumentDownloadView {
  objectName: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  version: number;
  accessLogEntryId: string;
}

export interface AccessLogEntryView {
  id: string;
  seq: number | null;
  memberId: string;
  action: string;
  subject: string;
  documentId: string | null;
  details: Record<string, unknown>;
  at: string;
  hash: string | null;
}

export interface AccessLogVerification {
  ok: boolean;
  checked: number;
  /** The first entry whose hash or link does not match, when the chain is broken. */
  firstBroken: { id: string; seq: number; reason: string } | null;
  verifiedAt: string;
}

export interface InvestigationView {
  documentId: string | null;
  entries: AccessLogEntryView[];
  /** Everyone who received the content (downloads), with when and which entry. */
  holders: { memberId: string; entryId: string; at: string; version: number | null }[];
}

export interface RotateKeysResult {
  currentKeyId: string;
  rewrapped: number;
  /** Data keys under master keys that are not configured: left as they are (add the key and run again). */
  unknownKeys?: { keyId: string; versions: number }[];
}

/**
 * The JetStream object store (memory storage) that carries document bytes between the gateway and
 * document-security, since one NATS message holds at most 1 MB (ADR 0010). Entries are deleted by their reader
 * and expire after the TTL in any case.
 */
export const DOCUMENT_TRANSFER_BUCKET = 'kam-document-transfer';
export const DOCUMENT_TRANSFER_TTL_MS = 2 * 60 * 1000;
/** Object names: `up.<uuid>` from the gateway, `down.<uuid>` from the service. */
export const TRANSFER_OBJECT_NAME =
  /^(up|down)\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
