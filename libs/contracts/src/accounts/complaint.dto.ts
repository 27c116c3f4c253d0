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

/** How the complaint came in (投诉渠道). */
export const COMPLAINT_CHANNELS = ['phone', 'email', 'visit', 'letter', 'online', 'other'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];
export const COMPLAINT_SEVERITY_LEVELS = ['high', 'medium', 'low'] as const;
export type ComplaintSeverityLevel = (typeof COMPLAINT_SEVERITY_LEVELS)[number];
export const COMPLAINT_STATES = ['open', 'acknowledged', 'in_progress', 'resolved', 'closed'] as const;
export type ComplaintState = (typeof COMPLAINT_STATES)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** The customer complaint form (客户投诉处理表, policy 附一); the customer is the account of the path. */
export class CreateComplaintDto {
  @ApiPropertyOptional({ description: "The customer's contact who complained (a contact of this account)" })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiProperty({ enum: COMPLAINT_CHANNELS }) @IsIn(COMPLAINT_CHANNELS) channel: ComplaintChannel;

  @ApiProperty({ example: '产品质量' }) @IsString() @Length(1, 100) category: string;

  @ApiProperty({ enum: COMPLAINT_SEVERITY_LEVELS })
  @IsIn(COMPLAINT_SEVERITY_LEVELS)
  severity: ComplaintSeverityLevel;

  @ApiProperty({ example: '第三批货物有 20 件外包装破损' }) @IsString() @Length(1, 5000) description: string;

  @ApiProperty({
    example: '2026-11-20T14:30:00+08:00',
    description: 'ISO 8601 with offset; not in the future',
  })
  @IsString()
  @Matches(DATE_TIME_WITH_OFFSET, {
    message: 'receivedAt must be an ISO 8601 date-time with offset, e.g. 2026-11-20T14:30:00+08:00',
  })
  @IsISO8601({ strict: true }, { message: 'receivedAt must be a real date and time' })
  receivedAt: string;

  @ApiPropertyOptional({ description: 'Who handles it (处理人); the creator by default' })
  @IsOptional()
  @IsUUID()
  handlerId?: string;

  @ApiPropertyOptional({ description: '处理措施' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  measures?: string;

  @ApiPropertyOptional({ description: '处理结果' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  result?: string;

  @ApiPropertyOptional({ description: '客户反馈' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  customerFeedback?: string;
}

export class ListComplaintsQuery {
  @ApiPropertyOptional({ enum: COMPLAINT_STATES })
  @IsOptional()
  @IsIn(COMPLAINT_STATES)
  status?: ComplaintState;

  @ApiPropertyOptional({ enum: COMPLAINT_SEVERITY_LEVELS })
  @IsOptional()
  @IsIn(COMPLAINT_SEVERITY_LEVELS)
  severity?: ComplaintSeverityLevel;

  @ApiPropertyOptional() @IsOptional() @IsUUID() accountId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() handlerId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Any SLA breached (or none)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  breached?: 'true' | 'false';

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

export class ComplaintTransitionDto {
  @ApiProperty({ enum: COMPLAINT_STATES }) @IsIn(COMPLAINT_STATES) to: ComplaintState;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) note?: string;

  @ApiPropertyOptional({ description: '处理措施' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  measures?: string;

  @ApiPropertyOptional({ description: '处理结果; needed to resolve' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  result?: string;
}

/** The satisfaction callback (回访) after resolution; closing needs it. */
export class ComplaintCallbackDto {
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) satisfaction: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) note?: string;

  @ApiPropertyOptional({ description: '客户反馈' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  customerFeedback?: string;
}

export const COMPLAINT_METRIC_GROUPS = ['account', 'member', 'team'] as const;
export type ComplaintMetricGroup = (typeof COMPLAINT_METRIC_GROUPS)[number];

export class ComplaintMetricsQuery {
  @ApiProperty({ enum: COMPLAINT_METRIC_GROUPS })
  @IsIn(COMPLAINT_METRIC_GROUPS)
  groupBy: ComplaintMetricGroup;

  @ApiProperty({ example: '2026-11', description: "A month in the workspace's time zone" })
  @IsString()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month: string;
}

export class RunComplaintSweepDto {
  @ApiPropertyOptional({ description: 'Mark breaches as of this time instead of now (tests, replays)' })
  @AsOf()
  asOf?: string;
}

/** Request wrappers over NATS. */
export class CreateComplaintRequest {
  @IsUUID() accountId: string;
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateComplaintDto) data: CreateComplaintDto;
}

export class ListComplaintsRequest {
  @IsObject() @ValidateNested() @Type(() => ListComplaintsQuery) query: ListComplaintsQuery;
}

export class GetComplaintRequest {
  @IsUUID() id: string;
}

export class ComplaintTransitionRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => ComplaintTransitionDto) data: ComplaintTransitionDto;
}

export class ComplaintCallbackRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
  @IsObject() @ValidateNested() @Type(() => ComplaintCallbackDto) data: ComplaintCallbackDto;
}

export class ComplaintMetricsRequest {
  @IsObject() @ValidateNested() @Type(() => ComplaintMetricsQuery) query: ComplaintMetricsQuery;
}

export class RunComplaintSweepRequest {
  @IsObject() @ValidateNested() @Type(() => RunComplaintSweepDto) data: RunComplaintSweepDto;
}

/** A complaint as the API returns it. */
export interface ComplaintView {
  id: string;
  accountId: string;
  accountName: string;
  contactId: string | null;
  channel: ComplaintChannel;
  category: string;
  severity: ComplaintSeverityLevel;
  description: string;
  receivedAt: string;
  handlerId: string | null;
  measures: string | null;
  result: string | null;
  customerFeedback: string | null;
  status: ComplaintState;
  allowedTransitions: ComplaintState[];
  firstResponseDue: string;
  resolutionDue: string;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  breachedResponse: boolean;
  breachedResolution: boolean;
  /** 0 none, 1 handler, 2 group leader, 3 director. */
  escalationLevel: number;
  escalatedTo: string | null;
  reopenCount: number;
  callback: { satisfaction: number; note: string | null; at: string; by: string } | null;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  history?: ComplaintHistoryEntry[];
}

export interface ComplaintHistoryEntry {
  at: string;
  actorId: string | null;
  kind: string;
  from: ComplaintState | null;
  to: ComplaintState | null;
  note: string | null;
  details: Record<string, unknown>;
}

export interface ComplaintMetricsRow {
  /** Account, member (handler) or team id; null for complaints without a handler or team. */
  key: string | null;
  name: string | null;
  received: number;
  responded: number;
  resolved: number;
  /** resolved / received, 0-1. */
  resolutionRate: number;
  /** Mean minutes from receipt to first response, over responded complaints. */
  avgFirstResponseMinutes: number | null;
  /** Mean minutes from receipt to resolution, over resolved complaints. */
  avgResolutionMinutes: number | null;
  breachedResponse: number;
  breachedResolution: number;
}

export interface ComplaintMetricsView {
  groupBy: ComplaintMetricGroup;
  month: string;
  timeZone: string;
  rows: ComplaintMetricsRow[];
}

/** EVENTS.complaintOpened / complaintTransitioned / complaintBreached payloads. */
export interface ComplaintEvent {
  workspaceId: string;
  complaintId: string;
  accountId: string;
  severity: ComplaintSeverityLevel;
  from?: ComplaintState | null;
  to?: ComplaintState;
  breaches?: ('response' | 'resolution')[];
  escalationLevel?: number;
  escalatedTo?: string | null;
}
