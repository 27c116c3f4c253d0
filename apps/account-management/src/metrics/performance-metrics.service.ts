import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Actor,
  KamError,
  MemberMonthMetrics,
  MetricsMembersRequest,
  MetricsMembersView,
  MetricsTeamsRequest,
  MetricsTeamsView,
  validationError,
} from '@app/contracts';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { metricsScope, scopeCoversMembers } from './metrics-scope';
import { MEMBER_METRICS_SQL, MemberMetricsRow, TEAM_METRICS_SQL, TeamMetricsRow } from './metrics.sql';

/**
 * The monthly inputs of the scorecards (issue 5), asked by performance-evaluation over NATS: per member and per
 * team, one set-based statement per request whatever the batch size (metrics.sql.ts has the definitions).
 * Who may ask: metrics-scope.ts.
 */
@Injectable()
export class PerformanceMetricsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
  ) {}

  async members(actor: Actor, req: MetricsMembersRequest): Promise<MetricsMembersView> {
    const { ctx } = await this.actors.resolve(actor);
    const scope = metricsScope(actor, ctx.ledTeamIds);
    if (scope.kind === 'none') throw new KamError('forbidden');
    const { timeZone } = await this.settings.cached(actor.workspaceId);
    const rows: MemberMetricsRow[] = await this.ds.query(MEMBER_METRICS_SQL, [
      actor.workspaceId,
      req.memberIds,
      `${req.month}-01`,
      timeZone,
    ]);
    const unknown = rows.filter((r) => !r.known).map((r) => r.id);
    if (unknown.length)
      throw validationError([
        {
          field: 'memberIds',
          message: `not members of this workspace: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` (+${unknown.length - 5})` : ''}`,
        },
      ]);
    if (
      !scopeCoversMembers(
        scope,
        rows.map((r) => r.team_id),
      )
    )
      throw new KamError('forbidden');
    return {
      month: req.month,
      timeZone,
      from: rows[0].t0.toISOString(),
      to: rows[0].t1.toISOString(),
      items: rows.map((r): MemberMonthMetrics => ({
        memberId: r.id,
        salesMinor: r.sales,
        ordersCount: r.orders,
        crmSalesMinor: r.crm_sales,
        crmOrdersCount: r.crm_orders,
        newAccounts: r.new_accounts,
        revisitsDue: r.revisits_due,
        revisitsCompleted: r.revisits_done,
        revisitsCompletedOnTime: r.revisits_on_time,
        satisfactionAvg: r.satisfaction_avg,
        satisfactionCount: r.satisfaction_count,
        complaintsReceived: r.complaints_received,
        complaintsResolved: r.complaints_resolved,
        complaintsResolvedInSla: r.complaints_in_sla,
        projectsDue: r.tasks_due,
        projectsOnTime: r.tasks_on_time,
      })),
    };
  }

  async teams(actor: Actor, req: MetricsTeamsRequest): Promise<MetricsTeamsView> {
    const { ctx } = await this.actors.resolve(actor);
    const scope = metricsScope(actor, ctx.ledTeamIds);
    if (scope.kind === 'none') throw new KamError('forbidden');
    const { timeZone } = await this.settings.cached(actor.workspaceId);
    const rows: TeamMetricsRow[] = await this.ds.query(TEAM_METRICS_SQL, [
      actor.workspaceId,
      `${req.month}-01`,
      timeZone,
      scope.kind === 'teams' ? scope.teamIds : null,
    ]);
    return {
      month: req.month,
      timeZone,
      department: { salesMinor: rows[0].dept_sales, ordersCount: rows[0].dept_orders },
      teams: rows
        .filter((r): r is TeamMetricsRow & { id: string; name: string } => r.id !== null)
        .map((r) => ({
          teamId: r.id,
          teamName: r.name,
          leaderId: r.leader_id,
          memberCount: r.member_count,
          salesMinor: r.sales,
          ordersCount: r.orders,
          revisitsDue: r.revisits_due,
          revisitsCompleted: r.revisits_done,
          complaintsReceived: r.complaints_received,
          complaintsResolved: r.complaints_resolved,
        })),
    };
  }
}
