import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
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

/** Keeps one job scheduler per workspace and periodic job, in the workspace's time zone. */
@Injectable()
export class WorkspaceSchedulesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('schedules');

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
  }

  async syncAll(): Promise<number> {
    const workspaces: { id: string; time_zone: string }[] = await this.ds.query(
      `SELECT id, time_zone FROM workspaces`,
    );
    for (const w of workspaces) await this.sync({ id: w.id, timeZone: w.time_zone });
    if (workspaces.length) this.logger.log(`schedules in place for ${workspaces.length} workspace(s)`);
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
