export * from './config';
export * from './schemas';
export * from './crm-allowed-hosts';
