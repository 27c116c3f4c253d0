import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { EVENTS } from '@app/contracts';
import { QueueName, scheduleForWorkspace, ScheduledWorkspace, WorkspaceScheduleSync } from '@app/jobs';
import { DomainEvent, EventHandler, listWorkspaces, RpcClient } from '@app/messaging';
import {
  OPEN_MONTHLY_CYCLE_CRON,
  OpenMonthlyCycleJob,
  REMIND_UNRATED_SCORECARDS_CRON,
  RemindUnratedScorecardsJob,
} from './performance.job';

/**
 * Keeps this service's list of workspaces (and their time zones) and one job scheduler per workspace and job.
 * Workspaces come from account-management at start (retried until it answers), every minute after (new and
 * changed ones only; libs/jobs WorkspaceScheduleSync) and from settings events.
 */
@Injectable()
export class PerformanceSchedulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('performance-schedules');
  private readonly workspaces: WorkspaceScheduleSync;

  constructor(
    private readonly ds: DataSource,
    private readonly rpc: RpcClient,
    @InjectQueue(QueueName.Performance) private readonly queue: Queue,
  ) {
    this.workspaces = new WorkspaceScheduleSync({
      logger: this.logger,
      list: () => listWorkspaces(this.rpc, 'system:performance-evaluation'),
      apply: (w) => this.sync(this.ds.manager, w),
    });
  }

  onApplicationBootstrap(): void {
    // In the background: the service must start even when account-management is not up yet.
    void this.workspaces.start();
  }

  onApplicationShutdown(): void {
    this.workspaces.stop();
  }

  @EventHandler(EVENTS.settingsChanged, 'performance-workspace-time-zone')
  async onSettingsChanged(event: DomainEvent<{ workspaceId: string; timeZone: string }>, m: EntityManager) {
    await this.sync(m, { id: event.payload.workspaceId, timeZone: event.payload.timeZone });
  }

  private async sync(m: EntityManager, workspace: ScheduledWorkspace): Promise<void> {
    await m.query(
      `INSERT INTO workspaces (workspace_id, time_zone) VALUES ($1, $2)
       ON CONFLICT (workspace_id) DO UPDATE SET time_zone = $2, updated_at = now()
       WHERE workspaces.time_zone IS DISTINCT FROM $2`,
      [workspace.id, workspace.timeZone],
    );
    await scheduleForWorkspace(this.queue, OpenMonthlyCycleJob, OPEN_MONTHLY_CYCLE_CRON, workspace);
    await scheduleForWorkspace(
      this.queue,
      RemindUnratedScorecardsJob,
      REMIND_UNRATED_SCORECARDS_CRON,
      workspace,
    );
    // The next re-check of the workspace list skips it until its time zone changes.
    this.workspaces.applied(workspace);
  }
}
