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
import { AsOf } from '../as-of';

/** What a satisfaction survey (满意度调查) scores, 1-5 each; the service checks names and ranges (400 per field). */
export const SURVEY_SCORE_DIMENSIONS = [
  'productQuality',
  'delivery',
  'serviceAttitude',
  'responsiveness',
  'overall',
] as const;
export type SurveyScoreDimension = (typeof SURVEY_SCORE_DIMENSIONS)[number];
export const SURVEY_TRIGGER_KINDS = ['scheduled', 'complaint_resolved', 'manual'] as const;
export type SurveyTriggerKind = (typeof SURVEY_TRIGGER_KINDS)[number];
export const SURVEY_STATES = ['pending', 'answered', 'expired'] as const;
export type SurveyState = (typeof SURVEY_STATES)[number];
export const SURVEY_AGGREGATE_GROUPS = ['account', 'member', 'team'] as const;
export type SurveyAggregateGroup = (typeof SURVEY_AGGREGATE_GROUPS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class ListSurveysQuery {
  @ApiPropertyOptional({ enum: SURVEY_STATES }) @IsOptional() @IsIn(SURVEY_STATES) status?: SurveyState;

  @ApiPropertyOptional() @IsOptional() @IsUUID() accountId?: string;

  @ApiPropertyOptional({ enum: SURVEY_TRIGGER_KINDS })
  @IsOptional()
  @IsIn(SURVEY_TRIGGER_KINDS)
  trigger?: SurveyTriggerKind;

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

/** A survey started by hand for one account. */
export class CreateSurveyDto {
  @ApiPropertyOptional({ example: '2026-12-31', description: 'YYYY-MM-DD; 30 days from today by default' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueDate must be a real date' })
  dueDate?: string;
}

/** The customer's answer. */
export class AnswerSurveyDto {
  @ApiProperty({
    example: { productQuality: 5, delivery: 4, serviceAttitude: 5, responsiveness: 4, overall: 5 },
    description: `Integer 1-5 per dimension (${SURVEY_SCORE_DIMENSIONS.join(', ')}); overall is required`,
  })
  @IsObject()
  scores: Record<string, number>;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 5000) comments?: string;

  @ApiPropertyOptional({ description: 'The contact of this account who answered' })
  @IsOptional()
  @IsUUID()
  respondentContactId?: string;
}

export class SurveyAggregatesQuery {
  @ApiProperty({ enum: SURVEY_AGGREGATE_GROUPS })
  @IsIn(SURVEY_AGGREGATE_GROUPS)
  groupBy: SurveyAggregateGroup;

  @ApiProperty({ example: '2026-11', description: "Month answered, in the workspace's time zone" })
  @IsString()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month: string;
}

export class RunSurveyScheduleDto {
  @ApiPropertyOptional({ description: 'Run as of this time instead of now (tests, catching up)' })
  @AsOf()
  asOf?: string;
}

/** Request wrappers over NATS. */
export class ListSurveysRequest {
  @IsObject() @ValidateNested() @Type(() => ListSurveysQuery) query: ListSurveysQuery;
}

export class ListAccountSurveysRequest {
  @IsUUID() accountId: string;
}

export class CreateSurveyRequest {
  @IsUUID() accountId: string;
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateSurveyDto) data: CreateSurveyDto;
}

export class AnswerSurveyRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => AnswerSurveyDto) data: AnswerSurveyDto;
}

export class SurveyAggregatesRequest {
  @IsObject() @ValidateNested() @Type(() => SurveyAggregatesQuery) query: SurveyAggregatesQuery;
}

export class RunSurveyScheduleRequest {
  @IsObject() @ValidateNested() @Type(() => RunSurveyScheduleDto) data: RunSurveyScheduleDto;
}

/** A survey as the API returns it. */
export interface SurveyView {
  id: string;
  accountId: string;
  accountName: string;
  trigger: SurveyTriggerKind;
  complaintId: string | null;
  /** e.g. 2026-Q4, for scheduled surveys. */
  period: string | null;
  status: SurveyState;
  /** YYYY-MM-DD. */
  dueDate: string;
  answeredAt: string | null;
  respondentContactId: string | null;
  scores: Partial<Record<SurveyScoreDimension, number>> | null;
  comments: string | null;
  recordedBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface SurveyAggregateRow {
  /** Account, member (the account's owner) or team (the owner's team) id. */
  key: string | null;
  name: string | null;
  answered: number;
  /** Mean per dimension over the answers that scored it, rounded to 0.01. */
  averages: Partial<Record<SurveyScoreDimension, number | null>>;
}

export interface SurveyAggregatesView {
  groupBy: SurveyAggregateGroup;
  month: string;
  timeZone: string;
  rows: SurveyAggregateRow[];
}

/** EVENTS.surveyCreated / surveyAnswered payloads. */
export interface SurveyEvent {
  workspaceId: string;
  surveyId: string;
  accountId: string;
  trigger: SurveyTriggerKind;
  complaintId?: string | null;
  period?: string | null;
  scores?: Partial<Record<SurveyScoreDimension, number>>;
}
