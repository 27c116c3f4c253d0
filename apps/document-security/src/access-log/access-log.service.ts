import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import {
  AccessLogEntryView,
  AccessLogVerification,
  Actor,
  InvestigateQuery,
  InvestigationView,
  KamError,
  ListAccessLogQuery,
  Page,
  Role,
  validationError,
} from '@app/contracts';
import { decodeCursor, encodeCursor } from '@app/persistence';
import { ChainCursor, checkChain, GENESIS_HASH, StoredEntry } from './access-log-chain';

/** Who reads the access log and runs investigations (DESIGN §4). */
const AUDITORS: Role[] = ['security_officer', 'director'];
/** Entries per range read by the verification (two ranges in flight). */
const VERIFY_BATCH = 10_000;

interface EntryRow {
  id: string;
  workspace_id: string;
  seq: string;
  member_id: string;
  action: string;
  subject: string;
  document_id: string | null;
  details: Record<string, unknown>;
  at: Date;
  prev_hash: string;
  hash: string;
}

const ENTRY_COLUMNS = `id, workspace_id, seq, member_id, action, subject, document_id, details, at, prev_hash, hash`;

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

function toView(r: EntryRow): AccessLogEntryView {
  return {
    id: r.id,
    seq: Number(r.seq),
    memberId: r.member_id,
    action: r.action,
    subject: r.subject,
    documentId: r.document_id,
    details: r.details,
    at: r.at.toISOString(),
    hash: r.hash,
  };
}

/** Reading the access log: the list, the chain's verification, and "who had this document". */
@Injectable()
export class AccessLogService {
  constructor(private readonly ds: DataSource) {}

  authorize(actor: Actor, roles: Role[] = AUDITORS): void {
    if (actor.kind === 'system') return;
    if (!actor.roles.some((r) => roles.includes(r))) throw new KamError('forbidden');
  }

  /** Newest first, for the security officer. */
  async list(actor: Actor, query: ListAccessLogQuery): Promise<Page<AccessLogEntryView>> {
    this.authorize(actor, ['security_officer']);
    const values: unknown[] = [actor.workspaceId];
    const where = ['workspace_id = $1'];
    if (query.documentId) {
      values.push(query.documentId);
      where.push(`document_id = $${values.length}`);
    }
    if (query.memberId) {
      values.push(query.memberId);
      where.push(`member_id = $${values.length}`);
    }
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      if (typeof c.value !== 'number')
        throw validationError([{ field: 'cursor', message: 'cursor is not valid' }]);
      values.push(c.value);
      where.push(`seq < $${values.length}`);
    }
    const limit = query.limit ?? 100;
    values.push(limit + 1);
    const rows: EntryRow[] = await this.ds.query(
      `SELECT ${ENTRY_COLUMNS} FROM access_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit && last ? encodeCursor(Number(last.seq), last.id) : null,
    };
  }

  /** Walks the workspace's chain from the first entry and reports the first one that does not hold. */
  async verify(actor: Actor): Promise<AccessLogVerification> {
    this.authorize(actor);
    return this.verifyWorkspace(actor.workspaceId);
  }

  /**
   * The chain up to the head as it is when verification starts (appends made meanwhile are left for the next
   * run), read in ranges of seq with the next range already requested while one is hashed, so PostgreSQL reads
   * while Node hashes. The head must end the chain: entries removed from its end are found too.
   */
  async verifyWorkspace(workspaceId: string): Promise<AccessLogVerification> {
    const heads: { seq: string; hash: string }[] = await this.ds.query(
      `SELECT seq, hash FROM access_log_heads WHERE workspace_id = $1`,
      [workspaceId],
    );
    const head = { seq: Number(heads[0]?.seq ?? 0), hash: heads[0]?.hash ?? GENESIS_HASH };
    // One connection of its own: while Node hashes a range, the next one is already being read.
    const runner = this.ds.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      const range = async (from: number): Promise<VerifyRow[]> =>
        (
          await client.query<VerifyRow>({
            text: `SELECT ${VERIFY_COLUMNS} FROM access_log
                   WHERE workspace_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
            values: [workspaceId, from, Math.min(from + VERIFY_BATCH, head.seq)],
            rowMode: 'array',
          })
        ).rows;
      return await this.walk(workspaceId, head, range);
    } finally {
      await runner.release();
    }
  }

  private async walk(
    workspaceId: string,
    head: ChainCursor,
    range: (from: number) => Promise<VerifyRow[]>,
  ): Promise<AccessLogVerification> {
    let cursor = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    let lastId: string | null = null;
    const ahead: Promise<VerifyRow[]>[] = [];
    let next = 0;
    const request = () => {
      if (next < head.seq) {
        const rows = range(next);
        rows.catch(() => undefined); // awaited in turn below; a failure ahead must not go unhandled meanwhile
        ahead.push(rows);
        next += VERIFY_BATCH;
      }
    };
    request();
    request();
    while (ahead.length) {
      const rows = await (ahead.shift() as Promise<VerifyRow[]>);
      request();
      const r = checkChain(rows.map(fromVerifyRow(workspaceId)), cursor);
      if (!r.ok) {
        await Promise.allSettled(ahead);
        return {
          ok: false,
          checked: checked + rows.findIndex((x) => x[0] === r.id),
          firstBroken: { id: r.id, seq: r.seq, reason: r.reason },
          verifiedAt: new Date().toISOString(),
        };
      }
      checked += rows.length;
      cursor = r.cursor;
      if (rows.length) lastId = rows[rows.length - 1][0];
    }
    // Entries past the head (written behind the service's back: the head moves with every append it makes).
    const [{ max }]: { max: string | null }[] = await this.ds.query(
      `SELECT max(seq) AS max FROM access_log WHERE workspace_id = $1`,
      [workspaceId],
    );
    const now: { seq: string }[] = await this.ds.query(
      `SELECT seq FROM access_log_heads WHERE workspace_id = $1`,
      [workspaceId],
    );
    if (Number(max ?? 0) > Number(now[0]?.seq ?? 0)) {
      const past: { id: string; seq: string }[] = await this.ds.query(
        `SELECT id, seq FROM access_log WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT 1`,
        [workspaceId, Number(now[0]?.seq ?? 0)],
      );
      return {
        ok: false,
        checked,
        firstBroken: {
          id: past[0]?.id ?? '',
          seq: Number(past[0]?.seq ?? 0),
          reason: `an entry lies past the head of the chain (${Number(now[0]?.seq ?? 0)}): it was not appended by the service`,
        },
        verifiedAt: new Date().toISOString(),
      };
    }
    if (head.seq !== cursor.seq || head.hash !== cursor.hash)
      return {
        ok: false,
        checked,
        firstBroken: {
          id: lastId ?? '',
          seq: cursor.seq,
          reason:
            head.seq !== cursor.seq
              ? `the chain ends at ${cursor.seq} but its head says ${head.seq}: entries were removed`
              : 'the last entry does not match the head of the chain',
        },
        verifiedAt: new Date().toISOString(),
      };
    return { ok: true, checked, firstBroken: null, verifiedAt: new Date().toISOString() };
  }

  /** "Who had this": from a watermark's entry id, or a document id, every access and every holder. */
  async investigate(actor: Actor, query: InvestigateQuery): Promise<InvestigationView> {
    this.authorize(actor);
    let documentId = query.documentId ?? null;
    if (!documentId && !query.entryId)
      throw validationError([{ field: 'entryId', message: 'give entryId or documentId' }]);
    if (query.entryId) {
      const rows: EntryRow[] = await this.ds.query(
        `SELECT ${ENTRY_COLUMNS} FROM access_log WHERE id = $1 AND workspace_id = $2`,
        [query.entryId, actor.workspaceId],
      );
      if (!rows[0]) throw new KamError('not_found');
      if (!rows[0].document_id) return { documentId: null, entries: rows.map(toView), holders: [] };
      documentId = rows[0].document_id;
    }
    const rows: EntryRow[] = await this.ds.query(
      `SELECT ${ENTRY_COLUMNS} FROM access_log WHERE workspace_id = $1 AND document_id = $2 ORDER BY seq LIMIT 5000`,
      [actor.workspaceId, documentId],
    );
    return {
      documentId,
      entries: rows.map(toView),
      holders: rows
        .filter((r) => r.action === 'download')
        .map((r) => ({
          memberId: r.member_id,
          entryId: r.id,
          at: r.at.toISOString(),
          version: typeof r.details.version === 'number' ? r.details.version : null,
        })),
    };
  }
}
