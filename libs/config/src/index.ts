export * from './config';
export * from './schemas';
