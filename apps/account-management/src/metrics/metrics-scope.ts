/**
 * Who may read the monthly scorecard inputs of members and teams (issue 5). Pure rule: no NestJS, TypeORM or
 * NATS. The scorecards are rated by the director and deputy, read by the executive, and a group leader rates
 * their own team (DESIGN §4, row "Scorecard"); other roles read only their own scorecard, in
 * performance-evaluation, which asks here as a system caller.
 */
import type { Role } from '@app/contracts';

export type MetricsScope = { kind: 'all' } | { kind: 'teams'; teamIds: string[] } | { kind: 'none' };

/** Roles that read every member's and team's figures. */
export const METRICS_ALL_ROLES: readonly Role[] = ['director', 'deputy_director', 'executive'];

export function metricsScope(
  actor: { kind?: 'user' | 'api_key' | 'system'; roles: readonly Role[] },
  ledTeamIds: readonly string[],
): MetricsScope {
  if (actor.kind === 'system') return { kind: 'all' };
  if (actor.roles.some((r) => METRICS_ALL_ROLES.includes(r))) return { kind: 'all' };
  if (actor.roles.includes('group_leader')) return { kind: 'teams', teamIds: [...ledTeamIds] };
  return { kind: 'none' };
}

/**
 * Whether the scope covers every requested member, given each member's current team. A group leader may ask
 * only about members of teams they lead (themselves included when they are in such a team).
 */
export function scopeCoversMembers(scope: MetricsScope, teamOfMember: readonly (string | null)[]): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  return teamOfMember.every((t) => t !== null && scope.teamIds.includes(t));
}
