import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ACCOUNT_STATUSES, AccountStatus } from './account.dto';

export class ChangeTierDto {
  @ApiProperty({ example: 'diamond' }) @IsString() @Length(1, 32) tier: string;
  @ApiProperty({ example: '年采购额下降,调整为钻石客户' }) @IsString() @Length(1, 500) reason: string;
}

export class TierDecisionDto {
  @ApiProperty({ enum: ['approve', 'reject'] }) @IsIn(['approve', 'reject']) decision: 'approve' | 'reject';
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) note?: string;
}

/** What the sales side hands to the service team (需求、联系人、约定). */
export class ServiceHandoverDto {
  @ApiProperty({ description: '需求: what the customer needs' }) @IsString() @Length(1, 2000) needs: string;
  @ApiProperty({ description: '联系人: who to deal with' }) @IsString() @Length(1, 2000) contacts: string;
  @ApiProperty({ description: '约定: what was agreed' }) @IsString() @Length(1, 2000) agreements: string;
  @ApiPropertyOptional({ description: 'The service team taking over (else the account’s)' })
  @IsOptional()
  @IsUUID()
  serviceTeamId?: string;
}

export class MoveStageDto {
  @ApiProperty({ enum: ACCOUNT_STATUSES }) @IsIn(ACCOUNT_STATUSES) to: AccountStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) reason?: string;
  @ApiPropertyOptional({ type: ServiceHandoverDto, description: 'Required when moving to handed_over' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ServiceHandoverDto)
  handover?: ServiceHandoverDto;
}

const score = () => [IsInt(), Min(0), Max(100)];
function Score(): PropertyDecorator {
  return (target, key) => score().forEach((d) => d(target, key));
}

/** The five evaluation dimensions, each 0-100. */
export class EvaluateAccountDto {
  @ApiProperty({ minimum: 0, maximum: 100 }) @Score() scale: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) @Score() brandInfluence: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) @Score() marketShare: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) @Score() paymentCapacity: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) @Score() potential: number;
}

export class AssignAccountDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() ownerId?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  assistantIds?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null removes the service team' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  serviceTeamId?: string | null;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class ListTierChangesQuery {
  @ApiPropertyOptional({ enum: ['pending', 'applied', 'approved', 'rejected', 'superseded'] })
  @IsOptional()
  @IsIn(['pending', 'applied', 'approved', 'rejected', 'superseded'])
  status?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() accountId?: string;
}

/** Request wrappers over NATS. */
export class AccountActionRequest<T> {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
  data: T;
}

export class ChangeTierRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => ChangeTierDto) data: ChangeTierDto;
}

export class MoveStageRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => MoveStageDto) data: MoveStageDto;
}

export class EvaluateAccountRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => EvaluateAccountDto) data: EvaluateAccountDto;
}

export class AssignAccountRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => AssignAccountDto) data: AssignAccountDto;
}

export class TierDecisionRequest {
  @IsUUID() id: string;
  @IsObject() @ValidateNested() @Type(() => TierDecisionDto) data: TierDecisionDto;
}

export class ListTierChangesRequest {
  @IsObject() @ValidateNested() @Type(() => ListTierChangesQuery) query: ListTierChangesQuery;
}

export class IdRequest {
  @IsUUID() id: string;
}
