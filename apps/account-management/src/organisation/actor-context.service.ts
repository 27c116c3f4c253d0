import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, KamError } from '@app/contracts';
import { ActorContext, defineAbilityFor, KamAbility } from '@app/authz';

export interface ResolvedActor {
  ctx: ActorContext;
  ability: KamAbility;
}

/**
 * Rebuilds what the service needs to enforce permissions itself: the member's teams and the teams they lead.
 * A departed member is refused here, whatever their token says.
 */
@Injectable()
export class ActorContextService {
  constructor(private readonly ds: DataSource) {}

  async resolve(actor: Actor): Promise<ResolvedActor> {
    let teamIds: string[] = [];
    let ledTeamIds: string[] = [];
    if (actor.kind !== 'api_key' && actor.kind !== 'system') {
      const rows: { status: string; team_id: string | null; led: string[] | null }[] = await this.ds.query(
        `SELECT m.status, m.team_id,
                (SELECT array_agg(t.id) FROM teams t WHERE t.leader_id = m.id AND t.workspace_id = m.workspace_id) AS led
         FROM members m WHERE m.id = $1 AND m.workspace_id = $2`,
        [actor.memberId, actor.workspaceId],
      );
      const m = rows[0];
      if (!m) throw new KamError('unauthenticated');
      if (m.status !== 'active') throw new KamError('member_departed');
      teamIds = m.team_id ? [m.team_id] : [];
      ledTeamIds = m.led ?? [];
    }
    const ctx: ActorContext = { actor, teamIds, ledTeamIds };
    return { ctx, ability: defineAbilityFor(ctx) };
  }
}
