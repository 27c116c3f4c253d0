import { Module } from '@nestjs/common';
import { natsCredentialsOf } from '@app/config';
import { MessagingModule } from '@app/messaging';
import { PersistenceModule } from '@app/persistence';
import { JobsModule, PERIODIC_JOBS, QueueName } from '@app/jobs';
import { SERVICES } from '@app/contracts';
import { AccountManagementConfig, APP_NAME, SCHEMA } from './config';
import { MIGRATIONS } from './migrations';
import { ActorContextService } from './organisation/actor-context.service';
import { PerformanceNotificationsListener } from './notifications/performance-notifications.listener';
import { PolicyNotificationsListener } from './notifications/policy-notifications.listener';
import { OrganisationHandler } from './organisation/organisation.handler';
import { OrganisationService } from './organisation/organisation.service';
import { HandoverService } from './organisation/handover.service';
import { MemberDirectoryService } from './organisation/member-directory.service';
import { PerformanceMetricsService } from './metrics/performance-metrics.service';
import { PerformanceInputsHandler } from './metrics/performance-inputs.handler';
import { AccountsService } from './accounts/accounts.service';
import { AccountsHandler } from './accounts/accounts.handler';
import { SystemHandler } from './system/system.handler';
import { AccountRepository } from './accounts/account.repository';
import { AccountLifecycleService } from './accounts/account-lifecycle.service';
import { AccountLifecycleHandler } from './accounts/account-lifecycle.handler';
import { AccountExportService, EXPORT_APPROVAL_THRESHOLD } from './accounts/account-export.service';
import { AccountImportService } from './accounts/account-import.service';
import { AccountTransferHandler } from './accounts/account-transfer.handler';
import { AccountRelationsHandler } from './accounts/account-relations.handler';
import { ArchiveAccess } from './archive/archive-access';
import { ContactsService } from './archive/contacts.service';
import { CommunicationRecordsService } from './archive/communication-records.service';
import { AccountPlansService } from './archive/account-plans.service';
import { ArchiveHandler } from './archive/archive.handler';
import { CommercialAccess } from './commercial/commercial-access';
import { OrdersService } from './commercial/orders.service';
import { ContractsService } from './commercial/contracts.service';
import { CommercialHandler } from './commercial/commercial.handler';
import { WorkspaceSettingsService } from './workspace/workspace-settings.service';
import { WorkspaceSettingsHandler } from './workspace/workspace-settings.handler';
import { PurgeIdempotencyKeysJob } from './jobs/purge-idempotency-keys.job';
import { WorkspaceSchedulesService } from './jobs/workspace-schedules.service';
import { CreateDueRevisitsJob } from './jobs/create-due-revisits.job';
import { RevisitAccess } from './revisits/revisit-access';
import { RevisitsService } from './revisits/revisits.service';
import { RevisitSweepService } from './revisits/revisit-sweep.service';
import { RevisitSweepRunner } from './revisits/revisit-sweep-runner';
import { NotificationsService } from './revisits/notifications.service';
import { RevisitsHandler } from './revisits/revisits.handler';
import { ComplaintsService } from './complaints/complaints.service';
import { ComplaintMetricsService } from './complaints/complaint-metrics.service';
import { ComplaintsHandler } from './complaints/complaints.handler';
import { MarkComplaintBreachesJob } from './complaints/mark-complaint-breaches.job';
import { HealthAccess } from './health/health-access';
import { HealthSweepService } from './health/health-sweep.service';
import { TenderRemindersService } from './health/tender-reminders.service';
import { ContractRemindersService } from './commercial/contract-reminders.service';
import { ContractExpiryService } from './commercial/contract-expiry.service';
import { RisksService } from './health/risks.service';
import { TendersService } from './health/tenders.service';
import { DailyJobRunner } from './health/daily-job-runner';
import { HealthHandler } from './health/health.handler';
import { AccountHealthJobs } from './jobs/account-health.job';
import { ProjectsService } from './projects/projects.service';
import { ProjectOnTimeService } from './projects/project-on-time.service';
import { ProjectsHandler } from './projects/projects.handler';
import { SurveysService } from './surveys/surveys.service';
import { SurveysHandler } from './surveys/surveys.handler';
import { ScheduleSatisfactionSurveysJob } from './surveys/schedule-satisfaction-surveys.job';
import { CrmRecordsService } from './crm/crm-records.service';
import { CrmConnectionNotices } from './crm/crm-connection-notices.service';
import { ProspectCandidatesService } from './crm/prospect-candidates.service';
import { CrmHandler } from './crm/crm.handler';

export function appModule(config: AccountManagementConfig) {
  @Module({
    imports: [
      PersistenceModule.forRoot({
        url: config.KAM_DATABASE_URL,
        schema: SCHEMA,
        entities: [],
        migrations: MIGRATIONS,
        poolSize: config.KAM_DB_POOL_SIZE,
        applicationName: APP_NAME,
      }),
      MessagingModule.forRoot({
        url: config.KAM_NATS_URL,
        credentials: natsCredentialsOf(config),
        serviceName: APP_NAME,
        queueGroup: SERVICES.accounts.queue,
        requestTimeoutMs: config.KAM_REQUEST_TIMEOUT_MS,
      }),
      MessagingModule.events({ pollMs: config.KAM_OUTBOX_POLL_MS }),
      JobsModule.forRoot(config.KAM_REDIS_URL, [
        QueueName.AccountMaintenance,
        QueueName.Revisits,
        QueueName.Complaints,
        QueueName.AccountHealth,
        QueueName.Surveys,
      ]),
    ],
    providers: [
      { provide: PERIODIC_JOBS, useValue: config.KAM_PERIODIC_JOBS },
      { provide: EXPORT_APPROVAL_THRESHOLD, useValue: config.KAM_EXPORT_APPROVAL_THRESHOLD },
      ActorContextService,
      PerformanceNotificationsListener,
      PolicyNotificationsListener,
      OrganisationHandler,
      OrganisationService,
      HandoverService,
      MemberDirectoryService,
      PerformanceMetricsService,
      PerformanceInputsHandler,
      AccountRepository,
      AccountsService,
      AccountsHandler,
      AccountLifecycleService,
      AccountLifecycleHandler,
      AccountExportService,
      AccountImportService,
      AccountTransferHandler,
      AccountRelationsHandler,
      ArchiveAccess,
      ContactsService,
      CommunicationRecordsService,
      AccountPlansService,
      ArchiveHandler,
      CommercialAccess,
      OrdersService,
      ContractsService,
      CommercialHandler,
      WorkspaceSettingsService,
      WorkspaceSettingsHandler,
      SystemHandler,
      PurgeIdempotencyKeysJob,
      WorkspaceSchedulesService,
      RevisitAccess,
      RevisitsService,
      RevisitSweepService,
      RevisitSweepRunner,
      NotificationsService,
      RevisitsHandler,
      CreateDueRevisitsJob,
      ComplaintsService,
      ComplaintMetricsService,
      ComplaintsHandler,
      MarkComplaintBreachesJob,
      HealthAccess,
      HealthSweepService,
      TenderRemindersService,
      ContractRemindersService,
      ContractExpiryService,
      RisksService,
      TendersService,
      DailyJobRunner,
      HealthHandler,
      AccountHealthJobs,
      ProjectsService,
      ProjectOnTimeService,
      ProjectsHandler,
      SurveysService,
      SurveysHandler,
      ScheduleSatisfactionSurveysJob,
      CrmRecordsService,
      CrmConnectionNotices,
      ProspectCandidatesService,
      CrmHandler,
    ],
  })
  class AccountManagementModule {}
  return AccountManagementModule;
}
