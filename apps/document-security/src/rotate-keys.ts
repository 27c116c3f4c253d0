/**
 * `node dist/apps/document-security/src/rotate-keys.js` (or `npm run kam:rotate-keys`): re-wraps every document
 * data key with the current (first) master key of KAM_DOCUMENT_MASTER_KEYS, without re-encrypting content.
 * Keep the old keys in the list until this has run; then they can go.
 */
import { Client } from 'pg';
import { documentSecuritySchema, loadConfigOrExit } from '@app/config';
import { KeyRing } from './keys/key-ring';
import { rotateDataKeys } from './keys/rotate-keys';

async function main(): Promise<void> {
  const config = loadConfigOrExit(documentSecuritySchema, 'rotate-keys');
  const ring = KeyRing.fromEnv(config.KAM_DOCUMENT_MASTER_KEYS);
  const client = new Client({
    connectionString: config.KAM_DATABASE_URL,
    application_name: 'kam-rotate-keys',
  });
  await client.connect();
  try {
    await client.query(`SET search_path = document_security`);
    const result = await rotateDataKeys(async (sql, params) => (await client.query(sql, params)).rows, ring);
    process.stdout.write(`[rotate-keys] ${result.rewrapped} data key(s) now under ${result.currentKeyId}\n`);
    for (const u of result.unknownKeys ?? []) {
      process.stderr.write(
        `[rotate-keys] ${u.versions} version(s) are under master key "${u.keyId}", which is not in ` +
          `KAM_DOCUMENT_MASTER_KEYS: add it (after the current key) and run again\n`,
      );
      process.exitCode = 2;
    }
  } finally {
    await client.end();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`[rotate-keys] ${e.message}\n`);
  process.exit(1);
});
