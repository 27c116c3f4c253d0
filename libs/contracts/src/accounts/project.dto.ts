import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
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
import { MoneyDto } from './account.dto';
import { Money } from './account.view';

/** Issue 4, point 5: projects (立项 → 计划 → 执行 → 验收 → 总结) with approval, tasks, risks and the on-time rate. */

export const PROJECT_STAGES = [
  'initiation',
  'planning',
  'execution',
  'acceptance',
  'summary',
  'closed',
] as const;
export type ProjectStage = (typeof PROJECT_STAGES)[number];
export const PROJECT_APPROVAL_STATUSES = ['not_requested', 'pending', 'approved', 'rejected'] as const;
export type ProjectApprovalStatus = (typeof PROJECT_APPROVAL_STATUSES)[number];
export const PROJECT_LEVELS = ['high', 'medium', 'low'] as const;
export type ProjectLevel = (typeof PROJECT_LEVELS)[number];
export const PROJECT_RISK_STATUSES = ['open', 'closed'] as const;
export type ProjectRiskStatus = (typeof PROJECT_RISK_STATUSES)[number];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateProjectDto {
  @ApiProperty({ example: '华为 2027 年度供应链优化项目' }) @IsString() @Length(1, 200) name: string;

  @ApiPropertyOptional({ description: '项目目标' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  objective?: string;

  @ApiPropertyOptional({ type: MoneyDto, description: 'A financial field' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  budget?: MoneyDto;

  @ApiPropertyOptional({ example: '2027-01-01' })
  @IsOptional()
  @Matches(DATE, { message: 'startsOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'startsOn must be a real date' })
  startsOn?: string;

  @ApiPropertyOptional({ example: '2027-06-30' })
  @IsOptional()
  @Matches(DATE, { message: 'dueOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueOn must be a real date' })
  dueOn?: string;

  @ApiPropertyOptional({ description: 'Project manager; the creator by default' })
  @IsOptional()
  @IsUUID()
  managerId?: string;
}

export class UpdateProjectDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 5000) objective?: string;

  @ApiPropertyOptional({ type: MoneyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  budget?: MoneyDto;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DATE, { message: 'startsOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'startsOn must be a real date' })
  startsOn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DATE, { message: 'dueOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueOn must be a real date' })
  dueOn?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() managerId?: string;
}

export class ListProjectsQuery {
  @ApiPropertyOptional({ enum: PROJECT_STAGES }) @IsOptional() @IsIn(PROJECT_STAGES) stage?: ProjectStage;
  @ApiPropertyOptional() @IsOptional() @IsUUID() managerId?: string;
}

/** Moves a project to the next stage; acceptance, summary and lessons may come with the move. */
export class ProjectStageDto {
  @ApiProperty({ enum: PROJECT_STAGES }) @IsIn(PROJECT_STAGES) to: ProjectStage;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) note?: string;

  @ApiPropertyOptional({ description: 'The customer accepted the result (验收); needed to enter summary' })
  @IsOptional()
  @IsBoolean()
  acceptedByCustomer?: boolean;

  @ApiPropertyOptional({ description: '验收意见' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  acceptanceNote?: string;

  @ApiPropertyOptional({ description: '项目总结; needed to close' })
  @IsOptional()
  @IsString()
  @Length(1, 10000)
  summary?: string;

  @ApiPropertyOptional({ description: '经验教训; needed to close' })
  @IsOptional()
  @IsString()
  @Length(1, 10000)
  lessons?: string;
}

export class ProjectApprovalDto {
  @ApiProperty({ enum: ['approve', 'reject'] }) @IsIn(['approve', 'reject']) decision: 'approve' | 'reject';
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) note?: string;
}

export class CreateProjectTaskDto {
  @ApiProperty({ example: '需求调研' }) @IsString() @Length(1, 200) title: string;
  @ApiProperty({ description: 'Who does it' }) @IsUUID() ownerId: string;

  @ApiProperty({ example: '2027-01-31', description: "Deadline, a date of the workspace's calendar" })
  @Matches(DATE, { message: 'dueOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueOn must be a real date' })
  dueOn: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  progress?: number;
}

export class UpdateProjectTaskDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() ownerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DATE, { message: 'dueOn must be a date, YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueOn must be a real date' })
  dueOn?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  progress?: number;

  @ApiPropertyOptional({ description: 'Done (progress 100) or not done again' })
  @IsOptional()
  @IsBoolean()
  done?: boolean;

  @ApiPropertyOptional({
    example: '2026-11-20T17:00:00+08:00',
    description: 'When it was done (ISO 8601 with offset, not in the future); now by default',
  })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true }, { message: 'doneAt must be an ISO 8601 date-time' })
  doneAt?: string;

  @ApiPropertyOptional({ description: 'Explicitly waived: not needed for acceptance' })
  @IsOptional()
  @IsBoolean()
  waived?: boolean;
}

export class CreateProjectRiskDto {
  @ApiProperty({ example: '客户需求变更频繁' }) @IsString() @Length(1, 2000) risk: string;
  @ApiProperty({ enum: PROJECT_LEVELS }) @IsIn(PROJECT_LEVELS) severity: ProjectLevel;
  @ApiProperty({ enum: PROJECT_LEVELS }) @IsIn(PROJECT_LEVELS) likelihood: ProjectLevel;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 5000) mitigation?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() ownerId?: string;
}

export class UpdateProjectRiskDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) risk?: string;
  @ApiPropertyOptional({ enum: PROJECT_LEVELS }) @IsOptional() @IsIn(PROJECT_LEVELS) severity?: ProjectLevel;
  @ApiPropertyOptional({ enum: PROJECT_LEVELS })
  @IsOptional()
  @IsIn(PROJECT_LEVELS)
  likelihood?: ProjectLevel;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 5000) mitigation?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() ownerId?: string;

  @ApiPropertyOptional({ enum: PROJECT_RISK_STATUSES })
  @IsOptional()
  @IsIn(PROJECT_RISK_STATUSES)
  status?: ProjectRiskStatus;
}

export const PROJECT_ON_TIME_GROUPS = ['member', 'team'] as const;
export type ProjectOnTimeGroup = (typeof PROJECT_ON_TIME_GROUPS)[number];

export class ProjectOnTimeQuery {
  @ApiProperty({ enum: PROJECT_ON_TIME_GROUPS })
  @IsIn(PROJECT_ON_TIME_GROUPS)
  groupBy: ProjectOnTimeGroup;

  @ApiProperty({ example: '2026-11', description: "A month in the workspace's time zone" })
  @IsString()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month: string;
}

/** Request wrappers over NATS. */
export class CreateProjectRequest {
  @IsUUID() accountId: string;
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
  @IsObject() @ValidateNested() @Type(() => CreateProjectDto) data: CreateProjectDto;
}

export class ListAccountProjectsRequest {
  @IsUUID() accountId: string;
}

export class ListProjectsRequest {
  @IsObject() @ValidateNested() @Type(() => ListProjectsQuery) query: ListProjectsQuery;
}

export class GetProjectRequest {
  @IsUUID() id: string;
}

export class UpdateProjectRequest {
  @IsUUID() id: string;
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() @ValidateNested() @Type(() => UpdateProjectDto) data: UpdateProjectDto;
}

export class ProjectApprovalRequestRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}

export class DecideProjectRequest {
  @IsUUID() id: string;
  @IsObject() @ValidateNested() @Type(() => ProjectApprovalDto) data: ProjectApprovalDto;
}

export class MoveProjectStageRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
  @IsObject() @ValidateNested() @Type(() => ProjectStageDto) data: ProjectStageDto;
}

export class CreateProjectTaskRequest {
  @IsUUID() projectId: string;
  @IsObject() @ValidateNested() @Type(() => CreateProjectTaskDto) data: CreateProjectTaskDto;
}

export class UpdateProjectTaskRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
  @IsObject() @ValidateNested() @Type(() => UpdateProjectTaskDto) data: UpdateProjectTaskDto;
}

export class CreateProjectRiskRequest {
  @IsUUID() projectId: string;
  @IsObject() @ValidateNested() @Type(() => CreateProjectRiskDto) data: CreateProjectRiskDto;
}

export class UpdateProjectRiskRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
  @IsObject() @ValidateNested() @Type(() => UpdateProjectRiskDto) data: UpdateProjectRiskDto;
}

export class ProjectOnTimeRequest {
  @IsObject() @ValidateNested() @Type(() => ProjectOnTimeQuery) query: ProjectOnTimeQuery;
}

export interface ProjectTaskView {
  id: string;
  projectId: string;
  title: string;
  ownerId: string;
  dueOn: string;
  doneAt: string | null;
  waived: boolean;
  progress: number;
  /** Done on or before dueOn in the workspace's time zone; null while not done. */
  onTime: boolean | null;
  version: number;
}

export interface ProjectRiskView {
  id: string;
  projectId: string;
  risk: string;
  severity: ProjectLevel;
  likelihood: ProjectLevel;
  mitigation: string | null;
  ownerId: string | null;
  status: ProjectRiskStatus;
  version: number;
}

/** A project as the API returns it. The budget is a financial field: null and named in `redacted` when hidden. */
export interface ProjectView {
  id: string;
  accountId: string;
  accountName: string;
  name: string;
  objective: string | null;
  stage: ProjectStage;
  allowedStages: ProjectStage[];
  approvalStatus: ProjectApprovalStatus;
  approvedBy: string | null;
  approvedAt: string | null;
  approvalNote: string | null;
  budget: Money | null;
  startsOn: string | null;
  dueOn: string | null;
  managerId: string;
  acceptance: { acceptedByCustomer: boolean | null; acceptedAt: string | null; note: string | null };
  summary: string | null;
  lessons: string | null;
  /** 0-100 from the tasks. */
  progress: number;
  taskCount: number;
  openTaskCount: number;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  redacted: string[];
  tasks?: ProjectTaskView[];
  risks?: ProjectRiskView[];
}

export interface ProjectOnTimeRow {
  /** Member (task owner) or the owner's team; null for owners without a team. */
  key: string | null;
  name: string | null;
  done: number;
  onTime: number;
  /** onTime / done, 0-1. */
  onTimeRate: number;
}

export interface ProjectOnTimeView {
  groupBy: ProjectOnTimeGroup;
  month: string;
  timeZone: string;
  rows: ProjectOnTimeRow[];
  /** The whole month across the rows. */
  total: { done: number; onTime: number; onTimeRate: number };
}

export type ProjectChange =
  | 'created'
  | 'updated'
  | 'approval_requested'
  | 'approved'
  | 'rejected'
  | 'stage_changed'
  | 'task_added'
  | 'task_updated'
  | 'risk_added'
  | 'risk_updated';

/** EVENTS.projectChanged payload. */
export interface ProjectChangedEvent {
  workspaceId: string;
  accountId: string;
  projectId: string;
  change: ProjectChange;
  stage: ProjectStage;
  approvalStatus: ProjectApprovalStatus;
  taskId?: string;
  riskId?: string;
}
