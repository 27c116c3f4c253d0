import { DocumentSecurityInitial1732600000000 } from './1732600000000-initial';
import { AccessLog1732800000000 } from './1732800000000-access-log';
import { Documents1733200000000 } from './1733200000000-documents';
import { DocumentControls1733800000000 } from './1733800000000-document-controls';
import { Workspaces1734000000000 } from './1734000000000-workspaces';
import { IdempotencyCallers1734400000000 } from './1734400000000-idempotency-callers';

export const MIGRATIONS = [
  DocumentSecurityInitial1732600000000,
  AccessLog1732800000000,
  Documents1733200000000,
  DocumentControls1733800000000,
  Workspaces1734000000000,
  IdempotencyCallers1734400000000,
];
