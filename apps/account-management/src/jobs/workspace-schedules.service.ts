import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QueueName, scheduleForWorkspace, ScheduledWorkspace, WorkspaceScheduleSync } from '@app/jobs';
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

/**
 * Keeps one job scheduler per workspace and periodic job, in the workspace's time zone: at start, then every
 * minute for workspaces that are new or whose time zone changed (libs/jobs WorkspaceScheduleSync: a workspace
 * provisioned while the service runs gets its daily jobs within a minute; a changed zone moves them).
 */
@Injectable()
export class WorkspaceSchedulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('schedules');
  private readonly workspaces: WorkspaceScheduleSync;

  constructor(
    ds: DataSource,
    @InjectQueue(QueueName.AccountMaintenance) private readonly maintenance: Queue,
    @InjectQueue(QueueName.Revisits) private readonly revisits: Queue,
    @InjectQueue(QueueName.Complaints) private readonly complaints: Queue,
    @InjectQueue(QueueName.AccountHealth) private readonly health: Queue,
    @InjectQueue(QueueName.Surveys) private readonly surveys: Queue,
  ) {
    this.workspaces = new WorkspaceScheduleSync({
      logger: this.logger,
      list: () => ds.query(`SELECT id, time_zone AS "timeZone" FROM workspaces`),
      apply: (w) => this.sync(w),
    });
  }

  /** Every workspace's schedules are in place when the service has started (its own table is the list). */
  async onApplicationBootstrap(): Promise<void> {
    await this.workspaces.start();
  }

  onApplicationShutdown(): void {
    this.workspaces.stop();
  }

  async sync(workspace: ScheduledWorkspace): Promise<void> {
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
