import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { EVENTS, SUBJECTS } from '@app/contracts';
import { QueueName, scheduleForWorkspace } from '@app/jobs';
import { DomainEvent, EventHandler, RpcClient } from '@app/messaging';
import { systemActor } from '../access/performance-access.service';
import {
  OPEN_MONTHLY_CYCLE_CRON,
  OpenMonthlyCycleJob,
  REMIND_UNRATED_SCORECARDS_CRON,
  RemindUnratedScorecardsJob,
} from './performance.job';

const RETRY_MS = 15_000;
/** How often the workspace list is checked for new workspaces and changed time zones. */
const RESYNC_MS = 60_000;

/**
 * Keeps this service's list of workspaces (and their time zones) and one job scheduler per workspace and job.
 * Workspaces come from account-management at start (retried until it answers) and from settings events after.
 */
@Injectable()
export class PerformanceSchedulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('performance-schedules');
  private retry?: NodeJS.Timeout;
  private timer?: NodeJS.Timeout;
  /** Workspace id → the time zone its schedulers were last upserted with. */
  private readonly scheduled = new Map<string, string>();

  constructor(
    private readonly ds: DataSource,
    private readonly rpc: RpcClient,
    @InjectQueue(QueueName.Performance) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: the service must start even when account-management is not up yet.
    void this.syncAll();
    this.timer = setInterval(() => void this.syncAll(false), RESYNC_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.retry);
    clearInterval(this.timer);
  }

  async syncAll(retry = true): Promise<number> {
    try {
      const list = await this.rpc.request<{ workspaceId: string; timeZone: string }[]>(
        SUBJECTS.accounts.workspaceList,
        systemActor('00000000-0000-0000-0000-000000000000'),
        {},
      );
      let changed = 0;
      for (const w of list) {
        if (this.scheduled.get(w.workspaceId) === w.timeZone) continue;
        await this.sync(this.ds.manager, w.workspaceId, w.timeZone);
        changed++;
      }
      if (changed) this.logger.log(`schedules in place for ${changed} workspace(s)`);
      return list.length;
    } catch (e) {
      if (!retry) return 0;
      this.logger.warn(
        `workspaces not available yet (${(e as Error).message}); retrying in ${RETRY_MS / 1000} s`,
      );
      this.retry = setTimeout(() => void this.syncAll(), RETRY_MS);
      this.retry.unref();
      return 0;
    }
  }

  @EventHandler(EVENTS.settingsChanged, 'performance-workspace-time-zone')
  async onSettingsChanged(event: DomainEvent<{ workspaceId: string; timeZone: string }>, m: EntityManager) {
    await this.sync(m, event.payload.workspaceId, event.payload.timeZone);
  }

  private async sync(m: EntityManager, workspaceId: string, timeZone: string): Promise<void> {
    await m.query(
      `INSERT INTO workspaces (workspace_id, time_zone) VALUES ($1, $2)
       ON CONFLICT (workspace_id) DO UPDATE SET time_zone = $2, updated_at = now()
       WHERE workspaces.time_zone IS DISTINCT FROM $2`,
      [workspaceId, timeZone],
    );
    const workspace = { id: workspaceId, timeZone };
    await scheduleForWorkspace(this.queue, OpenMonthlyCycleJob, OPEN_MONTHLY_CYCLE_CRON, workspace);
    await scheduleForWorkspace(
      this.queue,
      RemindUnratedScorecardsJob,
      REMIND_UNRATED_SCORECARDS_CRON,
      workspace,
    );
  }
}
