import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SETUP_MONTH_PATTERN, setupIntQuery } from './targets.dto';

/** A member's performance-pay base (绩效工资基数), effective from a month until the next entry. */
export class SetPayBaseDto {
  @ApiProperty() @IsUUID() memberId: string;

  @ApiProperty({ example: '2026-11' })
  @IsString()
  @Matches(SETUP_MONTH_PATTERN, { message: 'effectiveMonth must be YYYY-MM' })
  effectiveMonth: string;

  @ApiProperty({ example: '300000', description: 'Integer fen as a string (300000 = 3000.00 CNY)' })
  @IsString()
  @Matches(/^\d{1,15}$/, { message: 'amountMinor must be a whole number of fen, as a string' })
  amountMinor: string;

  @ApiPropertyOptional({ enum: ['CNY'], default: 'CNY' }) @IsOptional() @IsIn(['CNY']) currency?: 'CNY';
}

export class ListPayBasesQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() memberId?: string;

  @ApiPropertyOptional({
    example: '2026-11',
    description: 'Only the base in effect in this month, per member',
  })
  @IsOptional()
  @IsString()
  @Matches(SETUP_MONTH_PATTERN, { message: 'month must be YYYY-MM' })
  month?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 2000, default: 500 })
  @IsOptional()
  @Transform(setupIntQuery)
  @IsInt()
  @Min(1)
  @Max(2000)
  limit?: number;
}

export class SetPayBaseRequest {
  @IsObject() @ValidateNested() @Type(() => SetPayBaseDto) data: SetPayBaseDto;
}
export class ListPayBasesRequest {
  @IsObject() @ValidateNested() @Type(() => ListPayBasesQuery) query: ListPayBasesQuery;
}

export interface PayBaseView {
  memberId: string;
  effectiveMonth: string;
  amountMinor: string;
  currency: string;
  setBy: string | null;
  setAt: string;
}

export interface MyPayBasesView {
  /** The base in effect this month (workspace calendar), or null. */
  current: PayBaseView | null;
  history: PayBaseView[];
}
