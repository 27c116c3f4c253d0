import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
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
import { Money } from './account.view';

/** Issue 4, points 6 and 7: orders (sales records) and contracts with discount approval. */

export const ORDER_SOURCES = ['manual', 'crm_opportunity'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

export const CONTRACT_KINDS = ['cooperation_agreement', 'sales_contract', 'government_procurement'] as const;
export type ContractKind = (typeof CONTRACT_KINDS)[number];

export const CONTRACT_STATUSES = [
  'draft',
  'pending_approval',
  'active',
  'rejected',
  'expired',
  'terminated',
] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** A date, or a date-time with offset (taken as the workspace's local date). */
const DATE_OR_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const nullable = () => ValidateIf((_: object, v: unknown) => v !== null);
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** An amount that must be more than zero: integer minor units plus an ISO 4217 code. */
export class PositiveMoneyDto {
  @ApiProperty({ example: 12800000, description: 'Amount in minor units (fen for CNY), more than 0' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor: number;

  @ApiProperty({ example: 'CNY' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency: string;
}

export class CreateOrderDto {
  @ApiPropertyOptional({
    description: 'The member credited with the sale; default the caller (or the owner)',
  })
  @IsOptional()
  @IsUUID()
  memberId?: string;

  @ApiProperty({ type: PositiveMoneyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PositiveMoneyDto)
  amount: PositiveMoneyDto;

  @ApiProperty({
    example: '2026-11-20',
    description: "YYYY-MM-DD, or a date-time with offset taken as the workspace's local date",
  })
  @IsString()
  @Matches(DATE_OR_DATE_TIME, { message: 'orderedOn must be a date, YYYY-MM-DD, or a date-time with offset' })
  @IsISO8601({ strict: true }, { message: 'orderedOn must be a real date' })
  orderedOn: string;

  @ApiPropertyOptional({ enum: ORDER_SOURCES, default: 'manual' })
  @IsOptional()
  @IsIn(ORDER_SOURCES)
  source?: OrderSource;

  @ApiPropertyOptional({
    description: "The CRM's won opportunity; a repeated one answers the existing order",
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  crmOpportunityId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) description?: string;
}

export class ListOrdersQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() memberId?: string;

  @ApiPropertyOptional({ example: '2026-11-01' })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Inclusive' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date' })
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 512) cursor?: string;
}

/** An order (sales record). The amount is a financial field: null and named in `redacted` when hidden. */
export interface OrderView {
  id: string;
  accountId: string;
  memberId: string;
  amount: Money | null;
  orderedOn: string;
  source: OrderSource;
  crmOpportunityId: string | null;
  description: string | null;
  createdBy: string;
  createdAt: string;
  redacted: string[];
}

/** kam.accounts.order.sums: sums by member or team for a month (workspace time zone) or a date range. */
export class OrderSumsRequest {
  @IsIn(['member', 'team']) groupBy: 'member' | 'team';

  @IsOptional()
  @Matches(MONTH, { message: 'month must be YYYY-MM' })
  month?: string;

  @IsOptional()
  @Matches(DATE, { message: 'from must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date' })
  from?: string;

  /** Inclusive. */
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date' })
  to?: string;
}

export interface OrderSum {
  memberId?: string;
  teamId?: string | null;
  currency: string;
  amountMinor: number;
  orders: number;
}

export class CreateContractDto {
  @ApiProperty({ enum: CONTRACT_KINDS }) @IsIn(CONTRACT_KINDS) kind: ContractKind;

  @ApiProperty({ example: '2027 年度框架采购协议' }) @IsString() @Length(1, 200) title: string;

  @ApiProperty({ type: PositiveMoneyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PositiveMoneyDto)
  amount: PositiveMoneyDto;

  @ApiProperty({ example: '2027-01-01' })
  @Matches(DATE, { message: 'startsOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'startsOn must be a real date' })
  startsOn: string;

  @ApiProperty({ example: '2027-12-31' })
  @Matches(DATE, { message: 'endsOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'endsOn must be a real date' })
  endsOn: string;

  @ApiPropertyOptional({ example: 8, description: 'Discount in percent (0-100, two decimals)', default: 0 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  discountPct?: number;

  @ApiPropertyOptional({ description: 'The member who signs; default the caller' })
  @IsOptional()
  @IsUUID()
  signerId?: string;

  @ApiPropertyOptional({ description: 'The signed document in document-security' })
  @IsOptional()
  @IsUUID()
  documentId?: string;
}

/** Fields of a draft to change; null clears the document. */
export class UpdateContractDto {
  @ApiPropertyOptional({ enum: CONTRACT_KINDS }) @IsOptional() @IsIn(CONTRACT_KINDS) kind?: ContractKind;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) title?: string;

  @ApiPropertyOptional({ type: PositiveMoneyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PositiveMoneyDto)
  amount?: PositiveMoneyDto;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DATE, { message: 'startsOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'startsOn must be a real date' })
  startsOn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DATE, { message: 'endsOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'endsOn must be a real date' })
  endsOn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  discountPct?: number;

  @ApiPropertyOptional() @IsOptional() @IsUUID() signerId?: string;

  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @nullable() @IsUUID() documentId?:
    string | null;
}

export class ListContractsQuery {
  @ApiPropertyOptional({ enum: CONTRACT_STATUSES })
  @IsOptional()
  @IsIn(CONTRACT_STATUSES)
  status?: ContractStatus;
}

export class ContractDecisionDto {
  @ApiProperty({ enum: ['approve', 'reject'] }) @IsIn(['approve', 'reject']) decision: 'approve' | 'reject';

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) note?: string;
}

/** A contract or agreement. Amount and discount are financial fields: null and named in `redacted` when hidden. */
export interface ContractView {
  id: string;
  accountId: string;
  accountName?: string;
  kind: ContractKind;
  title: string;
  amount: Money | null;
  startsOn: string;
  endsOn: string;
  discountPct: number | null;
  status: ContractStatus;
  signerId: string;
  approvedBy: string | null;
  approvedAt: string | null;
  decisionNote: string | null;
  documentId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  redacted: string[];
}

/** EVENTS.orderRecorded. */
export interface OrderRecordedEvent {
  workspaceId: string;
  accountId: string;
  orderId: string;
  memberId: string;
  amountMinor: number;
  currency: string;
  orderedOn: string;
  source: OrderSource;
}

/** EVENTS.contractChanged. */
export interface ContractChangedEvent {
  workspaceId: string;
  accountId: string;
  contractId: string;
  /** `expired`: the daily contract job moved an active contract past its end date (no actor). */
  change: 'created' | 'updated' | 'submitted' | 'approved' | 'rejected' | 'expired';
  status: ContractStatus;
}

/**
 * EVENTS.contractRenewalDue: the daily contract job reached one of the renewal offsets (60, 30, 7 days before the
 * end date, in the workspace's time zone) for an active contract; once per contract and offset.
 */
export interface ContractRenewalDueEvent {
  workspaceId: string;
  contractId: string;
  accountId: string;
  /** The offset reached: days left until `endsOn`. */
  days: number;
  /** The contract's end date, YYYY-MM-DD. */
  endsOn: string;
  /** The account's owner and the contract's signer (each once). */
  toMemberIds: string[];
}

/** Request wrappers over NATS. */
export class CreateOrderRequest {
  @IsUUID() accountId: string;
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateOrderDto) data: CreateOrderDto;
}

export class ListAccountCommercialRequest {
  @IsUUID() accountId: string;
}

export class ListOrdersRequest {
  @IsObject() @ValidateNested() @Type(() => ListOrdersQuery) query: ListOrdersQuery;
}

export class CreateContractRequest {
  @IsUUID() accountId: string;
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateContractDto) data: CreateContractDto;
}

export class ListContractsRequest {
  @IsObject() @ValidateNested() @Type(() => ListContractsQuery) query: ListContractsQuery;
}

export class UpdateContractRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => UpdateContractDto) data: UpdateContractDto;
}

export class SubmitContractRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}

export class DecideContractRequest {
  @IsUUID() id: string;
  @IsObject() @ValidateNested() @Type(() => ContractDecisionDto) data: ContractDecisionDto;
}

/** The reply to an order create: `created` is false when a repeated CRM opportunity found the existing order. */
export interface OrderCreated {
  created: boolean;
  order: OrderView;
}
