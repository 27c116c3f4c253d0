import { loadConfigOrExit, serviceSchema } from '@app/config';

export const APP_NAME = 'document-security';
export const SCHEMA = 'document_security';

export type DocumentSecurityConfig = ReturnType<typeof loadDocumentSecurityConfig>;

export function loadDocumentSecurityConfig() {
  return loadConfigOrExit(serviceSchema, APP_NAME);
}
