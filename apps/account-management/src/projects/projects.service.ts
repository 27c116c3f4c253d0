import { authorizeOn, scopedAccount, scopeWhere } from '../accounts/account-scope';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CreateProjectDto,
  CreateProjectRiskDto,
  CreateProjectTaskDto,
  EVENTS,
  FieldError,
  KamError,
  ListProjectsQuery,
  Page,
  ProjectApprovalDto,
  ProjectChange,
  ProjectChangedEvent,
  ProjectStageDto,
  ProjectView,
  UpdateProjectDto,
  UpdateProjectRiskDto,
  UpdateProjectTaskDto,
  validationError,
} from '@app/contracts';
import { Action, KamAbility, PositionalSqlCondition } from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { applyOnce } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { AccountRow } from '../accounts/account.sql';
import { toSubject } from '../accounts/account.mapper';
import { addTimeline, TimelineKind } from '../archive/timeline';
import { AccountSubject } from '@app/authz';
import { ACCOUNT_RELATION_COLUMNS, financialHidden, relationSubject } from '../commercial/commercial-access';
import {
  allowedProjectMoves,
  canMoveProject,
  canRequestApproval,
  projectProgress,
  projectStageBlocker,
  ProjectStageBlocker,
} from '../domain/project';
import {
  PROJECT_COLUMNS,
  ProjectRow,
  RISK_COLUMNS,
  RiskRow,
  TASK_COLUMNS,
  TaskRow,
  toProjectView,
  toRiskView,
  toTaskView,
} from './project.sql';

const BLOCKER_TEXT: Record<ProjectStageBlocker, string> = {
  approval_required: 'the approval to start (立项审批) is not granted',
  tasks_open: 'every task must be done or waived',
  acceptance_required: 'the customer acceptance (验收) is not recorded',
  summary_required: 'the summary (项目总结) is missing',
  lessons_required: 'the lessons learned (经验教训) are missing',
};

/**
 * Projects of a key account (项目管理): 立项 → 计划 → 执行 → 验收 → 总结, then closed. Execution needs the
 * director's approval to start; tasks have owners and deadlines; risks are tracked; acceptance, summary and lessons
 * close the project. Access follows the project's account (subject `Project`, the archive group of DESIGN §4).
 */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly relay: OutboxRelay,
  ) {}

  /** What the ability allows on projects as SQL over `accounts a`; 403 when no rule allows any. */
  where(ability: KamAbility, action: Action, offset: number): PositionalSqlCondition {
    return scopeWhere(ability, action, 'Project', offset);
  }

  private authorize(ability: KamAbility, action: Action, account: AccountSubject): void {
    authorizeOn(ability, action, 'Project', account);
  }

  /** The account, when the caller may read its projects (else 404), and may `action` them (else 403). */
  private account(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    accountId: string,
    action: Action,
  ): Promise<AccountRow> {
    return scopedAccount(m, ability, workspaceId, accountId, 'Project', action);
  }

  /** One project the caller may read (else 404) and may `action` (else 403); locked with `lock`. */
  private async load(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    id: string,
    action: Action,
    lock = false,
  ): Promise<ProjectRow> {
    const access = this.where(ability, 'read', 2);
    if (lock)
      await m.query(`SELECT 1 FROM projects WHERE id = $1 AND workspace_id = $2 FOR UPDATE`, [
        id,
        workspaceId,
      ]);
    const rows: ProjectRow[] = await m.query(
      `SELECT ${PROJECT_COLUMNS}, ${ACCOUNT_RELATION_COLUMNS} FROM projects p JOIN accounts a ON a.id = p.account_id
       WHERE p.id = $1 AND p.workspace_id = $2 AND (${access.sql})`,
      [id, workspaceId, ...access.values],
    );
    const row = rows[0];
    if (!row) throw new KamError('project_not_found', { id });
    this.authorize(ability, action, relationSubject(row));
    return row;
  }

  private async activeMember(m: EntityManager, workspaceId: string, memberId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM members WHERE id = $1 AND workspace_id = $2 AND status = 'active'`,
      [memberId, workspaceId],
    );
    return rows.length > 0;
  }

  private static notClosed(row: ProjectRow): void {
    if (row.stage === 'closed') throw new KamError('conflict', { reason: 'the project is closed' });
  }

  private static checkVersion(row: { version: number }, expected: number | undefined): void {
    if (expected !== undefined && row.version !== expected)
      throw new KamError('precondition_failed', { current: row.version });
  }

  async create(
    actor: Actor,
    accountId: string,
    dto: CreateProjectDto,
    idempotencyKey?: string,
  ): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    const { id } = await applyOnce(
      this.ds.manager,
      {
        actor,
        scope: 'project.create',
        key: idempotencyKey,
        body: { accountId, ...dto },
      },
      async (m) => {
        const account = await this.account(m, ability, actor.workspaceId, accountId, 'create');
        // A budget the caller cannot read, they cannot set either.
        if (dto.budget !== undefined && financialHidden(ability, toSubject(account)))
          throw new KamError('forbidden', { field: 'budget' });
        const errors: FieldError[] = [];
        if (dto.startsOn && dto.dueOn && dto.dueOn < dto.startsOn)
          errors.push({ field: 'dueOn', message: 'dueOn must not be before startsOn' });
        const managerId = dto.managerId ?? (actor.kind === 'user' || !actor.kind ? actor.memberId : null);
        if (!managerId) errors.push({ field: 'managerId', message: 'managerId is required' });
        else if (!(await this.activeMember(m, actor.workspaceId, managerId)))
          errors.push({
            field: 'managerId',
            message: 'managerId must be an active member of this workspace',
          });
        if (errors.length) throw validationError(errors);
        const projectId = randomUUID();
        await m.query(
          `INSERT INTO projects (id, workspace_id, account_id, name, objective, budget_minor, currency, starts_on, due_on,
             manager_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            projectId,
            actor.workspaceId,
            accountId,
            dto.name,
            dto.objective ?? null,
            dto.budget?.amountMinor ?? null,
            dto.budget?.currency ?? null,
            dto.startsOn ?? null,
            dto.dueOn ?? null,
            managerId,
            actor.memberId,
          ],
        );
        await this.changed(m, actor, {
          accountId,
          projectId,
          change: 'created',
          stage: 'initiation',
          approvalStatus: 'not_requested',
          kind: 'project_created',
          // Not the budget: the timeline is read by roles that may not see financial fields.
          details: { name: dto.name, managerId },
        });
        return { id: projectId };
      },
    );
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** The account's projects, newest first. */
  async listOfAccount(actor: Actor, accountId: string): Promise<Page<ProjectView>> {
    const { ability } = await this.actors.resolve(actor);
    await this.account(this.ds.manager, ability, actor.workspaceId, accountId, 'read');
    return { items: await this.query(ability, actor.workspaceId, { accountId }), nextCursor: null };
  }

  /** Every project the caller may read (scoped in SQL), narrowed by stage and manager. */
  async list(actor: Actor, query: ListProjectsQuery): Promise<Page<ProjectView>> {
    const { ability } = await this.actors.resolve(actor);
    return { items: await this.query(ability, actor.workspaceId, query), nextCursor: null };
  }

  /** One project with its tasks and risks. */
  async get(actor: Actor, id: string): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    return this.view(ability, actor.workspaceId, id, true);
  }

  async update(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: UpdateProjectDto,
  ): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const current = await this.load(m, ability, actor.workspaceId, id, 'update', true);
      ProjectsService.checkVersion(current, expectedVersion);
      ProjectsService.notClosed(current);
      if (dto.budget !== undefined && financialHidden(ability, relationSubject(current)))
        throw new KamError('forbidden', { field: 'budget' });
      const errors: FieldError[] = [];
      const startsOn = dto.startsOn ?? current.starts_on;
      const dueOn = dto.dueOn ?? current.due_on;
      if (startsOn && dueOn && dueOn < startsOn)
        errors.push({ field: 'dueOn', message: 'dueOn must not be before startsOn' });
      if (dto.managerId !== undefined && !(await this.activeMember(m, actor.workspaceId, dto.managerId)))
        errors.push({ field: 'managerId', message: 'managerId must be an active member of this workspace' });
      if (errors.length) throw validationError(errors);

      const params: unknown[] = [id];
      const sets: string[] = [];
      const changed: string[] = [];
      const set = (field: string, cols: [string, unknown][]) => {
        for (const [col, value] of cols) {
          params.push(value);
          sets.push(`${col} = $${params.length}`);
        }
        changed.push(field);
      };
      if (dto.name !== undefined && dto.name !== current.name) set('name', [['name', dto.name]]);
      if (dto.objective !== undefined && dto.objective !== current.objective)
        set('objective', [['objective', dto.objective]]);
      if (
        dto.budget !== undefined &&
        (String(dto.budget.amountMinor) !== current.budget_minor || dto.budget.currency !== current.currency)
      )
        set('budget', [
          ['budget_minor', dto.budget.amountMinor],
          ['currency', dto.budget.currency],
        ]);
      if (dto.startsOn !== undefined && dto.startsOn !== current.starts_on)
        set('startsOn', [['starts_on', dto.startsOn]]);
      if (dto.dueOn !== undefined && dto.dueOn !== current.due_on) set('dueOn', [['due_on', dto.dueOn]]);
      if (dto.managerId !== undefined && dto.managerId !== current.manager_id)
        set('managerId', [['manager_id', dto.managerId]]);
      if (!changed.length) return;
      await m.query(
        `UPDATE projects SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`,
        params,
      );
      await this.changed(m, actor, {
        accountId: current.account_id,
        projectId: id,
        change: 'updated',
        stage: current.stage,
        approvalStatus: current.approval_status,
        kind: 'project_updated',
        details: { changed },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** Asks for the approval to start (立项审批): before execution, when none is pending or granted. */
  async requestApproval(actor: Actor, id: string, expectedVersion?: number): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const current = await this.load(m, ability, actor.workspaceId, id, 'update', true);
      ProjectsService.checkVersion(current, expectedVersion);
      if (!canRequestApproval(current.stage, current.approval_status))
        throw new KamError('conflict', {
          reason: `approval cannot be requested in ${current.stage} with approval ${current.approval_status}`,
        });
      await m.query(
        `UPDATE projects SET approval_status = 'pending', approved_by = NULL, approved_at = NULL, approval_note = NULL,
           version = version + 1, updated_at = now() WHERE id = $1`,
        [id],
      );
      await this.changed(m, actor, {
        accountId: current.account_id,
        projectId: id,
        change: 'approval_requested',
        stage: current.stage,
        approvalStatus: 'pending',
        kind: 'project_approval_requested',
        details: {},
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /**
   * The director approves or rejects the start of a project (DESIGN §4: the director decides; a group leader or
   * deputy manages projects but does not approve their start).
   */
  async decide(actor: Actor, id: string, dto: ProjectApprovalDto): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const current = await this.load(m, ability, actor.workspaceId, id, 'read', true);
      if (!actor.roles.includes('director')) throw new KamError('forbidden');
      this.authorize(ability, 'manage', relationSubject(current));
      if (current.approval_status !== 'pending')
        throw new KamError('conflict', { reason: `the approval is ${current.approval_status}, not pending` });
      const status = dto.decision === 'approve' ? 'approved' : 'rejected';
      await m.query(
        `UPDATE projects SET approval_status = $2, approved_by = $3, approved_at = now(), approval_note = $4,
           version = version + 1, updated_at = now() WHERE id = $1`,
        [id, status, actor.memberId, dto.note ?? null],
      );
      await this.changed(m, actor, {
        accountId: current.account_id,
        projectId: id,
        change: status,
        stage: current.stage,
        approvalStatus: status,
        kind: 'project_approval_decided',
        details: { decision: dto.decision },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** Moves the project to its next stage; an illegal move is 409 naming the allowed, a blocked one 409 why. */
  async moveStage(
    actor: Actor,
    id: string,
    expectedVersion: number | undefined,
    dto: ProjectStageDto,
  ): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const current = await this.load(m, ability, actor.workspaceId, id, 'update', true);
      ProjectsService.checkVersion(current, expectedVersion);
      const from = current.stage;
      if (!canMoveProject(from, dto.to)) {
        const allowed = allowedProjectMoves(from);
        throw new KamError('illegal_project_transition', {
          from,
          to: dto.to,
          allowed: allowed.join(', ') || '—',
          allowedStages: [...allowed],
        });
      }
      const facts = {
        approval: current.approval_status,
        openTasks: current.open_task_count,
        acceptedByCustomer: dto.acceptedByCustomer ?? current.accepted_by_customer,
        summary: dto.summary ?? current.summary,
        lessons: dto.lessons ?? current.lessons,
      };
      const blocker = projectStageBlocker(dto.to, facts);
      if (blocker)
        throw new KamError('project_stage_blocked', { to: dto.to, reason: BLOCKER_TEXT[blocker], blocker });
      const params: unknown[] = [id, dto.to];
      const sets = ['stage = $2', 'version = version + 1', 'updated_at = now()'];
      const set = (sql: string, v: unknown) => {
        params.push(v);
        sets.push(sql.replace('?', `$${params.length}`));
      };
      if (dto.acceptedByCustomer !== undefined) {
        set('accepted_by_customer = ?', dto.acceptedByCustomer);
        sets.push(dto.acceptedByCustomer ? 'accepted_at = now()' : 'accepted_at = NULL');
      }
      if (dto.acceptanceNote !== undefined) set('acceptance_note = ?', dto.acceptanceNote);
      if (dto.summary !== undefined) set('summary = ?', dto.summary);
      if (dto.lessons !== undefined) set('lessons = ?', dto.lessons);
      await m.query(`UPDATE projects SET ${sets.join(', ')} WHERE id = $1`, params);
      await this.changed(m, actor, {
        accountId: current.account_id,
        projectId: id,
        change: 'stage_changed',
        stage: dto.to,
        approvalStatus: current.approval_status,
        kind: 'project_stage_changed',
        details: {
          from,
          to: dto.to,
          ...(dto.acceptedByCustomer !== undefined ? { acceptedByCustomer: dto.acceptedByCustomer } : {}),
        },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  async addTask(actor: Actor, projectId: string, dto: CreateProjectTaskDto): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const project = await this.load(m, ability, actor.workspaceId, projectId, 'update', true);
      ProjectsService.notClosed(project);
      if (!(await this.activeMember(m, actor.workspaceId, dto.ownerId)))
        throw validationError([
          { field: 'ownerId', message: 'ownerId must be an active member of this workspace' },
        ]);
      const taskId = randomUUID();
      await m.query(
        `INSERT INTO project_tasks (id, workspace_id, project_id, title, owner_id, due_on, progress)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [taskId, actor.workspaceId, projectId, dto.title, dto.ownerId, dto.dueOn, dto.progress ?? 0],
      );
      await this.changed(m, actor, {
        accountId: project.account_id,
        projectId,
        change: 'task_added',
        stage: project.stage,
        approvalStatus: project.approval_status,
        kind: 'project_task_added',
        taskId,
        details: { taskId, ownerId: dto.ownerId, dueOn: dto.dueOn },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, projectId, true);
  }

  /** Progress, done (on `doneAt` or now), waived, or the task's own fields. */
  async updateTask(
    actor: Actor,
    taskId: string,
    expectedVersion: number | undefined,
    dto: UpdateProjectTaskDto,
  ): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    const projectId = await this.ds.transaction(async (m) => {
      const task = await this.child<TaskRow>(
        m,
        'project_tasks',
        TASK_COLUMNS,
        't',
        actor.workspaceId,
        taskId,
      );
      const project = await this.load(m, ability, actor.workspaceId, task.project_id, 'update', true);
      ProjectsService.notClosed(project);
      const [current] = (await m.query(
        `SELECT ${TASK_COLUMNS} FROM project_tasks t WHERE t.id = $1 FOR UPDATE`,
        [taskId],
      )) as TaskRow[];
      ProjectsService.checkVersion(current, expectedVersion);
      const errors: FieldError[] = [];
      if (dto.doneAt !== undefined && dto.done !== true)
        errors.push({ field: 'doneAt', message: 'doneAt comes with done: true' });
      const doneAt = dto.doneAt ? new Date(dto.doneAt) : null;
      if (doneAt && doneAt.getTime() > Date.now() + 60_000)
        errors.push({ field: 'doneAt', message: 'doneAt cannot be in the future' });
      if (dto.done === true && dto.progress !== undefined && dto.progress !== 100)
        errors.push({ field: 'progress', message: 'a done task is 100% done' });
      if (dto.ownerId !== undefined && !(await this.activeMember(m, actor.workspaceId, dto.ownerId)))
        errors.push({ field: 'ownerId', message: 'ownerId must be an active member of this workspace' });
      if (errors.length) throw validationError(errors);

      const params: unknown[] = [taskId];
      const sets: string[] = [];
      const changed: string[] = [];
      const set = (field: string, col: string, value: unknown) => {
        params.push(value);
        sets.push(`${col} = $${params.length}`);
        changed.push(field);
      };
      if (dto.title !== undefined && dto.title !== current.title) set('title', 'title', dto.title);
      if (dto.ownerId !== undefined && dto.ownerId !== current.owner_id)
        set('ownerId', 'owner_id', dto.ownerId);
      if (dto.dueOn !== undefined && dto.dueOn !== current.due_on) set('dueOn', 'due_on', dto.dueOn);
      if (dto.waived !== undefined && dto.waived !== current.waived) set('waived', 'waived', dto.waived);
      if (dto.done === true && (!current.done_at || doneAt)) {
        set('done', 'done_at', doneAt ?? new Date());
        if (current.progress !== 100) set('progress', 'progress', 100);
      } else if (dto.done === false && current.done_at) {
        set('done', 'done_at', null);
        if (dto.progress !== undefined) set('progress', 'progress', dto.progress);
      } else if (dto.progress !== undefined && dto.progress !== current.progress) {
        if (current.done_at && dto.progress !== 100)
          throw validationError([
            { field: 'progress', message: 'a done task is 100% done; send done: false' },
          ]);
        set('progress', 'progress', dto.progress);
      }
      if (!changed.length) return task.project_id;
      await m.query(
        `UPDATE project_tasks SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`,
        params,
      );
      await this.changed(m, actor, {
        accountId: project.account_id,
        projectId: project.id,
        change: 'task_updated',
        stage: project.stage,
        approvalStatus: project.approval_status,
        kind: 'project_task_updated',
        taskId,
        details: { taskId, changed: [...new Set(changed)] },
      });
      return task.project_id;
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, projectId, true);
  }

  async addRisk(actor: Actor, projectId: string, dto: CreateProjectRiskDto): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const project = await this.load(m, ability, actor.workspaceId, projectId, 'update', true);
      ProjectsService.notClosed(project);
      if (dto.ownerId !== undefined && !(await this.activeMember(m, actor.workspaceId, dto.ownerId)))
        throw validationError([
          { field: 'ownerId', message: 'ownerId must be an active member of this workspace' },
        ]);
      const riskId = randomUUID();
      await m.query(
        `INSERT INTO project_risks (id, workspace_id, project_id, risk, severity, likelihood, mitigation, owner_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          riskId,
          actor.workspaceId,
          projectId,
          dto.risk,
          dto.severity,
          dto.likelihood,
          dto.mitigation ?? null,
          dto.ownerId ?? null,
        ],
      );
      await this.changed(m, actor, {
        accountId: project.account_id,
        projectId,
        change: 'risk_added',
        stage: project.stage,
        approvalStatus: project.approval_status,
        kind: 'project_risk_added',
        riskId,
        details: { riskId, severity: dto.severity, likelihood: dto.likelihood },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, projectId, true);
  }

  async updateRisk(
    actor: Actor,
    riskId: string,
    expectedVersion: number | undefined,
    dto: UpdateProjectRiskDto,
  ): Promise<ProjectView> {
    const { ability } = await this.actors.resolve(actor);
    const projectId = await this.ds.transaction(async (m) => {
      const risk = await this.child<RiskRow>(
        m,
        'project_risks',
        RISK_COLUMNS,
        'k',
        actor.workspaceId,
        riskId,
      );
      const project = await this.load(m, ability, actor.workspaceId, risk.project_id, 'update', true);
      ProjectsService.notClosed(project);
      const [current] = (await m.query(
        `SELECT ${RISK_COLUMNS} FROM project_risks k WHERE k.id = $1 FOR UPDATE`,
        [riskId],
      )) as RiskRow[];
      ProjectsService.checkVersion(current, expectedVersion);
      if (dto.ownerId !== undefined && !(await this.activeMember(m, actor.workspaceId, dto.ownerId)))
        throw validationError([
          { field: 'ownerId', message: 'ownerId must be an active member of this workspace' },
        ]);
      const params: unknown[] = [riskId];
      const sets: string[] = [];
      const changed: string[] = [];
      const fields: [keyof UpdateProjectRiskDto, keyof RiskRow, string][] = [
        ['risk', 'risk', 'risk'],
        ['severity', 'severity', 'severity'],
        ['likelihood', 'likelihood', 'likelihood'],
        ['mitigation', 'mitigation', 'mitigation'],
        ['ownerId', 'owner_id', 'owner_id'],
        ['status', 'status', 'status'],
      ];
      for (const [field, key, col] of fields) {
        const v = dto[field];
        if (v === undefined || v === current[key]) continue;
        params.push(v);
        sets.push(`${col} = $${params.length}`);
        changed.push(field);
      }
      if (!changed.length) return risk.project_id;
      await m.query(
        `UPDATE project_risks SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`,
        params,
      );
      await this.changed(m, actor, {
        accountId: project.account_id,
        projectId: project.id,
        change: 'risk_updated',
        stage: project.stage,
        approvalStatus: project.approval_status,
        kind: 'project_risk_updated',
        riskId,
        details: { riskId, changed, ...(dto.status !== undefined ? { status: dto.status } : {}) },
      });
      return risk.project_id;
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, projectId, true);
  }

  /** A task or risk of the workspace (its project's access is checked by the caller), else 404. */
  private async child<T extends { project_id: string }>(
    m: EntityManager,
    table: 'project_tasks' | 'project_risks',
    columns: string,
    alias: 't' | 'k',
    workspaceId: string,
    id: string,
  ): Promise<T> {
    const rows: T[] = await m.query(
      `SELECT ${columns} FROM ${table} ${alias} WHERE ${alias}.id = $1 AND ${alias}.workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('not_found', { what: table === 'project_tasks' ? 'task' : 'risk' });
    return rows[0];
  }

  private async query(
    ability: KamAbility,
    workspaceId: string,
    filter: ListProjectsQuery & { accountId?: string; id?: string },
  ): Promise<ProjectView[]> {
    const values: unknown[] = [workspaceId];
    const access = this.where(ability, 'read', values.length);
    values.push(...access.values);
    const where = ['p.workspace_id = $1', `(${access.sql})`];
    for (const [col, v] of [
      ['p.account_id', filter.accountId],
      ['p.stage', filter.stage],
      ['p.manager_id', filter.managerId],
      ['p.id', filter.id],
    ] as const) {
      if (v === undefined) continue;
      values.push(v);
      where.push(`${col} = $${values.length}`);
    }
    const rows: ProjectRow[] = await this.ds.query(
      `SELECT ${PROJECT_COLUMNS}, ${ACCOUNT_RELATION_COLUMNS} FROM projects p JOIN accounts a ON a.id = p.account_id
       WHERE ${where.join(' AND ')} ORDER BY p.created_at DESC, p.id DESC LIMIT 500`,
      values,
    );
    return rows.map((r) => toProjectView(r, financialHidden(ability, relationSubject(r))));
  }

  private async view(
    ability: KamAbility,
    workspaceId: string,
    id: string,
    withItems = false,
  ): Promise<ProjectView> {
    const [view] = await this.query(ability, workspaceId, { id });
    if (!view) throw new KamError('project_not_found', { id });
    if (!withItems) return view;
    const { timeZone } = await this.settings.cached(workspaceId);
    const tasks: TaskRow[] = await this.ds.query(
      `SELECT ${TASK_COLUMNS} FROM project_tasks t WHERE t.project_id = $1 ORDER BY t.due_on, t.created_at, t.id`,
      [id],
    );
    const risks: RiskRow[] = await this.ds.query(
      `SELECT ${RISK_COLUMNS} FROM project_risks k WHERE k.project_id = $1 ORDER BY k.created_at, k.id`,
      [id],
    );
    return {
      ...view,
      progress: projectProgress(
        tasks.map((t) => ({ progress: t.progress, done: !!t.done_at, waived: t.waived })),
      ),
      tasks: tasks.map((t) => toTaskView(t, timeZone)),
      risks: risks.map(toRiskView),
    };
  }

  /** The account timeline and the `project.changed` event of one change, in the caller's transaction. */
  private async changed(
    m: EntityManager,
    actor: Actor,
    c: Omit<ProjectChangedEvent, 'workspaceId'> & {
      change: ProjectChange;
      kind: TimelineKind;
      details: Record<string, unknown>;
    },
  ): Promise<void> {
    const { kind, details, ...event } = c;
    await addTimeline(m, {
      workspaceId: actor.workspaceId,
      accountId: c.accountId,
      actorId: actor.memberId,
      kind,
      details: { projectId: c.projectId, ...details },
    });
    await addToOutbox<ProjectChangedEvent>(m, {
      subject: EVENTS.projectChanged,
      workspaceId: actor.workspaceId,
      requestId: actor.requestId,
      payload: { ...event, workspaceId: actor.workspaceId },
    });
  }
}
