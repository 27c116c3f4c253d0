import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
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
import { setupIntQuery } from './targets.dto';

/** Staff training (试用期培训, 在职培训, 岗位职责考核): sessions, attendance, assessment scores 0-100. */
export const TRAINING_KINDS = ['probation', 'on_the_job', 'duty_assessment'] as const;
export type TrainingKind = (typeof TRAINING_KINDS)[number];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateTrainingDto {
  @ApiProperty({ enum: TRAINING_KINDS }) @IsIn(TRAINING_KINDS) kind: TrainingKind;
  @ApiProperty({ example: '大客户销售技巧' }) @IsString() @Length(1, 200) title: string;

  @ApiProperty({ example: '2026-11-12', description: 'YYYY-MM-DD, in the workspace calendar' })
  @IsString()
  @Matches(DATE, { message: 'heldOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'heldOn must be a real date' })
  heldOn: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) trainer?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 5000) notes?: string;
}

export class UpdateTrainingDto {
  @ApiPropertyOptional({ enum: TRAINING_KINDS }) @IsOptional() @IsIn(TRAINING_KINDS) kind?: TrainingKind;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) title?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: 'heldOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'heldOn must be a real date' })
  heldOn?: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Length(1, 200)
  trainer?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Length(1, 5000)
  notes?: string | null;
}

export class AttendanceEntryDto {
  @ApiProperty() @IsUUID() memberId: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() attended?: boolean;

  @ApiPropertyOptional({
    nullable: true,
    example: 86.5,
    description: 'Assessment score 0-100, up to 2 decimals',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber(
    { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false },
    { message: 'score must be a number with at most 2 decimals' },
  )
  @Min(0)
  @Max(100)
  score?: number | null;
}

/** Records (or corrects) attendance and scores; members not listed keep their entries. */
export class RecordAttendanceDto {
  @ApiProperty({ type: [AttendanceEntryDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AttendanceEntryDto)
  entries: AttendanceEntryDto[];
}

export class ListTrainingsQuery {
  @ApiPropertyOptional({ enum: TRAINING_KINDS }) @IsOptional() @IsIn(TRAINING_KINDS) kind?: TrainingKind;
  @ApiPropertyOptional({ description: 'Held on or after, YYYY-MM-DD' })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date' })
  from?: string;
  @ApiPropertyOptional({ description: 'Held on or before, YYYY-MM-DD' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date' })
  to?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(setupIntQuery)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** Request wrappers over NATS. */
export class CreateTrainingRequest {
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateTrainingDto) data: CreateTrainingDto;
}
export class UpdateTrainingRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => UpdateTrainingDto) data: UpdateTrainingDto;
}
export class RecordAttendanceRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => RecordAttendanceDto) data: RecordAttendanceDto;
}
export class TrainingIdRequest {
  @IsUUID() id: string;
}
export class MemberTrainingsRequest {
  @IsUUID() memberId: string;
}
export class ListTrainingsRequest {
  @IsObject() @ValidateNested() @Type(() => ListTrainingsQuery) query: ListTrainingsQuery;
}

export interface TrainingAttendanceView {
  memberId: string;
  attended: boolean;
  /** Decimal string with 2 decimals ("86.50"), or null. */
  score: string | null;
}

export interface TrainingView {
  id: string;
  kind: TrainingKind;
  title: string;
  heldOn: string;
  trainer: string | null;
  notes: string | null;
  attendance: TrainingAttendanceView[];
  version: number;
  createdBy: string | null;
  createdAt: string;
}

/** One member's sessions, newest first. */
export interface MemberTrainingView {
  trainingId: string;
  kind: TrainingKind;
  title: string;
  heldOn: string;
  attended: boolean;
  score: string | null;
}
