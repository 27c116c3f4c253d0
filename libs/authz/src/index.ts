export * from './subjects';
export * from './ability';
export * from './sql';
export * from './redact';
export * from './document-rules';
export * from './matrix';
export { subject } from '@casl/ability';
