/** Pure domain rules of the performance-evaluation service (DESIGN §5): no NestJS, TypeORM or NATS. */
export * from './decimal';
export * from './payout';
export * from './scorecard';
export * from './template';
export * from './ranking';
export * from './targets';
export * from './commission';
export * from './cycle';
