import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QueueName, scheduleForWorkspace } from '@app/jobs';
import { PURGE_IDEMPOTENCY_KEYS_CRON, PurgeIdempotencyKeysJob } from './purge-idempotency-keys.job';
import { CREATE_DUE_REVISITS_CRON, CreateDueRevisitsJob } from './create-due-revisits.job';
import {
  MARK_COMPLAINT_BREACHES_CRON,
  MarkComplaintBreachesJob,
} from '../complaints/mark-complaint-breaches.job';
import {
  CONTRACT_RENEWAL_REMINDERS_CRON,
  ContractRenewalRemindersJob,
  SCORE_ACCOUNT_HEALTH_CRON,
  ScoreAccountHealthJob,
  TENDER_DEADLINE_REMINDERS_CRON,
  TenderDeadlineRemindersJob,
} from './account-health.job';
import {
  SCHEDULE_SATISFACTION_SURVEYS_CRON,
  ScheduleSatisfactionSurveysJob,
} from '../surveys/schedule-satisfaction-surveys.job';

/** How often workspaces are checked for new ones and changed time zones. */
export const SCHEDULE_RESYNC_MS = 60_000;

/**
 * Keeps one job scheduler per workspace and periodic job, in the workspace's time zone: at start, then every
 * minute for workspaces that are new or whose time zone changed (a workspace provisioned while the service runs
 * gets its daily jobs within a minute; a changed zone moves them).
 */
@Injectable()
export class WorkspaceSchedulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('schedules');
  /** Workspace id → the time zone its schedulers were last upserted with. */
  private readonly scheduled = new Map<string, string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ds: DataSource,
    @InjectQueue(QueueName.AccountMaintenance) private readonly maintenance: Queue,
    @InjectQueue(QueueName.Revisits) private readonly revisits: Queue,
    @InjectQueue(QueueName.Complaints) private readonly complaints: Queue,
    @InjectQueue(QueueName.AccountHealth) private readonly health: Queue,
    @InjectQueue(QueueName.Surveys) private readonly surveys: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.syncAll();
    this.timer = setInterval(() => {
      this.syncAll().catch((e: unknown) =>
        this.logger.warn(`schedule resync failed: ${(e as Error).message}`),
      );
    }, SCHEDULE_RESYNC_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Upserts the schedulers of every workspace that is new to this process or whose time zone changed. */
  async syncAll(): Promise<number> {
    const workspaces: { id: string; time_zone: string }[] = await this.ds.query(
      `SELECT id, time_zone FROM workspaces`,
    );
    let changed = 0;
    for (const w of workspaces) {
      if (this.scheduled.get(w.id) === w.time_zone) continue;
      await this.sync({ id: w.id, timeZone: w.time_zone });
      this.scheduled.set(w.id, w.time_zone);
      changed++;
    }
    if (changed) this.logger.log(`schedules in place for ${changed} workspace(s)`);
    return workspaces.length;
  }

  async sync(workspace: { id: string; timeZone: string }): Promise<void> {
    await scheduleForWorkspace(
      this.maintenance,
      PurgeIdempotencyKeysJob.name,
      PURGE_IDEMPOTENCY_KEYS_CRON,
      workspace,
    );
    await scheduleForWorkspace(this.revisits, CreateDueRevisitsJob.name, CREATE_DUE_REVISITS_CRON, workspace);
    await scheduleForWorkspace(
      this.complaints,
      MarkComplaintBreachesJob.name,
      MARK_COMPLAINT_BREACHES_CRON,
      workspace,
    );
    await scheduleForWorkspace(this.health, ScoreAccountHealthJob.name, SCORE_ACCOUNT_HEALTH_CRON, workspace);
    await scheduleForWorkspace(
      this.health,
      TenderDeadlineRemindersJob.name,
      TENDER_DEADLINE_REMINDERS_CRON,
      workspace,
    );
    await scheduleForWorkspace(
      this.health,
      ContractRenewalRemindersJob.name,
      CONTRACT_RENEWAL_REMINDERS_CRON,
      workspace,
    );
    await scheduleForWorkspace(
      this.surveys,
      ScheduleSatisfactionSurveysJob.name,
      SCHEDULE_SATISFACTION_SURVEYS_CRON,
      workspace,
    );
  }
}
