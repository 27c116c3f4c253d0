import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  accessibleWherePositional,
  Action,
  ActorContext,
  defineAbilityFor,
  FieldMap,
  KamAbility,
  PositionalSqlCondition,
  PerformanceSubject,
  RecordSubject,
  column,
  subject,
} from '@app/authz';
import { Actor, KamError, SUBJECTS } from '@app/contracts';
import { RpcClient } from '@app/messaging';

/** Performance records judged by the evaluated member and their team. */
export type PerformanceRecord = Extract<RecordSubject, 'Scorecard' | 'CommissionStatement'>;

/** How the CASL condition fields of scorecards and statements read in SQL (alias `s`). */
export const SCORECARD_FIELDS: FieldMap = {
  memberId: column('s.member_id'),
  teamId: column('s.team_id'),
  published: column(`(s.status NOT IN ('draft', 'rated'))`),
};
export const STATEMENT_FIELDS: FieldMap = {
  memberId: column('s.member_id'),
  teamId: column('s.team_id'),
  published: column(`(s.status = 'approved')`),
};

export interface ResolvedPerformanceActor {
  ctx: ActorContext;
  ability: KamAbility;
}

/** How long a member's teams are reused by this process (the same budget account-management uses). */
const CONTEXT_TTL_MS = 2000;

/**
 * The one access path of this service: the member's teams come from account-management over NATS (this service
 * never reads its tables), the CASL ability is rebuilt from the envelope, and record conditions become SQL.
 * A departed member is refused here whatever their token says.
 */
@Injectable()
export class PerformanceAccess {
  private readonly cache = new Map<string, { at: number; resolved: ResolvedPerformanceActor }>();

  constructor(private readonly rpc: RpcClient) {}

  async resolve(actor: Actor): Promise<ResolvedPerformanceActor> {
    const key = `${actor.workspaceId}|${actor.memberId}|${actor.kind ?? 'user'}|${actor.roles.join(',')}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CONTEXT_TTL_MS) return hit.resolved;
    let teamIds: string[] = [];
    let ledTeamIds: string[] = [];
    if (actor.kind !== 'system') {
      const c = await this.rpc.request<{ active: boolean; teamIds: string[]; ledTeamIds: string[] }>(
        SUBJECTS.accounts.memberContext,
        systemActor(actor.workspaceId, actor.requestId),
        { memberId: actor.memberId },
      );
      if (!c.active) throw new KamError('member_departed');
      teamIds = c.teamIds;
      ledTeamIds = c.ledTeamIds;
    }
    const ctx: ActorContext = { actor, teamIds, ledTeamIds };
    const resolved = { ctx, ability: defineAbilityFor(ctx) };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { at: Date.now(), resolved });
    return resolved;
  }

  /** 403 unless the actor may do `action` on some `subject` (set-up subjects and a first filter for records). */
  async require(
    actor: Actor,
    action: Action,
    subject: PerformanceSubject | PerformanceRecord,
  ): Promise<KamAbility> {
    if (actor.kind === 'system') return defineAbilityFor({ actor, teamIds: [], ledTeamIds: [] });
    const { ability } = await this.resolve(actor);
    if (!ability.can(action, subject)) throw new KamError('forbidden');
    return ability;
  }

  /**
   * The SQL condition (alias `s`) for the records of `subject` the actor may `action`, numbered after `offset`;
   * null when none. System actors (jobs) see everything in their workspace.
   */
  async where(
    actor: Actor,
    action: Action,
    subject: PerformanceRecord,
    offset: number,
  ): Promise<PositionalSqlCondition | null> {
    if (actor.kind === 'system') return { sql: 'TRUE', values: [] };
    const { ability } = await this.resolve(actor);
    const fields = subject === 'Scorecard' ? SCORECARD_FIELDS : STATEMENT_FIELDS;
    return accessibleWherePositional(ability, action, subject, fields, offset);
  }

  /** Whether the actor may `action` this one record (judged like the SQL condition). */
  async canOn(
    actor: Actor,
    action: Action,
    name: PerformanceRecord,
    record: { memberId: string; teamId: string | null; published: boolean },
  ): Promise<boolean> {
    if (actor.kind === 'system') return true;
    const { ability } = await this.resolve(actor);
    return ability.can(action, subject(name, { ownerId: '', ...record }) as Parameters<KamAbility['can']>[1]);
  }
}

/** The envelope of a job or a service-to-service call on behalf of a workspace. */
export function systemActor(workspaceId: string, requestId: string = randomUUID()): Actor {
  return {
    workspaceId,
    memberId: '00000000-0000-0000-0000-000000000000',
    roles: [],
    requestId,
    kind: 'system',
  };
}
