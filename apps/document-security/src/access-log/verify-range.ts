import type { ClientBase } from 'pg';
import { ChainCursor, checkChain, StoredEntry } from './access-log-chain';

/**
 * Verification of one range of a workspace's chain, seq in (from, to], read in batches with the next one already
 * requested while one is hashed (PostgreSQL reads while Node hashes). Used by the service on its own connection and
 * by the verification worker (verify-worker.ts) on one of its own: no Nest, no TypeORM, only `pg` and the chain.
 */

/** Entries per batch (two batches in flight). */
export const VERIFY_BATCH = 10_000;

/** What the verification reads: the time already as the ISO 8601 text the hash was computed over. */
const VERIFY_COLUMNS = `id, seq, member_id, action, subject, document_id, details,
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, prev_hash, hash`;

/** A row of VERIFY_COLUMNS as an array (rowMode 'array': no object per row while a million rows go by). */
type VerifyRow = [
  id: string,
  seq: string,
  memberId: string,
  action: string,
  subject: string,
  documentId: string | null,
  details: unknown,
  at: string,
  prevHash: string,
  hash: string,
];

const fromVerifyRow =
  (workspaceId: string) =>
  (r: VerifyRow): StoredEntry => ({
    id: r[0],
    workspaceId,
    seq: Number(r[1]),
    memberId: r[2],
    action: r[3],
    subject: r[4],
    documentId: r[5],
    details: r[6],
    at: r[7],
    prevHash: r[8],
    hash: r[9],
  });

export interface RangeBreak {
  id: string;
  seq: number;
  reason: string;
}

export interface RangeResult {
  /** Entries that hold, in order from the start of the range. */
  checked: number;
  firstBroken: RangeBreak | null;
  /** The range's first entry and the previous hash it names (null when the range is empty). */
  first: { id: string; seq: number; prevHash: string } | null;
  /** Where the chain stands after the last entry that holds. */
  end: ChainCursor;
  lastId: string | null;
}

/**
 * Checks the entries of (from, to] in order. `start` is the cursor before the range: the genesis at the start of
 * the chain, or 'first' to take the previous hash the range's first entry names (a range verified apart from the
 * one before it; the caller joins them by comparing that hash with the earlier range's end).
 */
export async function verifyRange(
  client: ClientBase,
  workspaceId: string,
  from: number,
  to: number,
  start: ChainCursor | 'first',
): Promise<RangeResult> {
  const read = async (after: number): Promise<VerifyRow[]> =>
    (
      await client.query<VerifyRow>({
        text: `SELECT ${VERIFY_COLUMNS} FROM access_log
               WHERE workspace_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
        values: [workspaceId, after, Math.min(after + VERIFY_BATCH, to)],
        rowMode: 'array',
      })
    ).rows;
  const toEntry = fromVerifyRow(workspaceId);
  const ahead: Promise<VerifyRow[]>[] = [];
  let next = from;
  const request = () => {
    if (next < to) {
      const rows = read(next);
      rows.catch(() => undefined); // awaited in turn below; a failure ahead must not go unhandled meanwhile
      ahead.push(rows);
      next += VERIFY_BATCH;
    }
  };
  request();
  request();
  let cursor: ChainCursor | null = start === 'first' ? null : start;
  let first: RangeResult['first'] = null;
  let checked = 0;
  let lastId: string | null = null;
  try {
    while (ahead.length) {
      const rows = await (ahead.shift() as Promise<VerifyRow[]>);
      request();
      if (!rows.length) continue;
      if (!first) first = { id: rows[0][0], seq: Number(rows[0][1]), prevHash: rows[0][8] };
      cursor ??= { seq: from, hash: rows[0][8] };
      const r = checkChain(rows.map(toEntry), cursor);
      if (!r.ok) {
        return {
          checked: checked + rows.findIndex((x) => x[0] === r.id),
          firstBroken: { id: r.id, seq: r.seq, reason: r.reason },
          first,
          end: cursor,
          lastId,
        };
      }
      checked += rows.length;
      cursor = r.cursor;
      lastId = rows[rows.length - 1][0];
    }
  } finally {
    await Promise.allSettled(ahead);
  }
  return { checked, firstBroken: null, first, end: cursor ?? { seq: from, hash: '' }, lastId };
}

/**
 * The two halves of a chain as one walk: the second holds on to the first when its first entry names the first
 * half's last hash. The first break in chain order wins.
 */
export function joinRanges(a: RangeResult, b: RangeResult): RangeResult {
  if (a.firstBroken) return a;
  if (b.first && (b.first.seq !== a.end.seq + 1 || b.first.prevHash !== a.end.hash))
    return {
      ...a,
      firstBroken: {
        id: b.first.id,
        seq: b.first.seq,
        reason:
          b.first.seq !== a.end.seq + 1
            ? `sequence gap: expected ${a.end.seq + 1}, found ${b.first.seq}`
            : 'previous hash does not match the entry before it',
      },
    };
  if (!b.first) return a;
  return {
    checked: a.checked + b.checked,
    firstBroken: b.firstBroken,
    first: a.first,
    end: b.end,
    lastId: b.lastId ?? a.lastId,
  };
}
