import { Injectable } from '@nestjs/common';
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
import { checkChain, GENESIS_HASH, StoredEntry } from './access-log-chain';

/** Who reads the access log and runs investigations (DESIGN §4). */
const AUDITORS: Role[] = ['security_officer', 'director'];
const BATCH = 5000;

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

function toStored(r: EntryRow): StoredEntry {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    seq: Number(r.seq),
    memberId: r.member_id,
    action: r.action,
    subject: r.subject,
    documentId: r.document_id,
    details: r.details,
    at: r.at.toISOString(),
    prevHash: r.prev_hash,
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

  async verifyWorkspace(workspaceId: string): Promise<AccessLogVerification> {
    let cursor = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    let lastId: string | null = null;
    for (;;) {
      const rows: EntryRow[] = await this.ds.query(
        `SELECT ${ENTRY_COLUMNS} FROM access_log WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [workspaceId, cursor.seq, BATCH],
      );
      const r = checkChain(rows.map(toStored), cursor);
      if (!r.ok)
        return {
          ok: false,
          checked: checked + rows.findIndex((x) => x.id === r.id),
          firstBroken: { id: r.id, seq: r.seq, reason: r.reason },
          verifiedAt: new Date().toISOString(),
        };
      checked += rows.length;
      cursor = r.cursor;
      if (rows.length) lastId = rows[rows.length - 1].id;
      if (rows.length < BATCH) break;
    }
    const heads: { seq: string; hash: string }[] = await this.ds.query(
      `SELECT seq, hash FROM access_log_heads WHERE workspace_id = $1`,
      [workspaceId],
    );
    const head = heads[0] ?? { seq: '0', hash: GENESIS_HASH };
    if (Number(head.seq) !== cursor.seq || head.hash !== cursor.hash)
      return {
        ok: false,
        checked,
        firstBroken: {
          id: lastId ?? '',
          seq: cursor.seq,
          reason: `the chain ends at ${cursor.seq} but its head says ${head.seq}: entries were removed`,
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

  /** Workspaces with a chain (the nightly verification runs for each). */
  async workspaces(): Promise<string[]> {
    const rows: { workspace_id: string }[] = await this.ds.query(`SELECT workspace_id FROM access_log_heads`);
    return rows.map((r) => r.workspace_id);
  }
}
