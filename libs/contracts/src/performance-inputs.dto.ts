import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Role } from './roles';

/**
 * What performance-evaluation asks account-management for (issue 5): the roster, a member's actor context, and
 * the monthly inputs of the scorecards. Request-reply over NATS; every answer costs a fixed number of SQL
 * statements whatever the batch size.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Most members one `metrics.members` request may ask about. */
export const METRICS_MAX_MEMBERS = 2000;
/** Most roster members in one page. */
export const ROSTER_MAX_LIMIT = 1000;
export const ROSTER_DEFAULT_LIMIT = 500;

// ---------------------------------------------------------------------------------------------------------
// kam.accounts.member.roster

/** Every member of the workspace, ordered by id, a page at a time (keyset cursor). */
export class MemberRosterRequest {
  /** Opaque cursor from the previous page's `nextCursor`. */
  @IsOptional() @IsString() @Length(1, 512) cursor?: string;
  /** Page size, 1..1000; 500 by default. */
  @IsOptional() @IsInt() @Min(1) @Max(ROSTER_MAX_LIMIT) limit?: number;
  /** Departed members too (they keep their history); only the active ones by default. */
  @IsOptional() @IsBoolean() includeDeparted?: boolean;
}

export interface RosterMember {
  memberId: string;
  name: string;
  roles: Role[];
  /** The member's current team (one team per member). */
  teamId: string | null;
  teamName: string | null;
  /** The group leader of that team. */
  teamLeaderId: string | null;
  managerId: string | null;
  status: 'active' | 'departed';
}

export interface MemberRosterView {
  items: RosterMember[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// kam.accounts.member.context

/** What another service needs to rebuild the CASL ActorContext of a member (libs/authz). */
export class MemberContextRequest {
  @IsUUID() memberId: string;
}

export class TeamContextRequest {
  @IsUUID() teamId: string;
}

/** A team of the workspace, as another service needs it: that it exists here, and its name. */
export interface TeamContextView {
  id: string;
  name: string;
}

export interface MemberContextView {
  memberId: string;
  /** False for a departed member: their tokens are refused. */
  active: boolean;
  name: string;
  roles: Role[];
  /** Teams the member belongs to (ActorContext.teamIds). */
  teamIds: string[];
  /** Teams the member leads as group leader (ActorContext.ledTeamIds). */
  ledTeamIds: string[];
}

// ---------------------------------------------------------------------------------------------------------
// kam.accounts.metrics.members

/**
 * The monthly inputs of the scorecards of up to 2000 members. `month` is a month of the workspace's calendar
 * (its time zone, from the workspace settings). Every id must be a member of the workspace (departed ones
 * included); a repeated id is answered once.
 */
export class MetricsMembersRequest {
  @IsString() @Matches(MONTH, { message: 'month must be YYYY-MM' }) month: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(METRICS_MAX_MEMBERS)
  @IsUUID('all', { each: true, message: 'each of memberIds must be a UUID' })
  memberIds: string[];
}

/**
 * One member's month. "The member's accounts" are the accounts the member owns NOW (after a handover they
 * count for the successor). Amounts are integer minor units (fen) as decimal strings.
 */
export interface MemberMonthMetrics {
  memberId: string;
  /** Sum of the CNY orders credited to the member with `orderedOn` in the month. Other currencies are not converted and not counted. */
  salesMinor: string;
  /** How many CNY orders that sum is made of. */
  ordersCount: number;
  /**
   * Of `salesMinor`, the orders created from won CRM opportunities (`source: crm_opportunity`), and how many:
   * the pay statement shows them apart (issue 14, point 5).
   */
  crmSalesMinor: string;
  crmOrdersCount: number;
  /** Accounts created in the month that the member owns. */
  newAccounts: number;
  /** Revisits of the member's accounts due in the month (cancelled ones not counted). */
  revisitsDue: number;
  /** Of those, completed (whenever). */
  revisitsCompleted: number;
  /** Of those, completed on or before the due date (workspace calendar). */
  revisitsCompletedOnTime: number;
  /** Average overall score (1-5), 2 decimals, of the surveys answered in the month on the member's accounts; null when none. */
  satisfactionAvg: string | null;
  satisfactionCount: number;
  /** Complaints received in the month on the member's accounts. */
  complaintsReceived: number;
  /** Of those, resolved or closed now. */
  complaintsResolved: number;
  /** Of those, resolved by the resolution deadline (SLA by severity). */
  complaintsResolvedInSla: number;
  /**
   * Project tasks owned by the member with their deadline (`dueOn`) in the month, waived ones not counted (the
   * task is the unit of the projects module's on-time rate, `kam.accounts.project.on-time`).
   */
  projectsDue: number;
  /** Of those, done on or before the deadline in the workspace's calendar (the same rule as the on-time rate). */
  projectsOnTime: number;
}

export interface MetricsMembersView {
  month: string;
  timeZone: string;
  /** The month as instants: from (inclusive) and to (exclusive), ISO 8601 UTC. */
  from: string;
  to: string;
  /** One per distinct requested member, in the order asked. */
  items: MemberMonthMetrics[];
}

// ---------------------------------------------------------------------------------------------------------
// kam.accounts.metrics.teams

export class MetricsTeamsRequest {
  @IsString() @Matches(MONTH, { message: 'month must be YYYY-MM' }) month: string;
}

/** One team's month: figures of the members currently in the team and of the accounts they own now. */
export interface TeamMonthMetrics {
  teamId: string;
  teamName: string;
  leaderId: string | null;
  /** Active members in the team now. */
  memberCount: number;
  /** CNY orders credited to the team's members (current team), as in `kam.accounts.order.sums`. */
  salesMinor: string;
  ordersCount: number;
  revisitsDue: number;
  revisitsCompleted: number;
  complaintsReceived: number;
  complaintsResolved: number;
}

export interface MetricsTeamsView {
  month: string;
  timeZone: string;
  /**
   * The whole workspace's CNY orders of the month (the department's result against its target), for every
   * caller allowed here, a group leader included (an aggregate, no member's figures).
   */
  department: { salesMinor: string; ordersCount: number };
  /** Every team the caller may see (a group leader: the teams they lead), by name. */
  teams: TeamMonthMetrics[];
}
