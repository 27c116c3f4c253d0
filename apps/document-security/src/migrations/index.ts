import { DocumentSecurityInitial1732600000000 } from './1732600000000-initial';

export const MIGRATIONS = [DocumentSecurityInitial1732600000000];
