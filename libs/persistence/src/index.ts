export * from './data-source';
export * from './common-tables';
export * from './idempotency';
export * from './cursor';
export * from './persistence.module';
