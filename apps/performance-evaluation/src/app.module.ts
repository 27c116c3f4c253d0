import { Module } from '@nestjs/common';
import { natsCredentialsOf } from '@app/config';
import { MessagingModule } from '@app/messaging';
import { PersistenceModule } from '@app/persistence';
import { JobsModule, PERIODIC_JOBS, QueueName } from '@app/jobs';
import { SERVICES } from '@app/contracts';
import { APP_NAME, PerformanceConfig, SCHEMA } from './config';
import { MIGRATIONS } from './migrations';
import { SystemHandler } from './system/system.handler';
import { NewAccountCreditsListener } from './credits/new-account-credits.listener';
import { CreditsHandler } from './credits/credits.handler';
import { PerformanceAccess } from './access/performance-access.service';
import { ScorecardCollector } from './cycles/scorecard-collector.service';
import { CyclesService } from './cycles/cycles.service';
import { CyclesHandler } from './cycles/cycles.handler';
import { ScorecardsService } from './scorecards/scorecards.service';
import { ScorecardsHandler } from './scorecards/scorecards.handler';
import { PerformanceJobsProcessor } from './jobs/performance.job';
import { PerformanceSchedulesService } from './jobs/performance-schedules.service';
import { OrganisationClient } from './organisation/organisation.client';
import { TargetsService } from './targets/targets.service';
import { TargetsHandler } from './targets/targets.handler';
import { TemplatesService } from './templates/templates.service';
import { TemplatesHandler } from './templates/templates.handler';
import { PayBasesService } from './pay-bases/pay-bases.service';
import { PayBasesHandler } from './pay-bases/pay-bases.handler';
import { TrainingsService } from './trainings/trainings.service';
import { TrainingsHandler } from './trainings/trainings.handler';
import { CommissionService } from './commission/commission.service';
import { CommissionHandler } from './commission/commission.handler';
import { TeamPerformanceService } from './team-performance/team-performance.service';
import { TeamPerformanceHandler } from './team-performance/team-performance.handler';

export function appModule(config: PerformanceConfig) {
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
        queueGroup: SERVICES.performance.queue,
        requestTimeoutMs: config.KAM_REQUEST_TIMEOUT_MS,
      }),
      MessagingModule.events({ pollMs: config.KAM_OUTBOX_POLL_MS }),
      JobsModule.forRoot(config.KAM_REDIS_URL, [QueueName.Performance]),
    ],
    providers: [
      { provide: PERIODIC_JOBS, useValue: config.KAM_PERIODIC_JOBS },
      SystemHandler,
      NewAccountCreditsListener,
      CreditsHandler,
      PerformanceAccess,
      ScorecardCollector,
      CyclesService,
      CyclesHandler,
      ScorecardsService,
      ScorecardsHandler,
      PerformanceJobsProcessor,
      PerformanceSchedulesService,
      // Evaluation set-up: targets, templates, pay bases, training, commission, team performance.
      OrganisationClient,
      TargetsService,
      TargetsHandler,
      TemplatesService,
      TemplatesHandler,
      PayBasesService,
      PayBasesHandler,
      TrainingsService,
      TrainingsHandler,
      CommissionService,
      CommissionHandler,
      TeamPerformanceService,
      TeamPerformanceHandler,
    ],
  })
  class PerformanceEvaluationModule {}
  return PerformanceEvaluationModule;
}
