import { GatewayInitial1732600000000 } from './1732600000000-initial';
import { GatewayCrm1733700000000 } from './1733700000000-crm';
import { GatewayApiKeyOwners1734300000000 } from './1734300000000-api-key-owners';
import { GatewayOutbox1734300000100 } from './1734300000100-gateway-outbox';

export const MIGRATIONS = [
  GatewayInitial1732600000000,
  GatewayCrm1733700000000,
  GatewayApiKeyOwners1734300000000,
  GatewayOutbox1734300000100,
];
