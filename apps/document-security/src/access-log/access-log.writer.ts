import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { entryHash, GENESIS_HASH } from './access-log-chain';

export type AccessAction =
  | 'view'
  | 'download'
  | 'upload'
  | 'export'
  | 'export_completed'
  | 'export_request'
  | 'export_decision'
  | 'share'
  | 'revoke'
  | 'transfer'
  | 'publish'
  | 'acknowledge'
  | 'denied'
  | 'console'
  | 'corrupt'
  /** An integration's connection changed, e.g. the CRM's (issue 14, point 5). */
  | 'configure';

export interface AccessLogEntry {
  /** Given when the caller must be idempotent (an event id); a fresh UUID otherwise. */
  id?: string;
  workspaceId: string;
  memberId: string;
  action: AccessAction;
  subject: string;
  documentId?: string | null;
  details?: Record<string, unknown>;
  at?: Date;
}

interface Waiting {
  entry: AccessLogEntry;
  resolve: (id: string) => void;
  reject: (error: unknown) => void;
}

/** The most entries one transaction appends for the appends waiting in a workspace. */
export const APPEND_BATCH = 1000;

/**
 * The one way into the access log: appends entries to their workspace's hash chain. The workspace's head row is
 * locked FOR UPDATE, so concurrent appends in one workspace take turns (other workspaces are not held up) and
 * every entry links to the one before it. `appendIn` runs in the caller's transaction; `append` runs in a
 * transaction of its own and is batched: while one transaction of a workspace is writing, the appends that
 * arrive for that workspace wait, and the next transaction writes them all under one lock of the head row, in
 * the order they arrived (group commit). The chain is the same as one transaction per entry would write.
 */
@Injectable()
export class AccessLogWriter {
  /** Per workspace, the appends waiting for the transaction in progress to finish. */
  private readonly waiting = new Map<string, Waiting[]>();

  constructor(private readonly ds: DataSource) {}

  /** Appends in a transaction of its own (a denied attempt is logged even though the request fails). */
  append(entry: AccessLogEntry): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const queue = this.waiting.get(entry.workspaceId);
      if (queue) {
        queue.push({ entry, resolve, reject });
        return;
      }
      this.waiting.set(entry.workspaceId, [{ entry, resolve, reject }]);
      void this.drain(entry.workspaceId);
    });
  }

  /** Appends inside `m`'s transaction; the entry commits or rolls back with the caller's work. */
  async appendIn(m: EntityManager, entry: AccessLogEntry): Promise<string> {
    return (await this.appendAll(m, [entry]))[0];
  }

  /** Appends entries of one workspace inside `m`'s transaction, in this order, under one lock of the head row. */
  appendManyIn(m: EntityManager, entries: AccessLogEntry[]): Promise<string[]> {
    return this.appendAll(m, entries);
  }

  /** Writes the workspace's waiting appends, a batch per transaction, until none is left. */
  private async drain(workspaceId: string): Promise<void> {
    for (;;) {
      const queue = this.waiting.get(workspaceId) ?? [];
      if (!queue.length) {
        this.waiting.delete(workspaceId);
        return;
      }
      const batch = queue.splice(0, APPEND_BATCH);
      try {
        const ids = await this.ds.transaction((m) =>
          this.appendAll(
            m,
            batch.map((w) => w.entry),
          ),
        );
        batch.forEach((w, i) => w.resolve(ids[i]));
      } catch (e) {
        if (batch.length === 1) {
          batch[0].reject(e);
          continue;
        }
        // One entry must not fail the others: each is tried again on its own.
        for (const w of batch) {
          try {
            w.resolve(await this.ds.transaction((m) => this.appendIn(m, w.entry)));
          } catch (err) {
            w.reject(err);
          }
        }
      }
    }
  }

  /** Appends `entries` of one workspace, in order, under one lock of its head row; returns their ids. */
  private async appendAll(m: EntityManager, entries: AccessLogEntry[]): Promise<string[]> {
    const workspaceId = entries[0].workspaceId;
    await m.query(
      `INSERT INTO access_log_heads (workspace_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (workspace_id) DO NOTHING`,
      [workspaceId, GENESIS_HASH],
    );
    const heads: { seq: string; hash: string }[] = await m.query(
      `SELECT seq, hash FROM access_log_heads WHERE workspace_id = $1 FOR UPDATE`,
      [workspaceId],
    );
    const given = entries.filter((e) => e.id).map((e) => e.id as string);
    const seen = new Set<string>();
    if (given.length) {
      const rows: { id: string }[] = await m.query(`SELECT id FROM access_log WHERE id = ANY($1::uuid[])`, [
        given,
      ]);
      for (const r of rows) seen.add(r.id);
    }
    let seq = Number(heads[0].seq);
    let prevHash = heads[0].hash;
    const ids: string[] = [];
    const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
    for (const entry of entries) {
      if (entry.workspaceId !== workspaceId) throw new Error('one workspace per batch');
      const id = entry.id ?? randomUUID();
      ids.push(id);
      if (seen.has(id)) continue;
      seen.add(id);
      seq += 1;
      const at = new Date(Math.floor((entry.at ?? new Date()).getTime()));
      const fields = {
        id,
        workspaceId,
        seq,
        memberId: entry.memberId,
        action: entry.action,
        subject: entry.subject,
        documentId: entry.documentId ?? null,
        details: entry.details ?? {},
        at: at.toISOString(),
      };
      const hash = entryHash(fields, prevHash);
      const row = [id, seq, fields.memberId, fields.action, fields.subject, fields.documentId];
      row.push(JSON.stringify(fields.details), fields.at, prevHash, hash);
      row.forEach((v, k) => cols[k].push(v));
      prevHash = hash;
    }
    if (!cols[0].length) return ids;
    await m.query(
      `INSERT INTO access_log (id, workspace_id, seq, member_id, action, subject, document_id, details, at,
                               prev_hash, hash)
       SELECT e.id, $1::uuid, e.seq, e.member_id, e.action, e.subject, e.document_id, e.details, e.at, e.prev_hash, e.hash
       FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::jsonb[],
                   $9::timestamptz[], $10::text[], $11::text[])
            AS e (id, seq, member_id, action, subject, document_id, details, at, prev_hash, hash)`,
      [workspaceId, ...cols],
    );
    await m.query(
      `UPDATE access_log_heads SET seq = $2, hash = $3, updated_at = now() WHERE workspace_id = $1`,
      [workspaceId, seq, prevHash],
    );
    return ids;
  }
}
