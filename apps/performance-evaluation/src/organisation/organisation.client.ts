import { Injectable } from '@nestjs/common';
import {
  Actor,
  MemberContextView,
  MemberMonthMetrics,
  MemberRosterView,
  MetricsMembersView,
  MetricsTeamsView,
  METRICS_MAX_MEMBERS,
  ROSTER_MAX_LIMIT,
  RosterMember,
  SUBJECTS,
  TeamContextView,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { systemActor } from '../access/performance-access.service';

/**
 * How many metrics requests this process has in flight at once, over every cycle being collected: on the 1st the
 * cycles of many workspaces open together, and account-management must keep connections for everything else
 * (each batch is a heavy aggregate). Requests beyond it wait their turn here, not in account-management's pool.
 */
const METRIC_REQUESTS_IN_FLIGHT = 4;
/** A month's aggregates may take a while on a large workspace under load. */
const METRICS_TIMEOUT_MS = 30_000;

/**
 * What the evaluation set-up asks account-management about (this service never reads its tables): whether a
 * member or team exists in the workspace, the roster, and the monthly sales of members and teams.
 */
@Injectable()
export class OrganisationClient {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly rpc: RpcClient) {}

  /** Runs `work` in one of the process's METRIC_REQUESTS_IN_FLIGHT slots (first come, first served). */
  private async inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < METRIC_REQUESTS_IN_FLIGHT) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** 404 unless the member belongs to the actor's workspace (departed members included). */
  async requireMember(actor: Actor, memberId: string): Promise<MemberContextView> {
    return this.rpc.request<MemberContextView>(
      SUBJECTS.accounts.memberContext,
      systemActor(actor.workspaceId, actor.requestId),
      { memberId },
    );
  }

  /** 404 unless the team belongs to the actor's workspace (system caller, like every call of this service). */
  async requireTeam(actor: Actor, teamId: string): Promise<TeamContextView> {
    return this.rpc.request<TeamContextView>(
      SUBJECTS.accounts.teamContext,
      systemActor(actor.workspaceId, actor.requestId),
      { teamId },
    );
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

  /**
   * Each member's inputs of the month, METRICS_MAX_MEMBERS per request with a few requests in flight (system
   * caller); also the workspace's time zone the month was counted in.
   */
  async metricsOfMembers(
    workspaceId: string,
    month: string,
    memberIds: string[],
    requestId?: string,
  ): Promise<{ items: Map<string, MemberMonthMetrics>; timeZone: string | null }> {
    const batches: string[][] = [];
    for (let i = 0; i < memberIds.length; i += METRICS_MAX_MEMBERS)
      batches.push(memberIds.slice(i, i + METRICS_MAX_MEMBERS));
    const items = new Map<string, MemberMonthMetrics>();
    let timeZone: string | null = null;
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const view = await this.inSlot(() =>
          this.rpc.request<MetricsMembersView>(
            SUBJECTS.accounts.metricsMembers,
            systemActor(workspaceId, requestId),
            { month, memberIds: batch },
            { timeoutMs: METRICS_TIMEOUT_MS },
          ),
        );
        timeZone = view.timeZone;
        for (const item of view.items) items.set(item.memberId, item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(METRIC_REQUESTS_IN_FLIGHT, batches.length) }, worker));
    return { items, timeZone };
  }

  /** Each member's sales of the month (fen). */
  async salesOfMembers(
    workspaceId: string,
    month: string,
    memberIds: string[],
    requestId?: string,
  ): Promise<Map<string, bigint>> {
    const { items } = await this.metricsOfMembers(workspaceId, month, memberIds, requestId);
    return new Map([...items].map(([id, m]) => [id, BigInt(m.salesMinor)]));
  }

  /** Every team's figures of the month and the department's (system caller: ranking needs every team). */
  teamsOfMonth(workspaceId: string, month: string, requestId?: string): Promise<MetricsTeamsView> {
    return this.inSlot(() =>
      this.rpc.request<MetricsTeamsView>(
        SUBJECTS.accounts.metricsTeams,
        systemActor(workspaceId, requestId),
        { month },
        { timeoutMs: METRICS_TIMEOUT_MS },
      ),
    );
  }
}
