import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, ProjectOnTimeQuery, ProjectOnTimeView } from '@app/contracts';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { ProjectsService } from './projects.service';

/** The group key and name of each grouping, as SQL over `project_tasks t` and `members o` (the task's owner). */
const GROUPS = {
  member: { key: 't.owner_id', name: 'o.name' },
  team: { key: 'o.team_id', name: '(SELECT tm.name FROM teams tm WHERE tm.id = o.team_id)' },
} as const;

/**
 * The on-time rate of project tasks done in one month of the workspace's calendar, per task owner or the owner's
 * team: a task is on time when done on or before its due date in the workspace's time zone (`doneOnTime`).
 * Waived tasks are not counted. One set-based query over the projects the caller may read.
 */
@Injectable()
export class ProjectOnTimeService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly projects: ProjectsService,
  ) {}

  async onTime(actor: Actor, query: ProjectOnTimeQuery): Promise<ProjectOnTimeView> {
    const { ability } = await this.actors.resolve(actor);
    const { timeZone } = await this.settings.cached(actor.workspaceId);
    const values: unknown[] = [actor.workspaceId, `${query.month}-01`, timeZone];
    const access = this.projects.where(ability, 'read', values.length);
    values.push(...access.values);
    const g = GROUPS[query.groupBy];
    const rows: { key: string | null; name: string | null; done: number; on_time: number }[] =
      await this.ds.query(
        `SELECT ${g.key} AS key, min(${g.name}) AS name, count(*)::int AS done,
                count(*) FILTER (WHERE (t.done_at AT TIME ZONE $3)::date <= t.due_on)::int AS on_time
         FROM project_tasks t
         JOIN projects p ON p.id = t.project_id
         JOIN accounts a ON a.id = p.account_id
         JOIN members o ON o.id = t.owner_id
         WHERE t.workspace_id = $1 AND NOT t.waived
           AND t.done_at >= ($2::date)::timestamp AT TIME ZONE $3
           AND t.done_at < (($2::date) + interval '1 month')::timestamp AT TIME ZONE $3
           AND (${access.sql})
         GROUP BY ${g.key}
         ORDER BY done DESC, key NULLS LAST`,
        values,
      );
    const rate = (onTime: number, done: number) => (done ? Math.round((onTime / done) * 1000) / 1000 : 0);
    const total = rows.reduce((s, r) => ({ done: s.done + r.done, onTime: s.onTime + r.on_time }), {
      done: 0,
      onTime: 0,
    });
    return {
      groupBy: query.groupBy,
      month: query.month,
      timeZone,
      rows: rows.map((r) => ({
        key: r.key,
        name: r.name,
        done: r.done,
        onTime: r.on_time,
        onTimeRate: rate(r.on_time, r.done),
      })),
      total: { ...total, onTimeRate: rate(total.onTime, total.done) },
    };
  }
}
