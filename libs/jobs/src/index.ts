export * from './queues';
export * from './schedule';
export * from './queue-reachable';
export * from './jobs.module';
export * from './job-metrics';
export * from './run-now';
export * from './workspace-schedule-sync';
