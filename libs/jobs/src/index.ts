export * from './queues';
export * from './schedule';
export * from './jobs.module';
