import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, ComplaintMetricsQuery, ComplaintMetricsRow, ComplaintMetricsView } from '@app/contracts';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { ComplaintsService } from './complaints.service';

/** The group key and name of each grouping, as SQL over `complaints c`, `accounts a`, `members h` (the handler). */
const GROUPS = {
  account: { key: 'c.account_id', name: 'a.name' },
  member: { key: 'c.handler_id', name: 'h.name' },
  team: { key: 'h.team_id', name: '(SELECT t.name FROM teams t WHERE t.id = h.team_id)' },
} as const;

/**
 * Complaint metrics of one month (in the workspace's time zone) per account, handler or handler's team: first
 * response time, resolution time, resolution rate and breaches. One set-based query over the complaints the
 * caller may read.
 */
@Injectable()
export class ComplaintMetricsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly complaints: ComplaintsService,
  ) {}

  async metrics(actor: Actor, query: ComplaintMetricsQuery): Promise<ComplaintMetricsView> {
    const { ability } = await this.actors.resolve(actor);
    const { timeZone } = await this.settings.cached(actor.workspaceId);
    const values: unknown[] = [actor.workspaceId, `${query.month}-01`, timeZone];
    const access = this.complaints.where(ability, 'read', values.length);
    values.push(...access.values);
    const g = GROUPS[query.groupBy];
    const rows: {
      key: string | null;
      name: string | null;
      received: number;
      responded: number;
      resolved: number;
      avg_response: string | null;
      avg_resolution: string | null;
      breached_response: number;
      breached_resolution: number;
    }[] = await this.ds.query(
      `SELECT ${g.key} AS key, min(${g.name}) AS name,
              count(*)::int AS received,
              count(c.first_responded_at)::int AS responded,
              count(c.resolved_at)::int AS resolved,
              avg(extract(epoch FROM c.first_responded_at - c.received_at) / 60) AS avg_response,
              avg(extract(epoch FROM c.resolved_at - c.received_at) / 60) AS avg_resolution,
              count(*) FILTER (WHERE c.breached_response)::int AS breached_response,
              count(*) FILTER (WHERE c.breached_resolution)::int AS breached_resolution
       FROM complaints c
       JOIN accounts a ON a.id = c.account_id
       LEFT JOIN members h ON h.id = c.handler_id
       WHERE c.workspace_id = $1
         AND c.received_at >= ($2::date)::timestamp AT TIME ZONE $3
         AND c.received_at < (($2::date) + interval '1 month')::timestamp AT TIME ZONE $3
         AND (${access.sql})
       GROUP BY ${g.key}
       ORDER BY received DESC, key NULLS LAST`,
      values,
    );
    const round = (v: string | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);
    return {
      groupBy: query.groupBy,
      month: query.month,
      timeZone,
      rows: rows.map((r): ComplaintMetricsRow => ({
        key: r.key,
        name: r.name,
        received: r.received,
        responded: r.responded,
        resolved: r.resolved,
        resolutionRate: r.received ? Math.round((r.resolved / r.received) * 1000) / 1000 : 0,
        avgFirstResponseMinutes: round(r.avg_response),
        avgResolutionMinutes: round(r.avg_resolution),
        breachedResponse: r.breached_response,
        breachedResolution: r.breached_resolution,
      })),
    };
  }
}
