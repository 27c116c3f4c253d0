import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Actor, KamError } from '@app/contracts';

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
 * Who an Idempotency-Key belongs to: the member (or API key, or system job) that sent it. Keys are scoped to
 * their caller (issue 14, point 11): another member sending the same key and body is a request of their own,
 * never a replay of someone else's answer.
 */
export function idempotencyCaller(actor: Pick<Actor, 'memberId' | 'kind'>): string {
  return `${actor.kind ?? 'user'}:${actor.memberId.toLowerCase()}`;
}

/**
 * Applies `work` once per (workspace, scope, caller, key). The key row is written in the same transaction as
 * the work, so a crash between them cannot apply it twice; a concurrent duplicate waits on the row lock and
 * then replays. The same key with a different body is a 409. The caller is part of the key: the same key from
 * another member is theirs, and gets their own outcome.
 */
export async function applyOnce<T>(
  manager: EntityManager,
  opts: {
    actor: Pick<Actor, 'workspaceId' | 'memberId' | 'kind'>;
    scope: string;
    key: string | undefined;
    body: unknown;
  },
  work: (m: EntityManager) => Promise<T>,
): Promise<T> {
  if (!opts.key) return manager.transaction(work);
  const hash = requestHash(opts.body);
  const id = [opts.actor.workspaceId, opts.scope, idempotencyCaller(opts.actor), opts.key];
  return manager.transaction(async (m) => {
    const inserted: unknown[] = await m.query(
      `INSERT INTO idempotency_keys (workspace_id, scope, caller, key, request_hash, response)
       VALUES ($1, $2, $3, $4, $5, 'null'::jsonb)
       ON CONFLICT DO NOTHING RETURNING key`,
      [...id, hash],
    );
    if (inserted.length === 0) {
      const rows: { request_hash: string; response: T }[] = await m.query(
        `SELECT request_hash, response FROM idempotency_keys
         WHERE workspace_id = $1 AND scope = $2 AND caller = $3 AND key = $4`,
        id,
      );
      if (rows[0].request_hash !== hash) throw new KamError('idempotency_key_reused');
      return rows[0].response;
    }
    const result = await work(m);
    await m.query(
      `UPDATE idempotency_keys SET response = $5
       WHERE workspace_id = $1 AND scope = $2 AND caller = $3 AND key = $4`,
      [...id, JSON.stringify(result)],
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
