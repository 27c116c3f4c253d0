import { KeyRing } from './key-ring';
import { rewrap } from './envelope-crypto';

/** Runs one statement and gives back its rows (a TypeORM DataSource or a pg client behind it). */
export type RunQuery = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** Data keys under a master key this process does not hold: they stay as they are, and are reported. */
export interface UnknownKeyReport {
  keyId: string;
  versions: number;
}

/**
 * Re-wraps every data key that is under another known master key with the current one; the ciphertext is not
 * touched. Idempotent and safe to interrupt: each row moves in one UPDATE guarded by its old key id. Data keys under
 * a master key that is not configured cannot be re-wrapped: they are left alone and counted in `unknownKeys`, so the
 * operator can add the old key and run it again (nothing is lost, nothing half-done).
 */
export async function rotateDataKeys(
  run: RunQuery,
  ring: KeyRing,
): Promise<{ currentKeyId: string; rewrapped: number; unknownKeys?: UnknownKeyReport[] }> {
  const to = ring.current;
  const known = [...ring.byId.keys()];
  const older = known.filter((id) => id !== to.id);
  let rewrapped = 0;
  while (older.length) {
    const rows = (await run(
      `SELECT id, key_id, wrapped_key FROM document_versions WHERE key_id = ANY($1) ORDER BY id LIMIT 500`,
      [older],
    )) as { id: string; key_id: string; wrapped_key: Buffer }[];
    if (!rows.length) break;
    for (const r of rows) {
      const from = ring.byId.get(r.key_id)!;
      await run(`UPDATE document_versions SET key_id = $2, wrapped_key = $3 WHERE id = $1 AND key_id = $4`, [
        r.id,
        to.id,
        rewrap(r.wrapped_key, from, to, r.id),
        r.key_id,
      ]);
      rewrapped++;
    }
  }
  const unknown = (await run(
    `SELECT key_id, count(*)::int AS versions FROM document_versions WHERE NOT (key_id = ANY($1))
     GROUP BY key_id ORDER BY key_id`,
    [known],
  )) as { key_id: string; versions: number }[];
  return unknown.length
    ? {
        currentKeyId: to.id,
        rewrapped,
        unknownKeys: unknown.map((u) => ({ keyId: u.key_id, versions: u.versions })),
      }
    : { currentKeyId: to.id, rewrapped };
}
