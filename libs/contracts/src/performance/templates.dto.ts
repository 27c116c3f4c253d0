import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

/** Scorecard templates (考核表) per position, versioned (DESIGN §5). */
export const TEMPLATE_POSITION = /^[a-z][a-z0-9_-]{0,39}$/;
export const CRITERION_GROUP_NAMES = ['results', 'ability', 'attitude', 'workload', 'effect'] as const;
export const CRITERION_KINDS = ['automatic', 'manual'] as const;
export const CRITERION_METRICS = [
  'sales_amount',
  'new_key_accounts',
  'revisit_completion',
  'satisfaction',
  'complaint_resolution',
  'project_on_time',
  'training_score',
] as const;
export const CRITERION_FORMULAS = ['ratio_capped', 'rate', 'scale'] as const;

export class LocalizedNameDto {
  @ApiProperty({ example: '销售技巧' }) @IsString() @Length(1, 200) zh: string;
  @ApiProperty({ example: 'Sales technique' }) @IsString() @Length(1, 200) en: string;
}

export class CriterionDto {
  @ApiProperty({ example: 'sales_technique', description: 'Unique in the template; lower-case, digits, _' })
  @IsString()
  @Length(1, 64)
  key: string;

  @ApiProperty({ type: LocalizedNameDto })
  @IsObject()
  @ValidateNested()
  @Type(() => LocalizedNameDto)
  name: LocalizedNameDto;

  @ApiProperty({ enum: CRITERION_GROUP_NAMES })
  @IsIn(CRITERION_GROUP_NAMES)
  group: (typeof CRITERION_GROUP_NAMES)[number];

  @ApiProperty({
    example: '5',
    description: 'Weight in points, at most 2 decimals; the weights add up to 100',
  })
  @IsString()
  @Length(1, 12)
  maxPoints: string;

  @ApiProperty({ enum: CRITERION_KINDS }) @IsIn(CRITERION_KINDS) kind: (typeof CRITERION_KINDS)[number];

  @ApiPropertyOptional({ enum: CRITERION_METRICS, description: 'automatic criteria only' })
  @IsOptional()
  @IsIn(CRITERION_METRICS)
  metric?: (typeof CRITERION_METRICS)[number];

  @ApiPropertyOptional({ enum: CRITERION_FORMULAS, description: 'automatic criteria only' })
  @IsOptional()
  @IsIn(CRITERION_FORMULAS)
  formula?: (typeof CRITERION_FORMULAS)[number];
}

/** The next version of a position's template; the active one before it becomes inactive but stays. */
export class CreateTemplateDto {
  @ApiProperty({ example: 'sales', description: '`sales`, `clerk` or a custom slug (a-z, 0-9, _ or -)' })
  @IsString()
  @Matches(TEMPLATE_POSITION, {
    message: 'position must be a slug: a-z, 0-9, _ or -, starting with a letter',
  })
  position: string;

  @ApiProperty({ type: LocalizedNameDto })
  @IsObject()
  @ValidateNested()
  @Type(() => LocalizedNameDto)
  name: LocalizedNameDto;

  @ApiProperty({ type: [CriterionDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  criteria: CriterionDto[];
}

/** Request wrappers over NATS. */
export class CreateTemplateRequest {
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateTemplateDto) data: CreateTemplateDto;
}
export class TemplateVersionsRequest {
  @IsString() @Matches(TEMPLATE_POSITION, { message: 'position must be a slug' }) position: string;
}
export class ListTemplatesRequest {}

export interface TemplateView {
  id: string;
  position: string;
  version: number;
  name: { zh: string; en: string };
  criteria: CriterionDto[];
  active: boolean;
  createdBy: string | null;
  createdAt: string;
}
