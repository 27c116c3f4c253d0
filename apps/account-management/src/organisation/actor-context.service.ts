import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, KamError } from '@app/contracts';
import { ActorContext, defineAbilityFor, KamAbility } from '@app/authz';

export interface ResolvedActor {
  ctx: ActorContext;
  ability: KamAbility;
}

/** How long a resolved actor (teams, status, ability) is reused by this process. */
export const ACTOR_CACHE_TTL_MS = 2000;
const ACTOR_CACHE_MAX = 10_000;

/**
 * Rebuilds what the service needs to enforce permissions itself: the member's teams and the teams they lead.
 * A departed member is refused here, whatever their token says. Resolved actors are kept for a short time
 * (ACTOR_CACHE_TTL_MS) so a burst of requests costs one lookup; changes to a member in this process
 * invalidate at once via `forget`.
 */
@Injectable()
export class ActorContextService {
  private readonly cache = new Map<string, { at: number; resolved: ResolvedActor }>();

  constructor(private readonly ds: DataSource) {}

  async resolve(actor: Actor): Promise<ResolvedActor> {
    const key = `${actor.workspaceId}|${actor.memberId}|${actor.kind ?? 'user'}|${actor.roles.join(',')}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < ACTOR_CACHE_TTL_MS) {
      // The envelope's request id and locale are per request; the rest is the same.
      return { ctx: { ...hit.resolved.ctx, actor }, ability: hit.resolved.ability };
    }
    const resolved = await this.load(actor);
    if (this.cache.size >= ACTOR_CACHE_MAX) this.cache.clear();
    this.cache.set(key, { at: now, resolved });
    return resolved;
  }

  /** Drops what is cached for a member (after a change to their roles, teams or status). */
  forget(memberId: string): void {
    for (const key of this.cache.keys()) if (key.split('|')[1] === memberId) this.cache.delete(key);
  }

  private async load(actor: Actor): Promise<ResolvedActor> {
    let teamIds: string[] = [];
    let ledTeamIds: string[] = [];
    if (actor.kind !== 'system') {
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
