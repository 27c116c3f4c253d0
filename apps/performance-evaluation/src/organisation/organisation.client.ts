import { Injectable } from '@nestjs/common';
import {
  Actor,
  KamError,
  MemberContextView,
  MemberRosterView,
  MetricsMembersView,
  MetricsTeamsView,
  METRICS_MAX_MEMBERS,
  ROSTER_MAX_LIMIT,
  RosterMember,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { systemActor } from '../access/performance-access.service';

/**
 * What the evaluation set-up asks account-management about (this service never reads its tables): whether a
 * member or team exists in the workspace, the roster, and the monthly sales of members and teams.
 */
@Injectable()
export class OrganisationClient {
  constructor(private readonly rpc: RpcClient) {}

  /** 404 unless the member belongs to the actor's workspace (departed members included). */
  async requireMember(actor: Actor, memberId: string): Promise<MemberContextView> {
    return this.rpc.request<MemberContextView>(
      SUBJECTS.accounts.memberContext,
      systemActor(actor.workspaceId, actor.requestId),
      { memberId },
    );
  }

  /** 404 unless the team belongs to the actor's workspace; asked as the caller, who may read teams. */
  async requireTeam(actor: Actor, teamId: string): Promise<{ id: string; name: string }> {
    const teams = await this.rpc.request<{ id: string; name: string }[]>(
      SUBJECTS.accounts.teamList,
      actor,
      {},
    );
    const team = teams.find((t) => t.id === teamId);
    if (!team) throw new KamError('team_not_found', { id: teamId });
    return team;
  }

  /** Every active member of the workspace (departed ones too when asked), page by page (system caller). */
  async roster(workspaceId: string, requestId?: string, includeDeparted = false): Promise<RosterMember[]> {
    const out: RosterMember[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page: MemberRosterView = await this.rpc.request(
        SUBJECTS.accounts.memberRoster,
        systemActor(workspaceId, requestId),
        {
          limit: ROSTER_MAX_LIMIT,
          ...(includeDeparted ? { includeDeparted } : {}),
          ...(cursor ? { cursor } : {}),
        },
      );
      out.push(...page.items);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
  }

  /** Each member's sales of the month (fen), asked in batches of at most METRICS_MAX_MEMBERS (system caller). */
  async salesOfMembers(
    workspaceId: string,
    month: string,
    memberIds: string[],
    requestId?: string,
  ): Promise<Map<string, bigint>> {
    const sales = new Map<string, bigint>();
    for (let i = 0; i < memberIds.length; i += METRICS_MAX_MEMBERS) {
      const batch = memberIds.slice(i, i + METRICS_MAX_MEMBERS);
      const view: MetricsMembersView = await this.rpc.request(
        SUBJECTS.accounts.metricsMembers,
        systemActor(workspaceId, requestId),
        { month, memberIds: batch },
      );
      for (const item of view.items) sales.set(item.memberId, BigInt(item.salesMinor));
    }
    return sales;
  }

  /** Every team's figures of the month and the department's (system caller: ranking needs every team). */
  teamsOfMonth(workspaceId: string, month: string, requestId?: string): Promise<MetricsTeamsView> {
    return this.rpc.request(SUBJECTS.accounts.metricsTeams, systemActor(workspaceId, requestId), { month });
  }
}
