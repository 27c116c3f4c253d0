import { Module } from '@nestjs/common';
import { natsCredentialsOf } from '@app/config';
import { MessagingModule, TransferBucket } from '@app/messaging';
import { PersistenceModule } from '@app/persistence';
import { JobsModule, PERIODIC_JOBS, QueueName } from '@app/jobs';
import { SERVICES } from '@app/contracts';
import { APP_NAME, DocumentSecurityConfig, SCHEMA } from './config';
import { MIGRATIONS } from './migrations';
import { SystemHandler } from './system/system.handler';
import { GatewayAccessLogListener } from './access-log/gateway-access-log.listener';
import { ExportAccessLogListener } from './access-log/export-access-log.listener';
import { AccessLogWriter } from './access-log/access-log.writer';
import { AccessLogService } from './access-log/access-log.service';
import { AccessLogHandler } from './access-log/access-log.handler';
import { KEY_RING, KeyRing } from './keys/key-ring';
import { DocumentAccess } from './documents/document-access';
import { DOCUMENT_MAX_BYTES, DocumentsService } from './documents/documents.service';
import { DocumentGrantsService, GRANT_MAX_DAYS } from './documents/document-grants.service';
import { DocumentsHandler } from './documents/documents.handler';
import { DocumentJobs } from './documents/document-jobs';
import { DocumentSchedulesService } from './documents/document-schedules.service';
import { EXPORT_APPROVAL_THRESHOLD, ExportRequestsService } from './export-requests/export-requests.service';
import { ExportRequestsHandler } from './export-requests/export-requests.handler';
import { PoliciesService } from './policies/policies.service';
import { PoliciesHandler } from './policies/policies.handler';
import { MemberDepartedListener } from './departure/member-departed.listener';

export function appModule(config: DocumentSecurityConfig) {
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
        queueGroup: SERVICES.documents.queue,
        requestTimeoutMs: config.KAM_REQUEST_TIMEOUT_MS,
      }),
      MessagingModule.events({ pollMs: config.KAM_OUTBOX_POLL_MS }),
      JobsModule.forRoot(config.KAM_REDIS_URL, [QueueName.Documents]),
    ],
    providers: [
      SystemHandler,
      ExportAccessLogListener,
      GatewayAccessLogListener,
      AccessLogWriter,
      AccessLogService,
      AccessLogHandler,
      { provide: KEY_RING, useValue: KeyRing.fromEnv(config.KAM_DOCUMENT_MASTER_KEYS) },
      { provide: DOCUMENT_MAX_BYTES, useValue: config.KAM_DOCUMENT_MAX_BYTES },
      { provide: PERIODIC_JOBS, useValue: config.KAM_PERIODIC_JOBS },
      TransferBucket,
      DocumentAccess,
      DocumentsService,
      DocumentGrantsService,
      DocumentsHandler,
      DocumentJobs,
      DocumentSchedulesService,
      { provide: EXPORT_APPROVAL_THRESHOLD, useValue: config.KAM_EXPORT_APPROVAL_THRESHOLD },
      { provide: GRANT_MAX_DAYS, useValue: config.KAM_GRANT_MAX_DAYS },
      ExportRequestsService,
      ExportRequestsHandler,
      PoliciesService,
      PoliciesHandler,
      MemberDepartedListener,
    ],
  })
  class DocumentSecurityModule {}
  return DocumentSecurityModule;
}
