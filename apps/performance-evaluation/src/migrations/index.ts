import { PerformanceInitial1732600000000 } from './1732600000000-initial';

export const MIGRATIONS = [PerformanceInitial1732600000000];
