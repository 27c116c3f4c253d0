import { GatewayInitial1732600000000 } from './1732600000000-initial';
import { GatewayCrm1733700000000 } from './1733700000000-crm';

export const MIGRATIONS = [GatewayInitial1732600000000, GatewayCrm1733700000000];
