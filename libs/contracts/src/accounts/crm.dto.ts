import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ACCOUNT_CATEGORIES, AccountCategory } from './account.dto';

/**
 * The CRM's records as KAM needs them (issue 7). The gateway maps Twenty's REST and webhook shapes to these;
 * account-management never sees Twenty's own shapes. Ids are the CRM's record ids.
 */
export class CrmCompanyRecord {
  @IsString() @Length(1, 64) id: string;
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsString() @Length(0, 300) domain?: string | null;
  @IsOptional() @IsInt() @Min(0) employees?: number | null;
  @IsOptional() @IsString() @Length(0, 100) city?: string | null;
}

export class CrmPersonRecord {
  @IsString() @Length(1, 64) id: string;
  @IsOptional() @IsString() @Length(1, 64) companyId?: string | null;
  @IsString() @Length(1, 100) name: string;
  @IsOptional() @IsString() @Length(0, 200) jobTitle?: string | null;
  @IsOptional() @IsString() @Length(0, 320) email?: string | null;
  @IsOptional() @IsString() @Length(0, 64) phone?: string | null;
}

export class CrmOpportunityRecord {
  @IsString() @Length(1, 64) id: string;
  @IsOptional() @IsString() @Length(1, 64) companyId?: string | null;
  @IsString() @Length(0, 200) name: string;
  /** True when the CRM stage counts as won (the gateway decides from the stage name). */
  @IsBoolean() won: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) amountMinor?: number | null;
  @IsOptional() @Matches(/^[A-Z]{3}$/) currency?: string | null;
  /** YYYY-MM-DD, or null (then the order is dated today in the workspace's time zone). */
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) closeDate?: string | null;
}

/** Up to one page of the CRM's REST API (60) or one webhook's record. */
export class CrmCompaniesBatch {
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CrmCompanyRecord)
  companies: CrmCompanyRecord[];
}

export class CrmPeopleBatch {
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CrmPersonRecord)
  people: CrmPersonRecord[];
}

export class CrmOpportunitiesBatch {
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CrmOpportunityRecord)
  opportunities: CrmOpportunityRecord[];
}

export class CrmRecordRef {
  @IsString() @Length(1, 64) id: string;
}

export interface CrmCompaniesResult {
  /** Key accounts linked to one of the companies whose name changed. */
  accountsUpdated: number;
  /** Companies without a key account, recorded (or refreshed) as prospect candidates. */
  candidates: number;
}

export interface CrmPeopleResult {
  contactsCreated: number;
  contactsUpdated: number;
  /** People whose company is not a key account. */
  skipped: number;
}

export interface CrmOpportunitiesResult {
  ordersCreated: number;
  /** Not won, no linked account, no amount, or already recorded. */
  skipped: number;
}

/** What the sync writes back to the CRM's company record: tier, health and owner (custom fields). */
export interface CrmLinkedAccount {
  crmCompanyId: string;
  accountId: string;
  tier: string;
  healthScore: number | null;
  ownerName: string;
}

/** What of a CRM connection can change; never its values (the key and the secret stay in the gateway). */
export const CRM_CONNECTION_PARTS = ['baseUrl', 'apiKey', 'webhookSecret'] as const;
export type CrmConnectionPart = (typeof CRM_CONNECTION_PARTS)[number];

/**
 * `kam.accounts.crm.connection-changed` (system actors only): the workspace's CRM connection was set up or
 * changed; every active director is told which host and what changed, and by whom. `changeId` makes a retry
 * harmless.
 */
export class CrmConnectionChangedRequest {
  @IsUUID() changeId: string;
  @IsString() @Length(1, 100) changedBy: string;
  @IsString() @Length(1, 300) host: string;
  @IsOptional() @IsString() @Length(1, 300) previousHost?: string;
  @IsArray()
  @ArrayMaxSize(CRM_CONNECTION_PARTS.length)
  @IsIn(CRM_CONNECTION_PARTS, { each: true })
  changed: CrmConnectionPart[];
}

export interface CrmConnectionChangedResult {
  notified: number;
}

export class CrmLinkedAccountsQuery {
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsString() @Length(1, 64) after?: string;
}

export const PROSPECT_CANDIDATE_STATES = ['open', 'promoted', 'deleted'] as const;
export type ProspectCandidateState = (typeof PROSPECT_CANDIDATE_STATES)[number];

/** A CRM company that is not a key account yet: a market researcher may promote it to a prospect. */
export interface ProspectCandidateView {
  id: string;
  crmCompanyId: string;
  name: string;
  domain: string | null;
  employees: number | null;
  city: string | null;
  status: ProspectCandidateState;
  accountId: string | null;
  firstSeenAt: string;
  updatedAt: string;
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class ListProspectCandidatesQuery {
  @ApiPropertyOptional({ enum: PROSPECT_CANDIDATE_STATES, default: 'open' })
  @IsOptional()
  @IsIn(PROSPECT_CANDIDATE_STATES)
  status?: ProspectCandidateState;

  @ApiPropertyOptional({ description: 'Part of the name' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

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

/** Promotes a candidate to a prospect key account (status `prospect`). */
export class PromoteProspectCandidateDto {
  @ApiProperty({ description: "A tier key of the workspace's ladder", example: 'silver' })
  @IsString()
  @Length(1, 32)
  tier: string;

  @ApiProperty({ enum: ACCOUNT_CATEGORIES })
  @IsIn(ACCOUNT_CATEGORIES)
  category: AccountCategory;

  @ApiPropertyOptional({ description: 'Owner member id; defaults to the caller' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;
}

export class PromoteProspectCandidateRequest extends PromoteProspectCandidateDto {
  @IsUUID() candidateId: string;
}
