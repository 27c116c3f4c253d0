import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { EVENTS } from '@app/contracts';
import { QueueName, scheduleForWorkspace, ScheduledWorkspace, WorkspaceScheduleSync } from '@app/jobs';
import { DomainEvent, EventHandler, listWorkspaces, RpcClient } from '@app/messaging';
import { storedTimeZone, storeTimeZone } from '../workspaces/workspace-zones';
import {
  EXPIRE_GRANTS_CRON,
  EXPIRE_GRANTS_JOB,
  REMIND_POLICY_ACKNOWLEDGEMENTS_CRON,
  REMIND_POLICY_ACKNOWLEDGEMENTS_JOB,
  VERIFY_ACCESS_LOG_CRON,
  VERIFY_ACCESS_LOG_JOB,
} from './document-jobs';

/** Every periodic document job, each with one scheduler per workspace. */
const JOBS: [name: string, cron: string][] = [
  [VERIFY_ACCESS_LOG_JOB, VERIFY_ACCESS_LOG_CRON],
  [EXPIRE_GRANTS_JOB, EXPIRE_GRANTS_CRON],
  [REMIND_POLICY_ACKNOWLEDGEMENTS_JOB, REMIND_POLICY_ACKNOWLEDGEMENTS_CRON],
];

/**
 * One job scheduler per workspace for each periodic document job, in the workspace's own time zone (as the
 * performance schedules). Workspaces and zones come from account-management's list at start (retried in the
 * background until it answers, so the service starts without it), again every minute (only new and changed ones
 * are upserted; libs/jobs WorkspaceScheduleSync), and from settings.changed events; they are kept in this
 * service's `workspaces` table.
 */
@Injectable()
export class DocumentSchedulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('schedules');
  private readonly workspaces: WorkspaceScheduleSync;
  /** Workspace id → the upsert in progress: one at a time per workspace, so the last zone heard lands last. */
  private readonly busy = new Map<string, Promise<void>>();

  constructor(
    private readonly ds: DataSource,
    private readonly rpc: RpcClient,
    @InjectQueue(QueueName.Documents) private readonly queue: Queue,
  ) {
    this.workspaces = new WorkspaceScheduleSync({
      logger: this.logger,
      list: () => listWorkspaces(this.rpc, 'system:document-security'),
      apply: (w) => this.sync(this.ds.manager, w),
    });
  }

  onApplicationBootstrap(): void {
    void this.workspaces.start();
  }

  onApplicationShutdown(): void {
    this.workspaces.stop();
  }

  @EventHandler(EVENTS.settingsChanged, 'documents-workspace-time-zone')
  async onSettingsChanged(
    event: DomainEvent<{ workspaceId: string; timeZone: string }>,
    m: EntityManager,
  ): Promise<void> {
    const { workspaceId, timeZone } = event.payload;
    if (timeZone) await this.sync(m, { id: workspaceId, timeZone });
  }

  /**
   * Schedules a workspace met before account-management's list named it (e.g. its first document), in the zone
   * last stored for it or the default; the next sync corrects the zone. Cheap after the first call.
   */
  async ensure(workspaceId: string): Promise<void> {
    if (this.workspaces.has(workspaceId)) return;
    await this.serial(workspaceId, async () => {
      if (this.workspaces.has(workspaceId)) return;
      await this.schedule({ id: workspaceId, timeZone: await storedTimeZone(this.ds, workspaceId) });
    });
  }

  private sync(m: EntityManager, workspace: ScheduledWorkspace): Promise<void> {
    return this.serial(workspace.id, async () => {
      await storeTimeZone(m, workspace.id, workspace.timeZone);
      await this.schedule(workspace);
    });
  }

  private async schedule(workspace: ScheduledWorkspace): Promise<void> {
    for (const [name, cron] of JOBS) await scheduleForWorkspace(this.queue, name, cron, workspace);
    this.workspaces.applied(workspace);
  }

  private async serial(workspaceId: string, work: () => Promise<void>): Promise<void> {
    const next = (this.busy.get(workspaceId) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.busy.set(workspaceId, next);
    try {
      await next;
    } finally {
      if (this.busy.get(workspaceId) === next) this.busy.delete(workspaceId);
    }
  }
}
