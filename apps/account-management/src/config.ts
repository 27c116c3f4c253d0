import { loadConfigOrExit, serviceSchema } from '@app/config';

export const APP_NAME = 'account-management';
export const SCHEMA = 'account_management';

export const accountManagementSchema = serviceSchema;
export type AccountManagementConfig = ReturnType<typeof loadAccountManagementConfig>;

export function loadAccountManagementConfig() {
  return loadConfigOrExit(accountManagementSchema, APP_NAME);
}
