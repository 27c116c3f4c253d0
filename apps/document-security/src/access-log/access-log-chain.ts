import { createHash } from 'node:crypto';

/**
 * The hash chain of the access log (issue 6), per workspace: each entry carries the hash of the one before it, and
 * its own hash is SHA-256 over a canonical serialisation of its fields and that previous hash. Editing, removing
 * or reordering any entry breaks the chain at that entry. Pure: no Nest, no SQL.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  id: string;
  workspaceId: string;
  seq: number;
  memberId: string;
  action: string;
  subject: string;
  documentId: string | null;
  details: unknown;
  /** ISO 8601 with milliseconds, UTC (what timestamptz(3) gives back). */
  at: string;
}

/** JSON with object keys sorted at every level, so the same value always serialises the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

export function entryHash(e: ChainFields, prevHash: string): string {
  const canonical = canonicalJson([
    e.id,
    e.workspaceId,
    e.seq,
    e.memberId,
    e.action,
    e.subject,
    e.documentId,
    e.details,
    e.at,
    prevHash,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export interface StoredEntry extends ChainFields {
  prevHash: string;
  hash: string;
}

export interface ChainCursor {
  seq: number;
  hash: string;
}

export type ChainCheck =
  { ok: true; cursor: ChainCursor } | { ok: false; id: string; seq: number; reason: string };

/** Checks consecutive entries after `cursor` (seq 0 and the genesis hash at the start). */
export function checkChain(entries: StoredEntry[], cursor: ChainCursor): ChainCheck {
  let { seq, hash } = cursor;
  for (const e of entries) {
    if (e.seq !== seq + 1)
      return { ok: false, id: e.id, seq: e.seq, reason: `sequence gap: expected ${seq + 1}, found ${e.seq}` };
    if (e.prevHash !== hash)
      return { ok: false, id: e.id, seq: e.seq, reason: 'previous hash does not match the entry before it' };
    if (entryHash(e, e.prevHash) !== e.hash)
      return { ok: false, id: e.id, seq: e.seq, reason: 'hash does not match the entry content' };
    seq = e.seq;
    hash = e.hash;
  }
  return { ok: true, cursor: { seq, hash } };
}
