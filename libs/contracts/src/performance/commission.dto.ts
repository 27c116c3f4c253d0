import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
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
import { SETUP_MONTH_PATTERN, setupIntQuery } from './targets.dto';
import { TEMPLATE_POSITION } from './templates.dto';

/** 提成方案: tiered commission rates on a member's monthly sales; approved by the director before use. */
export const COMMISSION_MODES_API = ['progressive', 'whole'] as const;
export type CommissionModeApi = (typeof COMMISSION_MODES_API)[number];
export const COMMISSION_PLAN_STATES = ['draft', 'approved', 'retired'] as const;
export type CommissionPlanState = (typeof COMMISSION_PLAN_STATES)[number];
export const COMMISSION_STATEMENT_STATES = ['draft', 'approved'] as const;
export type CommissionStatementState = (typeof COMMISSION_STATEMENT_STATES)[number];

export class CommissionTierDto {
  @ApiProperty({
    example: '0',
    description: 'Sales from this amount (fen) upward; the first tier starts at "0"',
  })
  @IsString()
  @Matches(/^\d{1,15}$/, { message: 'fromMinor must be a whole number of fen, as a string' })
  fromMinor: string;

  @ApiProperty({ example: '1.50', description: 'Rate in percent, at most 2 decimals (0-100)' })
  @IsString()
  @Matches(/^\d{1,3}(\.\d{1,2})?$/, { message: 'ratePct must be a percentage with at most 2 decimals' })
  ratePct: string;
}

export class CreateCommissionPlanDto {
  @ApiProperty({ example: '2026 销售提成方案' }) @IsString() @Length(1, 200) name: string;

  @ApiPropertyOptional({ example: 'sales', description: 'The position it applies to; absent for everyone' })
  @IsOptional()
  @IsString()
  @Matches(TEMPLATE_POSITION, { message: 'position must be a slug' })
  position?: string;

  @ApiProperty({
    enum: COMMISSION_MODES_API,
    description:
      'progressive: each bracket at its own rate; whole: all sales at the rate of the highest bracket reached',
  })
  @IsIn(COMMISSION_MODES_API)
  mode: CommissionModeApi;

  @ApiProperty({ type: [CommissionTierDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CommissionTierDto)
  tiers: CommissionTierDto[];

  @ApiProperty({ example: '2026-11', description: 'First month the plan is used in, once approved' })
  @IsString()
  @Matches(SETUP_MONTH_PATTERN, { message: 'effectiveFrom must be YYYY-MM' })
  effectiveFrom: string;
}

export class DraftStatementsDto {
  @ApiProperty({ example: '2026-11' })
  @IsString()
  @Matches(SETUP_MONTH_PATTERN, { message: 'month must be YYYY-MM' })
  month: string;
}

export class ListStatementsQuery {
  @ApiProperty({ example: '2026-11' })
  @IsString()
  @Matches(SETUP_MONTH_PATTERN, { message: 'month must be YYYY-MM' })
  month: string;
  @ApiPropertyOptional({ enum: COMMISSION_STATEMENT_STATES })
  @IsOptional()
  @IsIn(COMMISSION_STATEMENT_STATES)
  status?: CommissionStatementState;
  @ApiPropertyOptional() @IsOptional() @IsUUID() memberId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 2000, default: 500 })
  @IsOptional()
  @Transform(setupIntQuery)
  @IsInt()
  @Min(1)
  @Max(2000)
  limit?: number;
}

export class ListCommissionPlansQuery {
  @ApiPropertyOptional({ enum: COMMISSION_PLAN_STATES })
  @IsOptional()
  @IsIn(COMMISSION_PLAN_STATES)
  status?: CommissionPlanState;
}

/** Request wrappers over NATS. */
export class CreateCommissionPlanRequest {
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateCommissionPlanDto) data: CreateCommissionPlanDto;
}
export class ApproveByIdRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}
export class ListCommissionPlansRequest {
  @IsObject() @ValidateNested() @Type(() => ListCommissionPlansQuery) query: ListCommissionPlansQuery;
}
export class DraftStatementsRequest {
  @IsObject() @ValidateNested() @Type(() => DraftStatementsDto) data: DraftStatementsDto;
}
export class ListStatementsRequest {
  @IsObject() @ValidateNested() @Type(() => ListStatementsQuery) query: ListStatementsQuery;
}

export interface CommissionPlanView {
  id: string;
  name: string;
  position: string | null;
  mode: CommissionModeApi;
  tiers: { fromMinor: string; ratePct: string }[];
  effectiveFrom: string;
  status: CommissionPlanState;
  approvedBy: string | null;
  approvedAt: string | null;
  version: number;
  createdBy: string | null;
  createdAt: string;
}

export interface CommissionLineView {
  fromMinor: string;
  toMinor: string | null;
  baseMinor: string;
  ratePct: string;
  amountMinor: string;
  /** e.g. "50000.00 × 2.00% = 1000.00" (yuan). */
  formula: string;
}

/** 提成结算预案: one member's commission for a month, explained line by line. */
export interface CommissionStatementView {
  id: string;
  month: string;
  memberId: string;
  teamId: string | null;
  planId: string | null;
  planName: string | null;
  mode: CommissionModeApi | null;
  salesMinor: string;
  commissionMinor: string;
  currency: 'CNY';
  lines: CommissionLineView[];
  status: CommissionStatementState;
  approvedBy: string | null;
  approvedAt: string | null;
  version: number;
  createdAt: string;
}

export interface DraftStatementsView {
  month: string;
  /** Drafts written (new or replaced). */
  drafted: number;
  /** Members whose statement was already approved and was left alone. */
  keptApproved: number;
  /** Members with no approved plan in effect for their position. */
  withoutPlan: number;
  items: CommissionStatementView[];
}
