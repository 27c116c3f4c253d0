export * from './subjects';
export * from './ability';
export * from './sql';
export * from './redact';
export { subject } from '@casl/ability';
