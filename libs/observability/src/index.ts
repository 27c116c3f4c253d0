export * from './logging';
export * from './health';
export * from './bootstrap';
export * from './metrics';
