import 'reflect-metadata';
import { bootstrapService } from '@app/observability';
import { APP_NAME, loadDocumentSecurityConfig } from './config';
import { appModule } from './app.module';

void bootstrapService(APP_NAME, appModule(loadDocumentSecurityConfig()));
