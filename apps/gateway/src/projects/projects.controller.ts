import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  CreateProjectDto,
  CreateProjectRiskDto,
  CreateProjectTaskDto,
  ListProjectsQuery,
  Page,
  ProjectApprovalDto,
  ProjectOnTimeQuery,
  ProjectOnTimeView,
  ProjectStageDto,
  ProjectView,
  SUBJECTS,
  UpdateProjectDto,
  UpdateProjectRiskDto,
  UpdateProjectTaskDto,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { idempotencyKeyOf, versionFromIfMatch } from '../http/preconditions';
import { uuidParam, uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

const projectId = uuidPathParam('projectId');
const taskId = uuidPathParam('taskId');
const riskId = uuidPathParam('riskId');

/** An optional If-Match: absent is fine, present must be a version. */
const optionalVersion = (ifMatch: string | undefined) =>
  ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch);

/**
 * Projects of key accounts (项目管理): 立项 → 计划 → 执行 → 验收 → 总结. Approval to start by the director, tasks
 * with owners and deadlines, risks, acceptance, summary and lessons; the on-time rate per member and team.
 */
@ApiTags('projects')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class ProjectsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('accounts/:id/projects')
  @HttpCode(201)
  @Requires('create', 'Project')
  @ApiOperation({ summary: 'Start a project of the account (立项); it begins in initiation' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  create(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreateProjectDto)) body: CreateProjectDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ProjectView> {
    return this.rpc.request<ProjectView>(SUBJECTS.accounts.projectCreate, actor, {
      accountId: id,
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  @Get('accounts/:id/projects')
  @Requires('read', 'Project')
  @ApiOperation({ summary: "The account's projects, newest first" })
  listOfAccount(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
  ): Promise<Page<ProjectView>> {
    return this.rpc.request(SUBJECTS.accounts.projectListOfAccount, actor, { accountId: id });
  }

  // Before projects/:projectId, so "on-time" is not taken for an id.
  @Get('projects/on-time')
  @Requires('read', 'Project')
  @ApiOperation({
    summary:
      "On-time rate of the project tasks done in a month (workspace's time zone) per task owner or team",
  })
  onTime(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ProjectOnTimeQuery)) query: ProjectOnTimeQuery,
  ): Promise<ProjectOnTimeView> {
    return this.rpc.request(SUBJECTS.accounts.projectOnTime, actor, { query });
  }

  @Get('projects')
  @Requires('read', 'Project')
  @ApiOperation({ summary: 'Projects the caller may read, by stage and manager' })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListProjectsQuery)) query: ListProjectsQuery,
  ): Promise<Page<ProjectView>> {
    return this.rpc.request(SUBJECTS.accounts.projectList, actor, { query });
  }

  @Get('projects/:projectId')
  @Requires('read', 'Project')
  @ApiOperation({ summary: 'One project with its tasks and risks' })
  @VersionETag()
  get(@CurrentActor() actor: Actor, @Param('projectId', projectId) id: string): Promise<ProjectView> {
    return this.rpc.request<ProjectView>(SUBJECTS.accounts.projectGet, actor, { id });
  }

  @Patch('projects/:projectId')
  @Requires('update', 'Project')
  @ApiOperation({ summary: 'Change name, objective, budget, dates or manager; If-Match with the version' })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  update(
    @CurrentActor() actor: Actor,
    @Param('projectId', projectId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateProjectDto)) body: UpdateProjectDto,
  ): Promise<ProjectView> {
    return this.rpc.request<ProjectView>(SUBJECTS.accounts.projectUpdate, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Post('projects/:projectId/approval-request')
  @HttpCode(200)
  @Requires('update', 'Project')
  @ApiOperation({ summary: 'Ask the director for the approval to start (立项审批)' })
  @ApiHeader({ name: 'If-Match', required: false })
  @VersionETag()
  requestApproval(
    @CurrentActor() actor: Actor,
    @Param('projectId', projectId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ProjectView> {
    return this.rpc.request<ProjectView>(SUBJECTS.accounts.projectRequestApproval, actor, {
      id,
      expectedVersion: optionalVersion(ifMatch),
    });
  }

  @Post('projects/:projectId/approval')
  @HttpCode(200)
  @Requires('read', 'Project')
  @ApiOperation({ summary: 'The director approves or rejects the start of a project' })
  @VersionETag()
  decide(
    @CurrentActor() actor: Actor,
    @Param('projectId', projectId) id: string,
    @Body(new DtoPipe(ProjectApprovalDto)) body: ProjectApprovalDto,
  ): Promise<ProjectView> {
    return this.rpc.request<ProjectView>(SUBJECTS.accounts.projectDecide, actor, { id, data: body });
  }

  @Post('projects/:projectId/stage')
  @HttpCode(200)
  @Requires('update', 'Project')
  @ApiOperation({
    summary:
      'initiation → planning → execution (approved) → acceptance (tasks done or waived) → summary (customer accepted) → closed (summary and lessons); 409 names the allowed moves',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @VersionETag()
  moveStage(
    @CurrentActor() actor: Actor,
    @Param('projectId', projectId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(ProjectStageDto)) body: ProjectStageDto,
  ): Promise<ProjectView> {
    return this.rpc.request<ProjectView>(SUBJECTS.accounts.projectMoveStage, actor, {
      id,
      expectedVersion: optionalVersion(ifMatch),
      data: body,
    });
  }

  @Post('projects/:projectId/tasks')
  @HttpCode(201)
  @Requires('update', 'Project')
  @ApiOperation({ summary: 'Add a task with an owner and a deadline; answers the project' })
  addTask(
    @CurrentActor() actor: Actor,
    @Param('projectId', projectId) id: string,
    @Body(new DtoPipe(CreateProjectTaskDto)) body: CreateProjectTaskDto,
  ): Promise<ProjectView> {
    return this.rpc.request(SUBJECTS.accounts.projectTaskCreate, actor, { projectId: id, data: body });
  }

  @Patch('project-tasks/:taskId')
  @Requires('update', 'Project')
  @ApiOperation({ summary: 'Progress, done (doneAt), waived or the task fields; answers the project' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The task version' })
  updateTask(
    @CurrentActor() actor: Actor,
    @Param('taskId', taskId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateProjectTaskDto)) body: UpdateProjectTaskDto,
  ): Promise<ProjectView> {
    return this.rpc.request(SUBJECTS.accounts.projectTaskUpdate, actor, {
      id,
      expectedVersion: optionalVersion(ifMatch),
      data: body,
    });
  }

  @Post('projects/:projectId/risks')
  @HttpCode(201)
  @Requires('update', 'Project')
  @ApiOperation({ summary: 'Add a risk (severity, likelihood, mitigation, owner); answers the project' })
  addRisk(
    @CurrentActor() actor: Actor,
    @Param('projectId', projectId) id: string,
    @Body(new DtoPipe(CreateProjectRiskDto)) body: CreateProjectRiskDto,
  ): Promise<ProjectView> {
    return this.rpc.request(SUBJECTS.accounts.projectRiskCreate, actor, { projectId: id, data: body });
  }

  @Patch('project-risks/:riskId')
  @Requires('update', 'Project')
  @ApiOperation({ summary: 'Change or close a risk; answers the project' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The risk version' })
  updateRisk(
    @CurrentActor() actor: Actor,
    @Param('riskId', riskId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateProjectRiskDto)) body: UpdateProjectRiskDto,
  ): Promise<ProjectView> {
    return this.rpc.request(SUBJECTS.accounts.projectRiskUpdate, actor, {
      id,
      expectedVersion: optionalVersion(ifMatch),
      data: body,
    });
  }
}
