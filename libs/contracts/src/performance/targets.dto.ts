import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/** Targets (目标) of the evaluation: department, team or member; year, quarter or month; with a challenge target. */
export const TARGET_SCOPES = ['department', 'team', 'member'] as const;
export type TargetScope = (typeof TARGET_SCOPES)[number];
export const TARGET_METRICS = [
  'sales_amount',
  'new_key_accounts',
  'revisit_completion',
  'satisfaction',
  'complaint_resolution',
  'project_on_time',
] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];
export const TARGET_PERIOD_KINDS = ['year', 'quarter', 'month'] as const;
export type TargetPeriodKind = (typeof TARGET_PERIOD_KINDS)[number];

/** A plain decimal string: digits with an optional fraction ("1500000", "0.95", "4.5"). */
export const DECIMAL_STRING = /^\d{1,16}(\.\d{1,4})?$/;
export const SETUP_MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export const setupIntQuery = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

const VALUE_DOC =
  'Decimal string. sales_amount: integer fen (minor units); new_key_accounts: whole count; revisit_completion, ' +
  'complaint_resolution, project_on_time: a fraction 0..1 (0.95); satisfaction: 1..5';

export class CreateTargetDto {
  @ApiProperty({ enum: TARGET_SCOPES }) @IsIn(TARGET_SCOPES) scope: TargetScope;

  @ApiPropertyOptional({ description: 'The team or member id; absent for the department' })
  @IsOptional()
  @IsUUID()
  scopeId?: string;

  @ApiProperty({ enum: TARGET_METRICS }) @IsIn(TARGET_METRICS) metric: TargetMetric;

  @ApiProperty({ enum: TARGET_PERIOD_KINDS }) @IsIn(TARGET_PERIOD_KINDS) periodKind: TargetPeriodKind;

  @ApiProperty({ example: 2026 }) @IsInt() @Min(2000) @Max(2200) year: number;

  @ApiPropertyOptional({ description: '1 for a year; 1-4 for a quarter; 1-12 for a month', default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(12)
  periodIndex?: number;

  @ApiProperty({ example: '150000000', description: VALUE_DOC })
  @IsString()
  @Matches(DECIMAL_STRING, { message: 'value must be a decimal string, e.g. "150000000" or "0.95"' })
  value: string;

  @ApiPropertyOptional({
    example: '180000000',
    description: `The challenge target (挑战目标), at least value. ${VALUE_DOC}`,
  })
  @IsOptional()
  @IsString()
  @Matches(DECIMAL_STRING, { message: 'challenge must be a decimal string' })
  challenge?: string;

  @ApiPropertyOptional({ description: 'The target this one is a part of (decomposition)' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

/** What may change on a target; scope, metric and period are its identity. */
export class UpdateTargetDto {
  @ApiPropertyOptional({ description: VALUE_DOC })
  @IsOptional()
  @IsString()
  @Matches(DECIMAL_STRING, { message: 'value must be a decimal string, e.g. "150000000" or "0.95"' })
  value?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null removes the challenge target' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(DECIMAL_STRING, { message: 'challenge must be a decimal string or null' })
  challenge?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null detaches it from its parent' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  parentId?: string | null;
}

export class ListTargetsQuery {
  @ApiPropertyOptional({ enum: TARGET_SCOPES }) @IsOptional() @IsIn(TARGET_SCOPES) scope?: TargetScope;
  @ApiPropertyOptional() @IsOptional() @IsUUID() scopeId?: string;
  @ApiPropertyOptional({ enum: TARGET_METRICS }) @IsOptional() @IsIn(TARGET_METRICS) metric?: TargetMetric;
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(setupIntQuery)
  @IsInt()
  @Min(2000)
  @Max(2200)
  year?: number;
  @ApiPropertyOptional({ enum: TARGET_PERIOD_KINDS })
  @IsOptional()
  @IsIn(TARGET_PERIOD_KINDS)
  periodKind?: TargetPeriodKind;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(setupIntQuery)
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

/** Request wrappers over NATS. */
export class CreateTargetRequest {
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateTargetDto) data: CreateTargetDto;
}
export class UpdateTargetRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => UpdateTargetDto) data: UpdateTargetDto;
}
export class DeleteTargetRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}
export class TargetIdRequest {
  @IsUUID() id: string;
}
export class ListTargetsRequest {
  @IsObject() @ValidateNested() @Type(() => ListTargetsQuery) query: ListTargetsQuery;
}

/** Children of a target that do not add up to it (a warning, never an error). */
export interface TargetDecompositionWarning {
  /** children_short: the parts add up to less than the whole; children_over: to more. */
  kind: 'children_short' | 'children_over';
  parentId: string;
  /** The kind of part compared: e.g. team targets of the same period, or the quarters of a year. */
  childScope: TargetScope;
  childPeriodKind: TargetPeriodKind;
  parentValue: string;
  childrenSum: string;
  difference: string;
}

export interface TargetView {
  id: string;
  scope: TargetScope;
  scopeId: string | null;
  metric: TargetMetric;
  periodKind: TargetPeriodKind;
  year: number;
  periodIndex: number;
  /** "2026", "2026-Q4" or "2026-11". */
  period: string;
  value: string;
  challenge: string | null;
  parentId: string | null;
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** On create and update: whether this target's parent (and its own children) still add up. */
  warnings?: TargetDecompositionWarning[];
}

export interface TargetDecompositionView {
  target: TargetView;
  children: TargetView[];
  warnings: TargetDecompositionWarning[];
}
