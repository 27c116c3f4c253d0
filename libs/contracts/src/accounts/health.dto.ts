import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
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
import { DATE_TIME_WITH_OFFSET } from './archive.dto';
import { AsOf } from '../as-of';

/** Issue 4, point 9 (health and the risk register) and point 8 (tenders, 政府采购). */

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const RISK_STATUSES = ['open', 'mitigated', 'closed'] as const;
export type RiskStatus = (typeof RISK_STATUSES)[number];

/** noticed → preparing → submitted → won | lost; cancelled from any open state. */
export const TENDER_STATUSES = ['noticed', 'preparing', 'submitted', 'won', 'lost', 'cancelled'] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];

/** Days before a tender's deadline when its account's owner is reminded. */
export const TENDER_REMINDER_DAYS = [7, 3, 1] as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export interface HealthReasonView {
  factor: string;
  points: number;
  weight: number;
  code: string;
  zh: string;
  en: string;
}

/** An account's last computed health; null before the first daily run. */
export interface AccountHealthView {
  score: number;
  reasons: HealthReasonView[];
  computedAt: string;
}

export interface HealthRunResult {
  workspaceId: string;
  today: string;
  scored: number;
  movedToAtRisk: number;
}

export interface TenderRemindersResult {
  workspaceId: string;
  today: string;
  reminded: number;
}

export interface ContractRemindersResult {
  workspaceId: string;
  today: string;
  /** Contracts reminded in this run (one per contract and offset, ever). */
  reminded: number;
  /** Active contracts whose end date had passed, moved to `expired` by this run (a rerun expires none). */
  expired: number;
}

/** Runs a daily job of the caller's workspace now, optionally as of another instant (tests, catching up). */
export class RunDailyJobDto {
  @ApiPropertyOptional({ example: '2026-11-26T06:00:00+08:00', description: 'ISO 8601 with offset' })
  @AsOf()
  asOf?: string;
}

export class CreateRiskDto {
  @ApiProperty({ example: '竞争对手低价介入' }) @IsString() @Length(1, 2000) risk: string;
  @ApiProperty({ enum: RISK_LEVELS }) @IsIn(RISK_LEVELS) severity: RiskLevel;
  @ApiProperty({ enum: RISK_LEVELS }) @IsIn(RISK_LEVELS) likelihood: RiskLevel;
  @ApiPropertyOptional({ example: '安排高层拜访' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  mitigation?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Defaults to the caller' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;
}

export class UpdateRiskDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) risk?: string;
  @ApiPropertyOptional({ enum: RISK_LEVELS }) @IsOptional() @IsIn(RISK_LEVELS) severity?: RiskLevel;
  @ApiPropertyOptional({ enum: RISK_LEVELS }) @IsOptional() @IsIn(RISK_LEVELS) likelihood?: RiskLevel;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 5000) mitigation?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() ownerId?: string;
  @ApiPropertyOptional({ enum: RISK_STATUSES }) @IsOptional() @IsIn(RISK_STATUSES) status?: RiskStatus;
}

export interface RiskView {
  id: string;
  accountId: string;
  risk: string;
  severity: RiskLevel;
  likelihood: RiskLevel;
  mitigation: string | null;
  ownerId: string;
  status: RiskStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export class TenderAmountDto {
  @ApiProperty({ example: 50000000 }) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) amountMinor: number;
  @ApiProperty({ example: 'CNY' }) @IsString() @Matches(/^[A-Z]{3}$/) currency: string;
}

export class CreateTenderDto {
  @ApiProperty({ example: '市政府信息化设备采购' }) @IsString() @Length(1, 500) title: string;
  @ApiPropertyOptional({ example: 'ZFCG-2026-118' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  noticeRef?: string;
  @ApiPropertyOptional({ example: '2026-11-20' })
  @IsOptional()
  @IsString()
  @Matches(DATE_ONLY, { message: 'publishedOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'publishedOn must be a real date' })
  publishedOn?: string;
  @ApiProperty({ example: '2026-12-10T17:00:00+08:00' })
  @IsString()
  @Matches(DATE_TIME_WITH_OFFSET, { message: 'deadlineAt must be an ISO 8601 date-time with offset' })
  @IsISO8601({ strict: true }, { message: 'deadlineAt must be a real date and time' })
  deadlineAt: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The bid document in document-security' })
  @IsOptional()
  @IsUUID()
  bidDocumentId?: string;
  @ApiPropertyOptional({ type: TenderAmountDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TenderAmountDto)
  amount?: TenderAmountDto;
}

export class UpdateTenderDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) noticeRef?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(DATE_TIME_WITH_OFFSET, { message: 'deadlineAt must be an ISO 8601 date-time with offset' })
  @IsISO8601({ strict: true }, { message: 'deadlineAt must be a real date and time' })
  deadlineAt?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() bidDocumentId?: string;
  @ApiPropertyOptional({ enum: TENDER_STATUSES }) @IsOptional() @IsIn(TENDER_STATUSES) status?: TenderStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 5000) resultNote?: string;
  @ApiPropertyOptional({ type: TenderAmountDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TenderAmountDto)
  amount?: TenderAmountDto;
}

export class ListTendersQuery {
  @ApiPropertyOptional({ enum: TENDER_STATUSES }) @IsOptional() @IsIn(TENDER_STATUSES) status?: TenderStatus;
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Deadline on or before this date (YYYY-MM-DD)' })
  @IsOptional()
  @IsString()
  @Matches(DATE_ONLY, { message: 'deadlineBefore must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'deadlineBefore must be a real date' })
  deadlineBefore?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export interface TenderView {
  id: string;
  accountId: string;
  title: string;
  noticeRef: string | null;
  publishedOn: string | null;
  deadlineAt: string;
  bidDocumentId: string | null;
  status: TenderStatus;
  submittedAt: string | null;
  resultNote: string | null;
  amount: { amountMinor: number; currency: string } | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Request wrappers over NATS. */
export class RunDailyJobRequest {
  @IsObject() @ValidateNested() @Type(() => RunDailyJobDto) data: RunDailyJobDto;
}

export class ListRisksRequest {
  @IsUUID() accountId: string;
}

export class CreateRiskRequest {
  @IsUUID() accountId: string;
  @IsObject() @ValidateNested() @Type(() => CreateRiskDto) data: CreateRiskDto;
}

export class UpdateRiskRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => UpdateRiskDto) data: UpdateRiskDto;
}

export class ListTendersRequest {
  @IsOptional() @IsUUID() accountId?: string;
  @IsObject() @ValidateNested() @Type(() => ListTendersQuery) query: ListTendersQuery;
}

export class CreateTenderRequest {
  @IsUUID() accountId: string;
  @IsObject() @ValidateNested() @Type(() => CreateTenderDto) data: CreateTenderDto;
}

export class UpdateTenderRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => UpdateTenderDto) data: UpdateTenderDto;
}

/**
 * EVENTS.tenderDeadlineReminded: the daily tender job reached one of the reminder offsets before a tender's
 * deadline (in the workspace's time zone); once per tender and offset, to the account's owner.
 */
export interface TenderDeadlineRemindedEvent {
  workspaceId: string;
  tenderId: string;
  accountId: string;
  /** Days left until the deadline (the offset reached). */
  days: number;
  toMemberId: string;
  /** ISO 8601. */
  deadlineAt: string;
}

/**
 * EVENTS.healthScored: the daily health job scored a workspace's accounts (one event per workspace and run; the
 * scores themselves are on the accounts). Accounts moved to at_risk have their own `account.stage-changed` events.
 */
export interface HealthScoredEvent {
  workspaceId: string;
  /** The day scored, YYYY-MM-DD in the workspace's time zone. */
  day: string;
  scored: number;
  movedToAtRisk: number;
  /** Mean score of the accounts scored, 0–100, one decimal; null when none was scored. */
  averageScore: number | null;
  /** How many of them scored below the at-risk threshold. */
  belowThreshold: number;
}
