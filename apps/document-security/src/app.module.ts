import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { PersistenceModule } from '@app/persistence';
import { JobsModule, QueueName } from '@app/jobs';
import { SERVICES } from '@app/contracts';
import { APP_NAME, DocumentSecurityConfig, SCHEMA } from './config';
import { MIGRATIONS } from './migrations';
import { SystemHandler } from './system/system.handler';
import { ExportAccessLogListener } from './access-log/export-access-log.listener';

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
        serviceName: APP_NAME,
        queueGroup: SERVICES.documents.queue,
        requestTimeoutMs: config.KAM_REQUEST_TIMEOUT_MS,
      }),
      MessagingModule.events({ pollMs: config.KAM_OUTBOX_POLL_MS }),
      JobsModule.forRoot(config.KAM_REDIS_URL, [QueueName.Documents]),
    ],
    providers: [SystemHandler, ExportAccessLogListener],
  })
  class DocumentSecurityModule {}
  return DocumentSecurityModule;
}
