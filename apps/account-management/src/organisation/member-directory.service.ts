import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Actor,
  KamError,
  MemberContextView,
  MemberRosterRequest,
  MemberRosterView,
  Role,
  ROSTER_DEFAULT_LIMIT,
  TeamContextView,
} from '@app/contracts';
import { decodeCursor, encodeCursor } from '@app/persistence';
import { ActorContextService } from './actor-context.service';

interface RosterRow {
  id: string;
  name: string;
  roles: Role[];
  team_id: string | null;
  team_name: string | null;
  team_leader_id: string | null;
  manager_id: string | null;
  status: 'active' | 'departed';
}

/** $1 workspace, $2 after this id (or NULL), $3 include departed, $4 limit + 1 (to know there is more). */
const ROSTER_SQL = `
SELECT m.id, m.name, m.roles, m.team_id, t.name AS team_name, t.leader_id AS team_leader_id, m.manager_id, m.status
FROM members m LEFT JOIN teams t ON t.id = m.team_id AND t.workspace_id = m.workspace_id
WHERE m.workspace_id = $1 AND ($2::uuid IS NULL OR m.id > $2::uuid) AND ($3::boolean OR m.status = 'active')
ORDER BY m.id
LIMIT $4`;

interface MemberContextRow {
  name: string;
  roles: Role[];
  status: 'active' | 'departed';
  team_id: string | null;
  led: string[] | null;
}

/** The same relations ActorContextService reads: the member's team and the teams they lead. $1 member, $2 workspace. */
const MEMBER_CONTEXT_SQL = `
SELECT m.name, m.roles, m.status, m.team_id,
       (SELECT array_agg(t.id ORDER BY t.id) FROM teams t WHERE t.leader_id = m.id AND t.workspace_id = m.workspace_id) AS led
FROM members m WHERE m.id = $1 AND m.workspace_id = $2`;

/** $1 team, $2 workspace. */
const TEAM_CONTEXT_SQL = `SELECT t.id, t.name FROM teams t WHERE t.id = $1 AND t.workspace_id = $2`;

/**
 * The organisation as other services need it (issue 5): the roster with teams and leaders, a page at a time
 * by id, and one member's actor context (their team and the teams they lead), so that performance-evaluation
 * can rebuild the CASL ability without reading this service's tables.
 */
@Injectable()
export class MemberDirectoryService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
  ) {}

  /** Staff who read the organisation (`read Member`, as `member.list`) and system callers. */
  async roster(actor: Actor, req: MemberRosterRequest): Promise<MemberRosterView> {
    if (actor.kind !== 'system') {
      const { ability } = await this.actors.resolve(actor);
      if (!ability.can('read', 'Member')) throw new KamError('forbidden');
    }
    let after: string | null = null;
    if (req.cursor) {
      const c = decodeCursor(req.cursor, 'uuid');
      after = c.id;
    }
    const limit = req.limit ?? ROSTER_DEFAULT_LIMIT;
    const rows: RosterRow[] = await this.ds.query(ROSTER_SQL, [
      actor.workspaceId,
      after,
      req.includeDeparted ?? false,
      limit + 1,
    ]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        memberId: r.id,
        name: r.name,
        roles: r.roles,
        teamId: r.team_id,
        teamName: r.team_name,
        teamLeaderId: r.team_leader_id,
        managerId: r.manager_id,
        status: r.status,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id, last.id) : null,
    };
  }

  /** System callers, and a member asking about themselves. 404 when not a member of the actor's workspace. */
  async context(actor: Actor, memberId: string): Promise<MemberContextView> {
    if (actor.kind !== 'system') {
      // Refuses a departed or unknown caller first.
      await this.actors.resolve(actor);
      if (actor.memberId !== memberId) throw new KamError('forbidden');
    }
    const rows: MemberContextRow[] = await this.ds.query(MEMBER_CONTEXT_SQL, [memberId, actor.workspaceId]);
    const m = rows[0];
    if (!m) throw new KamError('not_found', { what: 'member' });
    return {
      memberId,
      active: m.status === 'active',
      name: m.name,
      roles: m.roles,
      teamIds: m.team_id ? [m.team_id] : [],
      ledTeamIds: m.led ?? [],
    };
  }

  /** A team of the actor's workspace (system callers only: the subject is on SERVICE_CALLS). 404 when not here. */
  async team(actor: Actor, teamId: string): Promise<TeamContextView> {
    const rows: TeamContextView[] = await this.ds.query(TEAM_CONTEXT_SQL, [teamId, actor.workspaceId]);
    if (!rows[0]) throw new KamError('team_not_found', { id: teamId });
    return { id: rows[0].id, name: rows[0].name };
  }
}
