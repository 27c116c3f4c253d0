import { Initial1732600000000 } from './1732600000000-initial';
import { AccountManagement1732700000000 } from './1732700000000-account-management';
import { AccountSearch1732800000000 } from './1732800000000-account-search';

export const MIGRATIONS = [Initial1732600000000, AccountManagement1732700000000, AccountSearch1732800000000];
