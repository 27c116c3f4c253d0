import { KeyRing } from './key-ring';
import { rewrap } from './envelope-crypto';

/** Runs one statement and gives back its rows (a TypeORM DataSource or a pg client behind it). */
export type RunQuery = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

export class UnknownMasterKeyError extends Error {}

/**
 * Re-wraps every data key that is not under the current master key with the current one; the ciphertext is not
 * touched. Idempotent and safe to interrupt: each row moves in one UPDATE guarded by its old key id.
 */
export async function rotateDataKeys(
  run: RunQuery,
  ring: KeyRing,
): Promise<{ currentKeyId: string; rewrapped: number }> {
  const to = ring.current;
  let rewrapped = 0;
  for (;;) {
    const rows = (await run(
      `SELECT id, key_id, wrapped_key FROM document_versions WHERE key_id <> $1 ORDER BY id LIMIT 500`,
      [to.id],
    )) as { id: string; key_id: string; wrapped_key: Buffer }[];
    if (!rows.length) break;
    for (const r of rows) {
      const from = ring.byId.get(r.key_id);
      if (!from)
        throw new UnknownMasterKeyError(
          `data keys of version ${r.id} are wrapped with master key "${r.key_id}", which is not in KAM_DOCUMENT_MASTER_KEYS`,
        );
      await run(`UPDATE document_versions SET key_id = $2, wrapped_key = $3 WHERE id = $1 AND key_id = $4`, [
        r.id,
        to.id,
        rewrap(r.wrapped_key, from, to, r.id),
        r.key_id,
      ]);
      rewrapped++;
    }
  }
  return { currentKeyId: to.id, rewrapped };
}
