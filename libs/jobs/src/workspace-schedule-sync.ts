import { Logger } from '@nestjs/common';

export interface ScheduledWorkspace {
  id: string;
  timeZone: string;
}

export interface WorkspaceScheduleSyncOptions {
  logger: Logger;
  /** Every workspace with its time zone (the service's own table, or account-management's list over NATS). */
  list: () => Promise<ScheduledWorkspace[]>;
  /** Upserts the workspace's job schedulers in its time zone (idempotent). */
  apply: (workspace: ScheduledWorkspace) => Promise<void>;
  /** How often the list is checked again (default 60 s). */
  resyncMs?: number;
  /** While the list cannot be had at start, how long until the next try (default 15 s). */
  retryMs?: number;
}

/**
 * Keeps one job scheduler per workspace and periodic job in the workspace's time zone, for a service: at start
 * (retried in the background until the list can be had, so the service starts without its source), then every
 * minute for workspaces that are new or whose time zone changed — a workspace provisioned while the service runs
 * gets its jobs within a minute, and a changed zone moves them. Event-driven upserts report through `applied`.
 */
export class WorkspaceScheduleSync {
  /** Workspace id → the time zone its schedulers were last upserted with. */
  private readonly scheduled = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private syncing?: Promise<number>;

  constructor(private readonly o: WorkspaceScheduleSyncOptions) {}

  /** The first sync (its promise: await it to start with every schedule in place), then the periodic re-check. */
  start(): Promise<number> {
    this.timer = setInterval(() => void this.syncAll(false), this.o.resyncMs ?? 60_000);
    this.timer.unref();
    return this.syncAll(true);
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.retry);
  }

  /** Upserts every workspace that is new or whose zone changed; the number of workspaces listed (0 on failure). */
  syncAll(retry = false): Promise<number> {
    // One pass at a time: a tick during a long first pass waits for it instead of upserting the same again.
    this.syncing ??= this.pass(retry).finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** Whether the workspace's schedulers are in place, in any zone. */
  has(workspaceId: string): boolean {
    return this.scheduled.has(workspaceId);
  }

  /** Records an upsert made outside a pass (a settings event, a first use). */
  applied(workspace: ScheduledWorkspace): void {
    this.scheduled.set(workspace.id, workspace.timeZone);
  }

  private async pass(retry: boolean): Promise<number> {
    let list: ScheduledWorkspace[];
    try {
      list = await this.o.list();
    } catch (e) {
      if (!retry) {
        this.o.logger.warn(`workspace list not available (${(e as Error).message}); next check in a minute`);
        return 0;
      }
      const ms = this.o.retryMs ?? 15_000;
      this.o.logger.warn(
        `workspaces not available yet (${(e as Error).message}); retrying in ${ms / 1000} s`,
      );
      this.retry = setTimeout(() => void this.syncAll(true), ms);
      this.retry.unref();
      return 0;
    }
    let changed = 0;
    for (const w of list) {
      if (this.scheduled.get(w.id) === w.timeZone) continue;
      try {
        await this.o.apply(w);
        this.applied(w);
        changed++;
      } catch (e) {
        // Not marked as scheduled: tried again at the next pass.
        this.o.logger.warn(`schedules of workspace ${w.id} not updated: ${(e as Error).message}`);
      }
    }
    if (changed) this.o.logger.log(`schedules in place for ${changed} workspace(s)`);
    return list.length;
  }
}
