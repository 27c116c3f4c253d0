import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SETUP_MONTH_PATTERN } from './targets.dto';

/** Team performance: sales against the team's monthly target, the director's collaboration rating, ranking. */
export class TeamPerformanceQuery {
  @ApiProperty({ example: '2026-11' })
  @IsString()
  @Matches(SETUP_MONTH_PATTERN, { message: 'month must be YYYY-MM' })
  month: string;
}

export class RateCollaborationDto {
  @ApiProperty({ example: '2026-11' })
  @IsString()
  @Matches(SETUP_MONTH_PATTERN, { message: 'month must be YYYY-MM' })
  month: string;

  @ApiProperty({ example: 85, description: 'Collaboration (协作) 0-100, up to 2 decimals' })
  @IsNumber(
    { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false },
    { message: 'rating must be a number with at most 2 decimals' },
  )
  @Min(0)
  @Max(100)
  rating: number;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Length(1, 2000)
  note?: string | null;
}

export class TeamPerformanceRequest {
  @IsObject() @ValidateNested() @Type(() => TeamPerformanceQuery) query: TeamPerformanceQuery;
}
export class RateCollaborationRequest {
  @IsUUID() teamId: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
  @IsObject() @ValidateNested() @Type(() => RateCollaborationDto) data: RateCollaborationDto;
}

export interface TeamPerformanceRow {
  teamId: string;
  teamName: string;
  salesMinor: string;
  /** The team's sales_amount target of the month (fen), or null when none is set. */
  targetMinor: string | null;
  challengeMinor: string | null;
  /** sales ÷ target in percent with 2 decimals ("96.50"), null without a target. */
  completionPct: string | null;
  /** The director's collaboration rating 0-100 ("85.00"), or null. */
  collaboration: string | null;
  collaborationNote: string | null;
  /** By completion, then collaboration, highest first; equal on both share a rank. */
  rank: number;
  version: number;
}

export interface TeamPerformanceView {
  month: string;
  department: {
    salesMinor: string;
    targetMinor: string | null;
    challengeMinor: string | null;
    completionPct: string | null;
  };
  teams: TeamPerformanceRow[];
}
