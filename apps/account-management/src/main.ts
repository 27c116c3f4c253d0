import 'reflect-metadata';
import { bootstrapService } from '@app/observability';
import { APP_NAME, loadAccountManagementConfig } from './config';
import { appModule } from './app.module';

const config = loadAccountManagementConfig();
void bootstrapService(APP_NAME, appModule(config), config.KAM_LOG_LEVEL, {
  metricsPort: config.KAM_METRICS_PORT,
  metricsHost: config.KAM_METRICS_HOST,
});
