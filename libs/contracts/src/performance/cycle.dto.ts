import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
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
import { AsOf } from '../as-of';

/** A calendar month, `YYYY-MM`, counted in the workspace's time zone. */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
/** Points or a score with at most two decimals, as a string ("4.5", "88.00"): never binary floating point. */
export const POINTS_PATTERN = /^\d{1,3}(\.\d{1,2})?$/;

export const SCORECARD_STATES = [
  'draft',
  'rated',
  'published',
  'acknowledged',
  'appealed',
  'approved',
] as const;
export type ScorecardState = (typeof SCORECARD_STATES)[number];
export const WARNING_DECISIONS = ['keep', 'improvement_plan', 'reassign', 'dismiss'] as const;
export type WarningDecision = (typeof WARNING_DECISIONS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class OpenCycleDto {
  @ApiProperty({ example: '2026-10', description: 'The month evaluated (YYYY-MM)' })
  @Matches(MONTH_PATTERN, { message: 'month must be YYYY-MM' })
  month: string;
}

export class ListScorecardsQuery {
  @ApiPropertyOptional({ example: '2026-10' })
  @IsOptional()
  @Matches(MONTH_PATTERN, { message: 'month must be YYYY-MM' })
  month?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() memberId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() teamId?: string;

  @ApiPropertyOptional({ enum: SCORECARD_STATES })
  @IsOptional()
  @IsIn(SCORECARD_STATES)
  status?: ScorecardState;

  @ApiPropertyOptional({ example: 'sales' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,39}$/)
  position?: string;

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

export class RatingDto {
  @ApiProperty({ example: 'sales_technique' })
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, { message: 'criterionKey must be a criterion key' })
  criterionKey: string;

  @ApiProperty({ example: '4.5', description: 'Points, 0..the criterion maximum, at most two decimals' })
  @IsString()
  @Matches(POINTS_PATTERN, { message: 'points must be a number with at most two decimals, e.g. "4.5"' })
  points: string;

  @ApiPropertyOptional({ description: 'Evidence for the rating (what was observed, where it is recorded)' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  evidence?: string;
}

export class RateScorecardDto {
  @ApiProperty({ type: [RatingDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RatingDto)
  ratings: RatingDto[];
}

export class AppealDto {
  @ApiProperty({ description: 'Why the member disagrees' })
  @IsString()
  @Length(5, 4000)
  reason: string;
}

export class DecideAppealDto {
  @ApiProperty({ enum: ['upheld', 'rejected'] })
  @IsIn(['upheld', 'rejected'])
  decision: 'upheld' | 'rejected';

  @ApiProperty({ description: 'The recorded reason of the decision (and of any recomputation)' })
  @IsString()
  @Length(2, 4000)
  reason: string;

  @ApiPropertyOptional({ type: [RatingDto], description: 'Corrected ratings when the appeal is upheld' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RatingDto)
  ratings?: RatingDto[];
}

export class DecideWarningDto {
  @ApiProperty({ enum: WARNING_DECISIONS })
  @IsIn(WARNING_DECISIONS)
  decision: WarningDecision;

  @ApiProperty()
  @IsString()
  @Length(2, 4000)
  note: string;
}

export class PublishCycleDto {
  @ApiPropertyOptional({ description: 'Only this team (a group leader publishes their team)' })
  @IsOptional()
  @IsUUID()
  teamId?: string;
}

export class RunPerformanceJobDto {
  @ApiPropertyOptional({ example: '2026-11-01T00:30:00+08:00' })
  @AsOf()
  asOf?: string;
}

export class PayrollQuery {
  @ApiPropertyOptional({ enum: ['csv', 'xlsx', 'json'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'xlsx', 'json'])
  format?: 'csv' | 'xlsx' | 'json';
}

export class AuditTrailQuery {
  @ApiProperty({ example: 'scorecard' }) @Matches(/^[a-z_]{2,40}$/) entity: string;
  @ApiProperty() @IsString() @Length(1, 80) entityId: string;
}

/* NATS requests */
export class MonthRequest {
  @Matches(MONTH_PATTERN, { message: 'month must be YYYY-MM' }) month: string;
}
export class ScorecardIdRequest {
  @IsUUID() id: string;
}
export class RateScorecardRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @ValidateNested() @Type(() => RateScorecardDto) data: RateScorecardDto;
}
export class ScorecardActionRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}
export class AppealRequest {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => AppealDto) data: AppealDto;
}
export class DecideAppealRequest {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => DecideAppealDto) data: DecideAppealDto;
}
export class DecideWarningRequest {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => DecideWarningDto) data: DecideWarningDto;
}
export class ListScorecardsRequest {
  @ValidateNested() @Type(() => ListScorecardsQuery) query: ListScorecardsQuery;
}
export class PublishCycleRequest {
  @Matches(MONTH_PATTERN, { message: 'month must be YYYY-MM' }) month: string;
  @ValidateNested() @Type(() => PublishCycleDto) data: PublishCycleDto;
}
export class RunPerformanceJobRequest {
  @ValidateNested() @Type(() => RunPerformanceJobDto) data: RunPerformanceJobDto;
}
export class AuditTrailRequest {
  @ValidateNested() @Type(() => AuditTrailQuery) query: AuditTrailQuery;
}

/* Views */
export interface DepartmentResult {
  salesMinor: string;
  targetMinor: string | null;
  challengeMinor: string | null;
  outcome: 'exceeded' | 'met' | 'missed' | 'no_target';
  modifierPct: number;
}

export interface CycleView {
  id: string;
  month: string;
  status: 'open' | 'locked';
  timeZone: string;
  department: DepartmentResult | null;
  counts: Record<ScorecardState, number> & { total: number };
  openedAt: string;
  metricsCollectedAt: string | null;
  lockedAt: string | null;
  lockedBy: string | null;
  version: number;
}

export interface ScorecardItemView {
  criterionKey: string;
  group: string;
  /** The group in the caller's language (业绩/能力/态度/工作量/工作效果). */
  groupName: string;
  kind: 'automatic' | 'manual';
  name: { zh: string; en: string };
  maxPoints: string;
  points: string | null;
  explanation: string | null;
  evidence: string | null;
  ratedBy: string | null;
  ratedAt: string | null;
}

export interface PayoutLineView {
  key: string;
  /** What the line is, in the caller's language (banded pay, department modifier, performance pay). */
  label: string;
  formula: string;
  amountMinor: string;
}

export interface ScorecardView {
  id: string;
  month: string;
  memberId: string;
  memberName: string;
  teamId: string | null;
  position: string;
  templateId: string;
  status: ScorecardState;
  total: string | null;
  groups: Record<string, string>;
  /** Each group's name in the caller's language. */
  groupNames: Record<string, string>;
  items: ScorecardItemView[];
  metrics: Record<string, unknown>;
  rank: number | null;
  isLast: boolean;
  publishedAt: string | null;
  appealUntil: string | null;
  acknowledgedAt: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  locked: boolean;
  version: number;
}

export interface StatementView {
  scorecard: ScorecardView;
  currency: 'CNY';
  /**
   * The month's sales the card was scored on (CNY, minor units) and, of them, the orders created from won CRM
   * opportunities: amount and count (issue 14, point 5). Null when the card has no measurements; `fromCrm` null
   * when it was collected before the CRM's share was measured.
   */
  sales: {
    salesMinor: string;
    ordersCount: number;
    fromCrm: { amountMinor: string; ordersCount: number } | null;
  } | null;
  payBaseMinor: string | null;
  band: string | null;
  /** The band in the caller's language. */
  bandLabel: string | null;
  ratePct: string | null;
  department: DepartmentResult | null;
  payout: { lines: PayoutLineView[]; totalMinor: string } | null;
  commission: { status: string; salesMinor: string; totalMinor: string; lines: unknown[] } | null;
  totalPayMinor: string | null;
  /** Computed now from current data (open cycle), or as frozen at the lock. */
  final: boolean;
  notes: string[];
}

export interface RankingRow {
  memberId: string;
  memberName: string;
  teamId: string | null;
  total: string | null;
  rank: number | null;
  isLast: boolean;
}

export interface RankingView {
  month: string;
  positions: { position: string; rows: RankingRow[] }[];
}

export interface AppealView {
  id: string;
  scorecardId: string;
  memberId: string;
  reason: string;
  status: 'pending' | 'upheld' | 'rejected';
  filedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
}

export interface EliminationWarningView {
  id: string;
  memberId: string;
  memberName: string;
  position: string;
  months: string[];
  raisedAt: string;
  status: 'open' | 'decided';
  decision: WarningDecision | null;
  decisionNote: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface PayrollRow {
  month: string;
  memberId: string;
  memberName: string;
  position: string;
  teamId: string | null;
  score: string;
  band: string;
  ratePct: string;
  payBaseMinor: string;
  bandedMinor: string;
  modifierPct: number;
  modifierMinor: string;
  performancePayMinor: string;
  commissionMinor: string;
  totalMinor: string;
  rank: number | null;
}

export interface AuditEntryView {
  id: string;
  entity: string;
  entityId: string;
  action: string;
  actorId: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
  at: string;
}

export interface ScorecardEvent {
  workspaceId: string;
  scorecardId: string;
  memberId: string;
  month: string;
  status: ScorecardState;
}
