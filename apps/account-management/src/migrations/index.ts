import { Initial1732600000000 } from './1732600000000-initial';
import { AccountManagement1732700000000 } from './1732700000000-account-management';
import { AccountSearch1732800000000 } from './1732800000000-account-search';
import { Revisits1732900000000 } from './1732900000000-revisits';
import { Complaints1732900000100 } from './1732900000100-complaints';
import { OrdersContracts1732900000200 } from './1732900000200-orders-contracts';
import { HandoverOpenItems1732900000300 } from './1732900000300-handover-open-items';
import { Projects1733000000100 } from './1733000000100-projects';
import { Surveys1733000000000 } from './1733000000000-surveys';
import { HealthTenders1733000000200 } from './1733000000200-health-tenders';
import { ContractReminders1733100000000 } from './1733100000000-contract-reminders';
import { PerformanceInputs1733200000000 } from './1733200000000-performance-inputs';
import { CrmProspectCandidates1733700000000 } from './1733700000000-crm-prospect-candidates';
import { SweepIndexes1734200000000 } from './1734200000000-sweep-indexes';
import { IdempotencyCallers1734400000000 } from './1734400000000-idempotency-callers';

export const MIGRATIONS = [
  Initial1732600000000,
  AccountManagement1732700000000,
  AccountSearch1732800000000,
  Revisits1732900000000,
  Complaints1732900000100,
  OrdersContracts1732900000200,
  HandoverOpenItems1732900000300,
  Surveys1733000000000,
  Projects1733000000100,
  HealthTenders1733000000200,
  ContractReminders1733100000000,
  PerformanceInputs1733200000000,
  CrmProspectCandidates1733700000000,
  SweepIndexes1734200000000,
  IdempotencyCallers1734400000000,
];
