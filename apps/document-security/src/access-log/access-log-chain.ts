import { hash as sha256Hex } from 'node:crypto';

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
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    if (obj[k] === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(obj[k])}`;
  }
  return `${out}}`;
}

/**
 * SHA-256 (hex) over the canonical JSON of `[id, workspaceId, seq, memberId, action, subject, documentId, details,
 * at, prevHash]`. Verifying a chain hashes every entry, so this is written for speed (one-shot hash); the output is
 * exactly `canonicalJson` of that array (the spec checks both).
 */
export function entryHash(e: ChainFields, prevHash: string): string {
  const canonical =
    `[${JSON.stringify(e.id)},${JSON.stringify(e.workspaceId)},${canonicalJson(e.seq)},` +
    `${canonicalJson(e.memberId)},${canonicalJson(e.action)},${canonicalJson(e.subject)},` +
    `${canonicalJson(e.documentId)},${canonicalJson(e.details)},${canonicalJson(e.at)},${JSON.stringify(prevHash)}]`;
  return sha256Hex('sha256', canonical, 'hex');
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
