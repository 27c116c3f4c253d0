import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';
import { CreateAccountDto, ListAccountsQuery } from './account.dto';

/** The most accounts one bulk import takes. */
export const IMPORT_MAX_ACCOUNTS = 1000;
/** The most rows one export page carries over NATS (fewer when the rows are large: NATS takes 1 MB). */
export const EXPORT_PAGE_ROWS = 500;

/** The filters of the list (including `q`) and its sort; the export walks every page itself. */
export class ExportAccountsQuery extends OmitType(ListAccountsQuery, ['limit', 'cursor'] as const) {
  /**
   * An export of more rows than KAM_EXPORT_APPROVAL_THRESHOLD needs an export request with these filters, approved
   * by the director (POST /api/v1/export-requests, kind accounts; issue 6): its id, used up by this export.
   */
  @ApiPropertyOptional({ description: 'Approved export request (exports over the approval threshold)' })
  @IsOptional()
  @IsUUID()
  exportRequestId?: string;
}

/**
 * One call of `kam.accounts.account.export`. Without `exportId`: the first page, which records the export.
 * With `exportId` and `cursor`: the next page. With `exportId`, `done` and `rowCount`: the export finished
 * (or the client went away: `complete` false) and the row count goes to the access log.
 */
export class ExportAccountsRequest {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExportAccountsQuery)
  query?: ExportAccountsQuery;

  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;

  @IsOptional()
  @IsUUID()
  exportId?: string;

  @IsOptional()
  @Equals(true)
  done?: true;

  @IsOptional()
  @IsInt()
  @Min(0)
  rowCount?: number;

  @IsOptional()
  @IsBoolean()
  complete?: boolean;
}

/** A page of the CSV export: cells already redacted, as strings; the gateway escapes them. */
export interface ExportPage {
  exportId: string;
  header: string[];
  rows: string[][];
  nextCursor: string | null;
}

export interface ExportDoneReply {
  exportId: string;
  rowCount: number;
}

/** Filters are the export's query as the caller sent it. */
export interface AccountExportedEvent {
  exportId: string;
  workspaceId: string;
  memberId: string;
  filters: Record<string, unknown>;
  at: string;
}

export interface AccountExportCompletedEvent {
  exportId: string;
  workspaceId: string;
  memberId: string;
  rowCount: number;
  /** False when the download stopped before the last row (the client went away, a page failed). */
  complete: boolean;
  at: string;
}

export class ImportAccountsDto {
  @ApiProperty({ type: [CreateAccountDto], minItems: 1, maxItems: IMPORT_MAX_ACCOUNTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(IMPORT_MAX_ACCOUNTS)
  @ValidateNested({ each: true })
  @Type(() => CreateAccountDto)
  accounts: CreateAccountDto[];
}

export class ImportAccountsRequest extends ImportAccountsDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  idempotencyKey?: string;
}

export interface ImportAccountsResult {
  created: number;
  /** The new accounts' ids, in the order of the rows. */
  ids: string[];
}
