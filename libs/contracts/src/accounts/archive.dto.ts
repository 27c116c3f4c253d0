import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
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
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MoneyDto } from './account.dto';

/** The customer's buying roles (采购决策中的角色). */
export const BUYING_ROLES = ['decision_maker', 'influencer', 'user', 'gatekeeper'] as const;
export type BuyingRole = (typeof BUYING_ROLES)[number];

/** Communication records: visit, call, meeting, e-mail, customer training, care activity. */
export const RECORD_KINDS = ['visit', 'call', 'meeting', 'email', 'training', 'care'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const PLAN_STATUSES = ['draft', 'active', 'done', 'cancelled'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * A phone number as people write it: digits with an optional leading +, spaces, dashes, brackets, and an
 * optional extension ("ext. 12", "x12", "转12"). `+86 138 0013 8000`, `010-6552 8888`, `(021) 5555-1234 转 8`.
 */
export const PHONE_PATTERN = /^\+?\d[\d ()-]{3,24}\d(?: ?(?:ext\.?|x|转) ?\d{1,6})?$/i;

/** ISO 8601 date-time with an explicit offset (Z or ±hh:mm). */
export const DATE_TIME_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A plan period: a year, a quarter, a half or a month — '2026', '2026-Q4', '2026-H1', '2026-11'. */
export const PLAN_PERIOD_PATTERN = /^\d{4}(?:-(?:Q[1-4]|H[12]|0[1-9]|1[0-2]))?$/;

const nullable = () => ValidateIf((_: object, v: unknown) => v !== null);

export class CreateContactDto {
  @ApiProperty({ example: '李明' }) @IsString() @Length(1, 100) name: string;

  @ApiPropertyOptional({ example: '采购总监' }) @IsOptional() @IsString() @Length(1, 100) title?: string;

  @ApiPropertyOptional({ example: '+86 138 0013 8000' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(PHONE_PATTERN, { message: 'phone must be a phone number such as +86 138 0013 8000' })
  phone?: string;

  @ApiPropertyOptional({ example: 'liming@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email?: string;

  @ApiProperty({ enum: BUYING_ROLES }) @IsIn(BUYING_ROLES) buyingRole: BuyingRole;

  @ApiPropertyOptional({ description: 'The primary contact of the account; the previous one stops being it' })
  @IsOptional()
  @IsBoolean()
  isPrimary?: boolean;

  @ApiPropertyOptional({ description: "The CRM's person id (unique per account)" })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  crmPersonId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) notes?: string;
}

/** Fields to change; null clears an optional field. */
export class UpdateContactDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) name?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @nullable()
  @IsString()
  @Length(1, 100)
  title?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @nullable()
  @IsString()
  @MaxLength(40)
  @Matches(PHONE_PATTERN, { message: 'phone must be a phone number such as +86 138 0013 8000' })
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @nullable()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email?: string | null;

  @ApiPropertyOptional({ enum: BUYING_ROLES }) @IsOptional() @IsIn(BUYING_ROLES) buyingRole?: BuyingRole;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() isPrimary?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @nullable()
  @IsString()
  @Length(1, 64)
  crmPersonId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @nullable()
  @IsString()
  @Length(1, 2000)
  notes?: string | null;
}

/** A customer who attended a care activity or training: a contact of the account, or just a name. */
export class CustomerAttendeeDto {
  @ApiPropertyOptional({ description: 'A contact of this account' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({ example: '王经理', description: 'Needed when there is no contactId' })
  @ValidateIf((o: CustomerAttendeeDto) => !o.contactId || o.name !== undefined)
  @IsString()
  @Length(1, 100)
  name?: string;
}

/** Who attended a customer care activity or training (客户关怀, 客户培训). */
export class RecordAttendeesDto {
  @ApiPropertyOptional({ type: [CustomerAttendeeDto], description: 'Customer attendees' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CustomerAttendeeDto)
  customers?: CustomerAttendeeDto[];

  @ApiPropertyOptional({ type: [String], description: 'Staff attendees: member ids of this workspace' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  staff?: string[];
}

export class CreateRecordDto {
  @ApiProperty({ enum: RECORD_KINDS }) @IsIn(RECORD_KINDS) kind: RecordKind;

  @ApiProperty({
    example: '2026-11-20T14:30:00+08:00',
    description: 'ISO 8601 with offset; not more than one day in the future',
  })
  @IsString()
  @Matches(DATE_TIME_WITH_OFFSET, {
    message: 'occurredAt must be an ISO 8601 date-time with offset, e.g. 2026-11-20T14:30:00+08:00',
  })
  @IsISO8601({ strict: true }, { message: 'occurredAt must be a real date and time' })
  occurredAt: string;

  @ApiProperty({ example: '拜访采购总监,确认明年框架协议续签意向' })
  @IsString()
  @Length(1, 5000)
  summary: string;

  @ApiPropertyOptional({ example: '下周提交报价' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  nextSteps?: string;

  @ApiPropertyOptional({ example: '2026-11-27', description: 'YYYY-MM-DD; needs nextSteps' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'nextStepDue must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'nextStepDue must be a real date' })
  nextStepDue?: string;

  @ApiPropertyOptional({ type: [String], description: 'Contacts of this account who took part' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  contactIds?: string[];

  @ApiPropertyOptional({
    type: RecordAttendeesDto,
    description: 'Attendees of a care activity or training (kinds care and training only)',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RecordAttendeesDto)
  attendees?: RecordAttendeesDto;
}

export class ListRecordsQuery {
  @ApiPropertyOptional({ enum: RECORD_KINDS }) @IsOptional() @IsIn(RECORD_KINDS) kind?: RecordKind;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  )
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

export class PlanObjectiveDto {
  @ApiProperty({ example: '年采购额提升 20%' }) @IsString() @Length(1, 500) objective: string;

  @ApiProperty({ type: [String], example: ['季度业务回顾', '新品试用'] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  measures: string[];
}

export class CreatePlanDto {
  @ApiProperty({
    example: '2026-Q4',
    description: "A year, quarter, half or month: '2026', '2026-Q4', '2026-H1', '2026-11'",
  })
  @IsString()
  @Matches(PLAN_PERIOD_PATTERN, {
    message: "period must be a year, quarter, half or month: '2026', '2026-Q4', '2026-H1', '2026-11'",
  })
  period: string;

  @ApiProperty({ type: [PlanObjectiveDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PlanObjectiveDto)
  objectives: PlanObjectiveDto[];

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 5000) strategies?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 5000) resources?: string;

  @ApiPropertyOptional({ type: MoneyDto, description: 'Budget (financial field)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  budget?: MoneyDto;

  @ApiPropertyOptional({ enum: PLAN_STATUSES, default: 'draft' })
  @IsOptional()
  @IsIn(PLAN_STATUSES)
  status?: PlanStatus;
}

/** Fields to change; null clears strategies, resources or the budget. */
export class UpdatePlanDto {
  @ApiPropertyOptional({ example: '2026-Q4' })
  @IsOptional()
  @IsString()
  @Matches(PLAN_PERIOD_PATTERN, {
    message: "period must be a year, quarter, half or month: '2026', '2026-Q4', '2026-H1', '2026-11'",
  })
  period?: string;

  @ApiPropertyOptional({ type: [PlanObjectiveDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PlanObjectiveDto)
  objectives?: PlanObjectiveDto[];

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @nullable()
  @IsString()
  @Length(1, 5000)
  strategies?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @nullable()
  @IsString()
  @Length(1, 5000)
  resources?: string | null;

  @ApiPropertyOptional({ type: MoneyDto, nullable: true })
  @IsOptional()
  @nullable()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  budget?: MoneyDto | null;

  @ApiPropertyOptional({ enum: PLAN_STATUSES }) @IsOptional() @IsIn(PLAN_STATUSES) status?: PlanStatus;
}

/** Request wrappers over NATS. */
export class AccountArchiveRequest {
  @IsUUID() accountId: string;
}

export class CreateContactRequest {
  @IsUUID() accountId: string;
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateContactDto) data: CreateContactDto;
}

export class UpdateContactRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => UpdateContactDto) data: UpdateContactDto;
}

export class DeleteContactRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}

export class ListRecordsRequest {
  @IsUUID() accountId: string;
  @IsObject() @ValidateNested() @Type(() => ListRecordsQuery) query: ListRecordsQuery;
}

export class CreateRecordRequest {
  @IsUUID() accountId: string;
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateRecordDto) data: CreateRecordDto;
}

export class CreatePlanRequest {
  @IsUUID() accountId: string;
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreatePlanDto) data: CreatePlanDto;
}

export class UpdatePlanRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => UpdatePlanDto) data: UpdatePlanDto;
}
