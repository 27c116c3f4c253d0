import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
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
import { AsOf } from '../as-of';

/** planned → done; planned → overdue (the daily sweep) → done; cancelled by a handover or an account closing. */
export const REVISIT_STATUSES = ['planned', 'done', 'overdue', 'cancelled'] as const;
export type RevisitStatus = (typeof REVISIT_STATUSES)[number];

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** Filters of the revisit list; every one narrows what the caller may already see. */
export class ListRevisitsQuery {
  @ApiPropertyOptional({ enum: REVISIT_STATUSES })
  @IsOptional()
  @IsIn(REVISIT_STATUSES)
  status?: RevisitStatus;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() assigneeId?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() accountId?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Due on or before this date (YYYY-MM-DD)' })
  @IsOptional()
  @IsString()
  @Matches(DATE_ONLY, { message: 'dueBefore must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueBefore must be a real date' })
  dueBefore?: string;

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

/** The outcome of a revisit (回访记录): satisfaction, issues the customer raised, agreed next steps. */
export class CompleteRevisitDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 4 }) @IsInt() @Min(1) @Max(5) satisfaction: number;

  @ApiPropertyOptional({ example: '交货周期偏长' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  issues?: string;

  @ApiPropertyOptional({ example: '下月安排技术交流' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  nextSteps?: string;
}

export class RescheduleRevisitDto {
  @ApiProperty({ example: '2026-12-03', description: 'YYYY-MM-DD, not in the past (workspace time zone)' })
  @IsString()
  @Matches(DATE_ONLY, { message: 'dueDate must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueDate must be a real date' })
  dueDate: string;

  @ApiProperty({ example: '客户要求改期' }) @IsString() @Length(1, 1000) reason: string;
}

export class ListNotificationsQuery {
  @ApiPropertyOptional({ description: 'Only the unread ones' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;

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

/** Runs the daily revisit sweep now, optionally as of another instant (tests, catching up after an outage). */
export class RunRevisitSweepDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Defaults to the caller's workspace" })
  @IsOptional()
  @IsUUID()
  workspaceId?: string;

  @ApiPropertyOptional({ example: '2026-11-26T06:00:00+08:00', description: 'ISO 8601 with offset' })
  @AsOf()
  asOf?: string;
}

/** Request wrappers over NATS. */
export class ListRevisitsRequest {
  /** The revisits of one account (GET /accounts/:id/revisits): 404 when the caller may not see the account. */
  @IsOptional() @IsUUID() accountId?: string;
  @IsObject() @ValidateNested() @Type(() => ListRevisitsQuery) query: ListRevisitsQuery;
}

export class CompleteRevisitRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => CompleteRevisitDto) data: CompleteRevisitDto;
}

export class RescheduleRevisitRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
  @IsObject() @ValidateNested() @Type(() => RescheduleRevisitDto) data: RescheduleRevisitDto;
}

export class ListNotificationsRequest {
  @IsObject() @ValidateNested() @Type(() => ListNotificationsQuery) query: ListNotificationsQuery;
}

export class NotificationReadRequest {
  @IsUUID() id: string;
}

export class RunRevisitSweepRequest {
  @IsObject() @ValidateNested() @Type(() => RunRevisitSweepDto) data: RunRevisitSweepDto;
}
