import { documentSecuritySchema, loadConfigOrExit } from '@app/config';

export const APP_NAME = 'document-security';
export const SCHEMA = 'document_security';

export type DocumentSecurityConfig = ReturnType<typeof loadDocumentSecurityConfig>;

/** Reads and validates the variables; a missing or malformed KAM_DOCUMENT_MASTER_KEYS stops the process. */
export function loadDocumentSecurityConfig() {
  return loadConfigOrExit(documentSecuritySchema, APP_NAME);
}
