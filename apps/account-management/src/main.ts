import 'reflect-metadata';
import { bootstrapService } from '@app/observability';
import { APP_NAME, loadAccountManagementConfig } from './config';
import { appModule } from './app.module';

void bootstrapService(APP_NAME, appModule(loadAccountManagementConfig()));
