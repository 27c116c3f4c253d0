import 'reflect-metadata';
import { bootstrapService } from '@app/observability';
import { APP_NAME, loadPerformanceConfig } from './config';
import { appModule } from './app.module';

void bootstrapService(APP_NAME, appModule(loadPerformanceConfig()));
