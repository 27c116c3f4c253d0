import { Injectable } from '@nestjs/common';
import {
  Actor,
  CreateProjectRequest,
  CreateProjectRiskRequest,
  CreateProjectTaskRequest,
  DecideProjectRequest,
  GetProjectRequest,
  ListAccountProjectsRequest,
  ListProjectsRequest,
  MoveProjectStageRequest,
  parseDto,
  ProjectApprovalRequestRequest,
  ProjectOnTimeRequest,
  SUBJECTS,
  UpdateProjectRequest,
  UpdateProjectRiskRequest,
  UpdateProjectTaskRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { ProjectsService } from './projects.service';
import { ProjectOnTimeService } from './project-on-time.service';

/** NATS face of projects. Thin: validate again (never trust the edge), then the use case. */
@Injectable()
export class ProjectsHandler {
  constructor(
    private readonly projects: ProjectsService,
    private readonly onTimeService: ProjectOnTimeService,
  ) {}

  @RpcHandler(SUBJECTS.accounts.projectCreate)
  create(data: unknown, actor: Actor) {
    const r = parseDto(CreateProjectRequest, data);
    return this.projects.create(actor, r.accountId, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.accounts.projectListOfAccount)
  listOfAccount(data: unknown, actor: Actor) {
    return this.projects.listOfAccount(actor, parseDto(ListAccountProjectsRequest, data).accountId);
  }

  @RpcHandler(SUBJECTS.accounts.projectList)
  list(data: unknown, actor: Actor) {
    return this.projects.list(actor, parseDto(ListProjectsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.accounts.projectGet)
  get(data: unknown, actor: Actor) {
    return this.projects.get(actor, parseDto(GetProjectRequest, data).id);
  }

  @RpcHandler(SUBJECTS.accounts.projectUpdate)
  update(data: unknown, actor: Actor) {
    const r = parseDto(UpdateProjectRequest, data);
    return this.projects.update(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.projectRequestApproval)
  requestApproval(data: unknown, actor: Actor) {
    const r = parseDto(ProjectApprovalRequestRequest, data);
    return this.projects.requestApproval(actor, r.id, r.expectedVersion);
  }

  @RpcHandler(SUBJECTS.accounts.projectDecide)
  decide(data: unknown, actor: Actor) {
    const r = parseDto(DecideProjectRequest, data);
    return this.projects.decide(actor, r.id, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.projectMoveStage)
  moveStage(data: unknown, actor: Actor) {
    const r = parseDto(MoveProjectStageRequest, data);
    return this.projects.moveStage(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.projectTaskCreate)
  addTask(data: unknown, actor: Actor) {
    const r = parseDto(CreateProjectTaskRequest, data);
    return this.projects.addTask(actor, r.projectId, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.projectTaskUpdate)
  updateTask(data: unknown, actor: Actor) {
    const r = parseDto(UpdateProjectTaskRequest, data);
    return this.projects.updateTask(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.projectRiskCreate)
  addRisk(data: unknown, actor: Actor) {
    const r = parseDto(CreateProjectRiskRequest, data);
    return this.projects.addRisk(actor, r.projectId, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.projectRiskUpdate)
  updateRisk(data: unknown, actor: Actor) {
    const r = parseDto(UpdateProjectRiskRequest, data);
    return this.projects.updateRisk(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.projectOnTime)
  onTime(data: unknown, actor: Actor) {
    return this.onTimeService.onTime(actor, parseDto(ProjectOnTimeRequest, data).query);
  }
}
