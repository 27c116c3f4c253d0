import { exportApprovalThreshold, loadConfigOrExit, serviceSchema } from '@app/config';

export const APP_NAME = 'account-management';
export const SCHEMA = 'account_management';

/** A service, plus the export threshold over which an account CSV export needs an approved request (issue 6). */
export const accountManagementSchema = {
  ...serviceSchema,
  KAM_EXPORT_APPROVAL_THRESHOLD: exportApprovalThreshold,
};
export type AccountManagementConfig = ReturnType<typeof loadAccountManagementConfig>;

export function loadAccountManagementConfig() {
  return loadConfigOrExit(accountManagementSchema, APP_NAME);
}
