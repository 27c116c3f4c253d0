import { GatewayInitial1732600000000 } from './1732600000000-initial';

export const MIGRATIONS = [GatewayInitial1732600000000];
