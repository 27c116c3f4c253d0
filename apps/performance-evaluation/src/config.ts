import { loadConfigOrExit, serviceSchema } from '@app/config';

export const APP_NAME = 'performance-evaluation';
export const SCHEMA = 'performance_evaluation';

export type PerformanceConfig = ReturnType<typeof loadPerformanceConfig>;

export function loadPerformanceConfig() {
  return loadConfigOrExit(serviceSchema, APP_NAME);
}
