import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { KamError } from '@app/contracts';

export function requestHash(body: unknown): string {
  return createHash('sha256').update(stableStringify(body)).digest('hex');
}

function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(',')}}`;
}

/**
 * Applies `work` once per (workspace, scope, key). The key row is written in the same transaction as the work,
 * so a crash between them cannot apply it twice; a concurrent duplicate waits on the row lock and then replays.
 * The same key with a different body is a 409.
 */
export async function applyOnce<T>(
  manager: EntityManager,
  opts: { workspaceId: string; scope: string; key: string | undefined; body: unknown },
  work: (m: EntityManager) => Promise<T>,
): Promise<T> {
  if (!opts.key) return manager.transaction(work);
  const hash = requestHash(opts.body);
  return manager.transaction(async (m) => {
    const inserted: unknown[] = await m.query(
      `INSERT INTO idempotency_keys (workspace_id, scope, key, request_hash, response)
       VALUES ($1, $2, $3, $4, 'null'::jsonb)
       ON CONFLICT DO NOTHING RETURNING key`,
      [opts.workspaceId, opts.scope, opts.key, hash],
    );
    if (inserted.length === 0) {
      const rows: { request_hash: string; response: T }[] = await m.query(
        `SELECT request_hash, response FROM idempotency_keys WHERE workspace_id = $1 AND scope = $2 AND key = $3`,
        [opts.workspaceId, opts.scope, opts.key],
      );
      if (rows[0].request_hash !== hash) throw new KamError('idempotency_key_reused');
      return rows[0].response;
    }
    const result = await work(m);
    await m.query(
      `UPDATE idempotency_keys SET response = $4 WHERE workspace_id = $1 AND scope = $2 AND key = $3`,
      [opts.workspaceId, opts.scope, opts.key, JSON.stringify(result)],
    );
    return result;
  });
}

/**
 * Rows of an `UPDATE … RETURNING` or `DELETE … RETURNING` run through TypeORM's `query()`, which answers
 * `[rows, affectedCount]` for those statements (and plain rows for INSERT/SELECT).
 */
export async function updateReturning<T>(m: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result: unknown = await m.query(sql, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return result as T[];
}
