export * from './roles';
export * from './envelope';
export * from './errors';
export * from './subjects';
export * from './validation';
export * from './accounts/account.dto';
export * from './accounts/account.view';
export * from './accounts/account-actions.dto';
