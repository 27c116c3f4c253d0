import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { natsCredentialsOf } from '@app/config';
import { MessagingModule, TransferBucket } from '@app/messaging';
import { PersistenceModule } from '@app/persistence';
import { JobsModule, QueueName } from '@app/jobs';
import { APP_NAME, GATEWAY_CONFIG, GatewayConfig, SCHEMA } from './config';
import { MIGRATIONS } from './migrations';
import { AuthGuard } from './auth/auth.guard';
import { Authenticator } from './auth/authenticator.service';
import { TokenService } from './auth/token.service';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AccessRecorder } from './access-log/access-recorder';
import { OperatorService } from './auth/operator.service';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AccountTransferController } from './accounts/account-transfer.controller';
import { AccountsController } from './accounts/accounts.controller';
import { AccountLifecycleController } from './accounts/account-lifecycle.controller';
import { ArchiveController } from './accounts/archive.controller';
import { RevisitsController } from './revisits/revisits.controller';
import { HealthTendersController } from './account-health/health-tenders.controller';
import { ComplaintsController } from './complaints/complaints.controller';
import { ProjectsController } from './projects/projects.controller';
import { SurveysController } from './surveys/surveys.controller';
import { CommercialController } from './accounts/commercial.controller';
import { SettingsController } from './settings/settings.controller';
import { OrganisationController } from './organisation/organisation.controller';
import { HealthController } from './health/health.controller';
import { DevTokenController } from './dev-auth/dev-token.controller';
import { TabsController } from './tabs/tabs.controller';
import { TabAssets } from './tabs/tab-assets';
import { DocumentsController } from './documents/documents.controller';
import { DocumentControlsController } from './documents/document-controls.controller';
import { CyclesController } from './performance/cycles.controller';
import { ScorecardsController } from './performance/scorecards.controller';
import { TargetsController } from './performance/targets.controller';
import { TemplatesController } from './performance/templates.controller';
import { PayBasesController } from './performance/pay-bases.controller';
import { TrainingsController } from './performance/trainings.controller';
import { CommissionController } from './performance/commission.controller';
import { TeamPerformanceController } from './performance/team-performance.controller';
import { DocumentUpload } from './documents/document-upload';
import { ProblemFilter } from './problem/problem.filter';
import { TwentyWebhookController } from './crm/twenty-webhook.controller';
import { CrmAdminController } from './crm/crm-admin.controller';
import { ProspectCandidatesController } from './crm/prospect-candidates.controller';
import { CrmRedis } from './crm/crm-redis';
import { CrmConnectionService } from './crm/crm-connection.service';
import { CrmJobsService } from './crm/crm-jobs.service';
import { CrmSyncService } from './crm/crm-sync.service';
import { CrmSyncProcessor } from './crm/crm-sync.processor';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        PersistenceModule.forRoot({
          url: config.KAM_DATABASE_URL,
          schema: SCHEMA,
          entities: [],
          migrations: MIGRATIONS,
          poolSize: 5,
          applicationName: APP_NAME,
        }),
        MessagingModule.forRoot({
          url: config.KAM_NATS_URL,
          credentials: natsCredentialsOf(config),
          serviceName: APP_NAME,
          requestTimeoutMs: config.KAM_REQUEST_TIMEOUT_MS,
        }),
        // The gateway's outbox: access-log entries of views, refusals and console actions (issue 14, point 6).
        MessagingModule.events({ pollMs: config.KAM_OUTBOX_POLL_MS }),
        JobsModule.forRoot(config.KAM_REDIS_URL, [QueueName.CrmSync]),
      ],
      controllers: [
        HealthController,
        // Before AccountsController, so /accounts/export and /accounts/import are not taken for an :id.
        AccountTransferController,
        AccountsController,
        AccountLifecycleController,
        ArchiveController,
        RevisitsController,
        HealthTendersController,
        ComplaintsController,
        ProjectsController,
        SurveysController,
        CommercialController,
        SettingsController,
        OrganisationController,
        ApiKeysController,
        TabsController,
        DocumentsController,
        DocumentControlsController,
        CyclesController,
        ScorecardsController,
        TargetsController,
        TemplatesController,
        PayBasesController,
        TrainingsController,
        CommissionController,
        TeamPerformanceController,
        TwentyWebhookController,
        CrmAdminController,
        ProspectCandidatesController,
        // The dev-token endpoint does not exist unless KAM_DEV_AUTH=1.
        ...(config.KAM_DEV_AUTH ? [DevTokenController] : []),
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        TokenService,
        ApiKeysService,
        AccessRecorder,
        OperatorService,
        Authenticator,
        TabAssets,
        DocumentUpload,
        TransferBucket,
        CrmRedis,
        CrmConnectionService,
        CrmJobsService,
        CrmSyncService,
        CrmSyncProcessor,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [Authenticator, AccessRecorder, OperatorService],
    };
  }
}
