import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CreateTeamDto,
  EVENTS,
  FieldError,
  KamError,
  ListMembersQuery,
  MemberView,
  Role,
  TeamKind,
  TeamView,
  UpdateTeamDto,
  UpsertMemberDto,
  validationError,
} from '@app/contracts';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { ActorContextService } from './actor-context.service';

interface MemberRow {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  roles: Role[];
  team_id: string | null;
  manager_id: string | null;
  status: 'active' | 'departed';
  departed_at: Date | null;
  successor_id: string | null;
  version: number;
}

export function memberView(r: MemberRow): MemberView {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    roles: r.roles,
    teamId: r.team_id,
    managerId: r.manager_id,
    status: r.status,
    departedAt: r.departed_at?.toISOString() ?? null,
    successorId: r.successor_id,
    version: r.version,
  };
}

/** Members (as the CRM knows them), their roles, teams with group leaders, and the manager chain. */
@Injectable()
export class OrganisationService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly relay: OutboxRelay,
  ) {}

  private async can(
    actor: Actor,
    action: 'read' | 'create' | 'update',
    subject: 'Member' | 'Team',
  ): Promise<void> {
    const { ability } = await this.actors.resolve(actor);
    if (!ability.can(action, subject)) throw new KamError('forbidden');
  }

  async listMembers(actor: Actor, q: ListMembersQuery): Promise<MemberView[]> {
    await this.can(actor, 'read', 'Member');
    const rows: MemberRow[] = await this.ds.query(
      `SELECT * FROM members WHERE workspace_id = $1 AND ($2::uuid IS NULL OR team_id = $2) AND ($3::text IS NULL OR status = $3)
         AND ($4::text IS NULL OR $4 = ANY(roles)) ORDER BY name, id`,
      [actor.workspaceId, q.teamId ?? null, q.status ?? null, q.role ?? null],
    );
    return rows.map(memberView);
  }

  async getMember(actor: Actor, id: string): Promise<MemberView> {
    await this.can(actor, 'read', 'Member');
    const rows: MemberRow[] = await this.ds.query(
      `SELECT * FROM members WHERE id = $1 AND workspace_id = $2`,
      [id, actor.workspaceId],
    );
    if (!rows[0]) throw new KamError('not_found', { what: 'member' });
    return memberView(rows[0]);
  }

  /** Creates or updates a member under the CRM's id. Departure is its own operation, not a field. */
  async upsertMember(actor: Actor, id: string, dto: UpsertMemberDto): Promise<MemberView> {
    await this.can(actor, 'update', 'Member');
    const view = await this.ds.transaction(async (m) => {
      const existing: (MemberRow & { workspace_id: string })[] = await m.query(
        `SELECT * FROM members WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (existing[0] && existing[0].workspace_id !== actor.workspaceId)
        throw new KamError('conflict', { reason: 'this member id belongs to another workspace' });
      if (existing[0]?.status === 'departed') throw new KamError('member_not_active', { member: id });
      const errors: FieldError[] = [];
      if (dto.teamId && !(await this.inWorkspace(m, 'teams', dto.teamId, actor.workspaceId)))
        errors.push({ field: 'teamId', message: 'teamId is not a team of this workspace' });
      if (dto.managerId) {
        if (dto.managerId === id)
          errors.push({ field: 'managerId', message: 'a member cannot manage themselves' });
        else if (!(await this.inWorkspace(m, 'members', dto.managerId, actor.workspaceId)))
          errors.push({ field: 'managerId', message: 'managerId is not a member of this workspace' });
        else if (await this.managesChain(m, dto.managerId, id))
          errors.push({ field: 'managerId', message: 'the manager chain would loop' });
      }
      if (errors.length) throw validationError(errors);
      const rows: MemberRow[] = await m.query(
        `INSERT INTO members (id, workspace_id, name, email, phone, roles, team_id, manager_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET name = $3, email = $4, phone = $5, roles = $6, team_id = $7, manager_id = $8,
           version = members.version + 1, updated_at = now()
         RETURNING *`,
        [
          id,
          actor.workspaceId,
          dto.name,
          dto.email ?? null,
          dto.phone ?? null,
          dto.roles,
          dto.teamId ?? null,
          dto.managerId ?? null,
        ],
      );
      await addToOutbox(m, {
        subject: EVENTS.memberChanged,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          memberId: id,
          roles: dto.roles,
          teamId: dto.teamId ?? null,
          managerId: dto.managerId ?? null,
        },
      });
      return memberView(rows[0]);
    });
    this.actors.forget(id);
    this.relay.kick();
    return view;
  }

  async listTeams(actor: Actor): Promise<TeamView[]> {
    await this.can(actor, 'read', 'Team');
    const rows: {
      id: string;
      name: string;
      kind: TeamKind;
      leader_id: string | null;
      parent_id: string | null;
      version: number;
      n: number;
    }[] = await this.ds.query(
      `SELECT t.*, (SELECT count(*)::int FROM members m WHERE m.team_id = t.id AND m.status = 'active') AS n
         FROM teams t WHERE t.workspace_id = $1 ORDER BY t.name, t.id`,
      [actor.workspaceId],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      leaderId: r.leader_id,
      parentId: r.parent_id,
      memberCount: r.n,
      version: r.version,
    }));
  }

  async createTeam(actor: Actor, dto: CreateTeamDto): Promise<TeamView> {
    await this.can(actor, 'create', 'Team');
    const id = randomUUID();
    await this.ds.transaction(async (m) => {
      await this.checkTeamRefs(m, actor.workspaceId, id, dto);
      await m.query(
        `INSERT INTO teams (id, workspace_id, name, kind, leader_id, parent_id) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, actor.workspaceId, dto.name, dto.kind, dto.leaderId ?? null, dto.parentId ?? null],
      );
      await this.teamEvent(m, actor, id, 'created');
    });
    this.relay.kick();
    if (dto.leaderId) this.actors.forget(dto.leaderId);
    return (await this.listTeams(actor)).find((t) => t.id === id)!;
  }

  async updateTeam(actor: Actor, id: string, expectedVersion: number, dto: UpdateTeamDto): Promise<TeamView> {
    await this.can(actor, 'update', 'Team');
    let previousLeader: string | null = null;
    await this.ds.transaction(async (m) => {
      const rows: { version: number; leader_id: string | null }[] = await m.query(
        `SELECT version, leader_id FROM teams WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
        [id, actor.workspaceId],
      );
      if (!rows[0]) throw new KamError('not_found', { what: 'team' });
      if (rows[0].version !== expectedVersion)
        throw new KamError('precondition_failed', { current: rows[0].version });
      previousLeader = rows[0].leader_id;
      await this.checkTeamRefs(m, actor.workspaceId, id, dto);
      await m.query(
        `UPDATE teams SET name = COALESCE($3, name),
           leader_id = CASE WHEN $4::boolean THEN $5::uuid ELSE leader_id END,
           parent_id = CASE WHEN $6::boolean THEN $7::uuid ELSE parent_id END,
           version = version + 1, updated_at = now()
         WHERE id = $1 AND workspace_id = $2`,
        [
          id,
          actor.workspaceId,
          dto.name ?? null,
          dto.leaderId !== undefined,
          dto.leaderId ?? null,
          dto.parentId !== undefined,
          dto.parentId ?? null,
        ],
      );
      await this.teamEvent(m, actor, id, 'updated');
    });
    this.relay.kick();
    // The old and new leader see other accounts now.
    if (previousLeader) this.actors.forget(previousLeader);
    if (dto.leaderId) this.actors.forget(dto.leaderId);
    return (await this.listTeams(actor)).find((t) => t.id === id)!;
  }

  private async teamEvent(
    m: EntityManager,
    actor: Actor,
    teamId: string,
    change: 'created' | 'updated',
  ): Promise<void> {
    const rows: { name: string; kind: string; leader_id: string | null; parent_id: string | null }[] =
      await m.query(`SELECT name, kind, leader_id, parent_id FROM teams WHERE id = $1`, [teamId]);
    await addToOutbox(m, {
      subject: EVENTS.teamChanged,
      workspaceId: actor.workspaceId,
      requestId: actor.requestId,
      payload: {
        workspaceId: actor.workspaceId,
        teamId,
        change,
        name: rows[0].name,
        kind: rows[0].kind,
        leaderId: rows[0].leader_id,
        parentId: rows[0].parent_id,
      },
    });
  }

  private async checkTeamRefs(
    m: EntityManager,
    ws: string,
    id: string,
    dto: { leaderId?: string | null; parentId?: string | null },
  ): Promise<void> {
    const errors: FieldError[] = [];
    if (dto.leaderId) {
      const r: { status: string }[] = await m.query(
        `SELECT status FROM members WHERE id = $1 AND workspace_id = $2`,
        [dto.leaderId, ws],
      );
      if (!r[0] || r[0].status !== 'active')
        errors.push({ field: 'leaderId', message: 'leaderId is not an active member of this workspace' });
    }
    if (dto.parentId) {
      if (dto.parentId === id) errors.push({ field: 'parentId', message: 'a team cannot be its own parent' });
      else if (!(await this.inWorkspace(m, 'teams', dto.parentId, ws)))
        errors.push({ field: 'parentId', message: 'parentId is not a team of this workspace' });
    }
    if (errors.length) throw validationError(errors);
  }

  private async inWorkspace(
    m: EntityManager,
    table: 'members' | 'teams',
    id: string,
    ws: string,
  ): Promise<boolean> {
    const r: unknown[] = await m.query(`SELECT 1 FROM ${table} WHERE id = $1 AND workspace_id = $2`, [
      id,
      ws,
    ]);
    return r.length > 0;
  }

  /** Would making `managerId` the manager of `memberId` close a loop? (Is memberId above managerId?) */
  private async managesChain(m: EntityManager, managerId: string, memberId: string): Promise<boolean> {
    const r: unknown[] = await m.query(
      `WITH RECURSIVE up(id, manager_id, depth) AS (
         SELECT id, manager_id, 0 FROM members WHERE id = $1
         UNION ALL SELECT mm.id, mm.manager_id, up.depth + 1 FROM members mm JOIN up ON mm.id = up.manager_id WHERE up.depth < 50)
       SELECT 1 FROM up WHERE id = $2`,
      [managerId, memberId],
    );
    return r.length > 0;
  }
}
