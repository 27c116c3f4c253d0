import { Initial1732600000000 } from './1732600000000-initial';

export const MIGRATIONS = [Initial1732600000000];
