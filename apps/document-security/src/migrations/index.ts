import { DocumentSecurityInitial1732600000000 } from './1732600000000-initial';
import { AccessLog1732800000000 } from './1732800000000-access-log';

export const MIGRATIONS = [DocumentSecurityInitial1732600000000, AccessLog1732800000000];
