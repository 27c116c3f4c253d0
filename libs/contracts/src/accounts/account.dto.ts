import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export const ACCOUNT_CATEGORIES = ['industry', 'regional', 'potential'] as const;
export type AccountCategory = (typeof ACCOUNT_CATEGORIES)[number];

/** Development pipeline (DESIGN §5). */
export const ACCOUNT_STATUSES = [
  'prospect',
  'qualified',
  'negotiating',
  'agreement_signed',
  'handed_over',
  'active',
  'at_risk',
  'dormant',
  'lost',
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const ACCOUNT_SORTS = ['name', '-name', 'updatedAt', '-updatedAt'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

/** Money is an integer in minor units plus an ISO 4217 currency code. */
export class MoneyDto {
  @ApiProperty({ example: 150000000, description: 'Amount in minor units (fen for CNY)' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor: number;

  @ApiProperty({ example: 'CNY' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency: string;
}

export class CreateAccountDto {
  @ApiProperty({ description: "The CRM's company id (unique per workspace)", example: 'b7c4c3f2-...' })
  @IsString()
  @Length(1, 64)
  crmCompanyId: string;

  @ApiProperty({ example: '深圳华为技术有限公司' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ description: "A tier key of the workspace's ladder", example: 'gold' })
  @IsString()
  @Length(1, 32)
  tier: string;

  @ApiProperty({ enum: ACCOUNT_CATEGORIES })
  @IsIn(ACCOUNT_CATEGORIES)
  category: AccountCategory;

  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES, default: 'prospect' })
  @IsOptional()
  @IsIn(ACCOUNT_STATUSES)
  status?: AccountStatus;

  @ApiPropertyOptional({ example: '通信设备' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  industry?: string;

  @ApiPropertyOptional({ example: '华南' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  region?: string;

  @ApiPropertyOptional({ description: 'Owner member id; defaults to the caller' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ description: 'Customer service team serving the account' })
  @IsOptional()
  @IsUUID()
  serviceTeamId?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  assistantIds?: string[];

  @ApiPropertyOptional({ type: MoneyDto, description: 'Annual purchase (financial field)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  annualPurchase?: MoneyDto;

  @ApiPropertyOptional({ description: 'Profit contribution in percent (financial field)', example: 12.5 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  profitContributionPct?: number;

  @ApiPropertyOptional({ description: 'A recorded strategic potential (qualifies on its own)' })
  @IsOptional()
  @IsBoolean()
  strategicPotential?: boolean;
}

/**
 * Plain fields of an account. Tier, stage and assignment have their own operations (they need a reason,
 * an approval, or a handover) and are not accepted here.
 */
export class UpdateAccountDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: ACCOUNT_CATEGORIES })
  @IsOptional()
  @IsIn(ACCOUNT_CATEGORIES)
  category?: AccountCategory;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  industry?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  region?: string;

  @ApiPropertyOptional({ type: MoneyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  annualPurchase?: MoneyDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  profitContributionPct?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  strategicPotential?: boolean;
}

export class ListAccountsQuery {
  @ApiPropertyOptional({
    description: 'Name contains (Chinese substrings work: 华为 finds 深圳华为技术有限公司)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  industry?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  region?: string;

  @ApiPropertyOptional({ enum: ACCOUNT_CATEGORIES })
  @IsOptional()
  @IsIn(ACCOUNT_CATEGORIES)
  category?: AccountCategory;

  @ApiPropertyOptional({ description: "Owner's team" })
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  serviceTeamId?: string;

  @ApiPropertyOptional({ description: 'Filter by tier key' })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  tier?: string;

  @ApiPropertyOptional({ description: 'Filter by owner member id' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ description: "The CRM company's id (the account linked to a Twenty company)" })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  crmCompanyId?: string;

  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES })
  @IsOptional()
  @IsIn(ACCOUNT_STATUSES)
  status?: AccountStatus;

  @ApiPropertyOptional({ enum: ACCOUNT_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(ACCOUNT_SORTS)
  sort?: AccountSort;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  )
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

export class GetAccountRequest {
  @IsUUID()
  id: string;
}

export class CreateAccountRequest {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  idempotencyKey?: string;

  @IsObject()
  @ValidateNested()
  @Type(() => CreateAccountDto)
  account: CreateAccountDto;
}

export class UpdateAccountRequest {
  @IsUUID()
  id: string;

  @IsInt()
  @Min(1)
  expectedVersion: number;

  @IsObject()
  @ValidateNested()
  @Type(() => UpdateAccountDto)
  changes: UpdateAccountDto;
}

export class ListAccountsRequest {
  @IsObject()
  @ValidateNested()
  @Type(() => ListAccountsQuery)
  query: ListAccountsQuery;
}
