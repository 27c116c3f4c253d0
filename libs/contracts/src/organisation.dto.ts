import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Role, ROLES } from './roles';

export const TEAM_KINDS = [
  'account_managers',
  'customer_service',
  'market_expansion',
  'market_research',
  'administration',
] as const;
export type TeamKind = (typeof TEAM_KINDS)[number];

/** A member as the CRM knows them (id = the CRM's workspace member id). */
export class UpsertMemberDto {
  @ApiProperty() @IsString() @Length(1, 100) name: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @Length(3, 200) email?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{5,30}$/, { message: 'phone must be a phone number' })
  phone?: string;
  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsIn(ROLES, { each: true })
  roles: Role[];
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  teamId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  managerId?: string | null;
}

export class ListMembersQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() teamId?: string;
  @ApiPropertyOptional({ enum: ['active', 'departed'] }) @IsOptional() @IsIn(['active', 'departed']) status?:
    'active' | 'departed';
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;
}

export class CreateTeamDto {
  @ApiProperty() @IsString() @Length(1, 100) name: string;
  @ApiProperty({ enum: TEAM_KINDS }) @IsIn(TEAM_KINDS) kind: TeamKind;
  @ApiPropertyOptional() @IsOptional() @IsUUID() leaderId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() parentId?: string;
}

export class UpdateTeamDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  leaderId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  parentId?: string | null;
}

/** Staff departure: one successor for everything, or a successor per account. */
export class DepartureDto {
  @ApiProperty({ description: 'Takes over every account, team and report of the leaver not named below' })
  @IsUUID()
  successorId: string;
  @ApiPropertyOptional({
    description: 'accountId → successor member id, for accounts that go elsewhere',
    example: { '3f2a8c1e-5b7d-4e9a-8c6f-1d2e3f4a5b6c': '8b1d2c3e-4f5a-4b6c-9d7e-0f1a2b3c4d5e' },
  })
  @IsOptional()
  @IsObject()
  successorsByAccount?: Record<string, string>;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class UpsertMemberRequest {
  @IsUUID() id: string;
  @IsObject() @ValidateNested() @Type(() => UpsertMemberDto) data: UpsertMemberDto;
}
export class ListMembersRequest {
  @IsObject() @ValidateNested() @Type(() => ListMembersQuery) query: ListMembersQuery;
}
export class CreateTeamRequest {
  @IsObject() @ValidateNested() @Type(() => CreateTeamDto) data: CreateTeamDto;
}
export class UpdateTeamRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => UpdateTeamDto) data: UpdateTeamDto;
}
export class DepartureRequest {
  @IsUUID() id: string;
  @IsObject() @ValidateNested() @Type(() => DepartureDto) data: DepartureDto;
}

export interface MemberView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  roles: Role[];
  teamId: string | null;
  managerId: string | null;
  status: 'active' | 'departed';
  departedAt: string | null;
  successorId: string | null;
  version: number;
}

export interface TeamView {
  id: string;
  name: string;
  kind: TeamKind;
  leaderId: string | null;
  parentId: string | null;
  memberCount: number;
  version: number;
}

export interface HandoverReport {
  id: string;
  memberId: string;
  successorId: string;
  performedBy: string;
  performedAt: string;
  reason: string | null;
  accountsMoved: { accountId: string; name: string; as: 'owner' | 'assistant'; to: string }[];
  teamsMoved: { teamId: string; name: string; to: string }[];
  /** Open revisits and complaints handed to the new owners (or the successor). */
  openItemsMoved: { revisits: number; complaints: number };
  /** The leaver's API keys, revoked by the departure (added by the gateway, which keeps the keys). */
  apiKeysRevoked?: { id: string; name: string; roles: string[]; revokedAt: string | null }[];
  /** True when this call found the departure already done and changed nothing. */
  alreadyDone?: boolean;
}

export interface MemberDepartedEvent {
  workspaceId: string;
  memberId: string;
  successorId: string;
  successorsByAccount: Record<string, string>;
  accountIds: string[];
  reportId: string;
}
