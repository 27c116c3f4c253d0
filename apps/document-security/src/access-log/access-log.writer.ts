import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { entryHash, GENESIS_HASH } from './access-log-chain';

export type AccessAction =
  'view' | 'download' | 'upload' | 'export' | 'export_completed' | 'share' | 'revoke' | 'denied' | 'corrupt';

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

/**
 * The one way into the access log: appends an entry to its workspace's hash chain. The workspace's head row is
 * locked FOR UPDATE, so concurrent appends in one workspace take turns (other workspaces are not held up) and
 * every entry links to the one before it. Runs in the caller's transaction, or in its own.
 */
@Injectable()
export class AccessLogWriter {
  constructor(private readonly ds: DataSource) {}

  /** Appends in a transaction of its own (a denied attempt is logged even though the request fails). */
  append(entry: AccessLogEntry): Promise<string> {
    return this.ds.transaction((m) => this.appendIn(m, entry));
  }

  /** Appends inside `m`'s transaction; the entry commits or rolls back with the caller's work. */
  async appendIn(m: EntityManager, entry: AccessLogEntry): Promise<string> {
    const id = entry.id ?? randomUUID();
    await m.query(
      `INSERT INTO access_log_heads (workspace_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (workspace_id) DO NOTHING`,
      [entry.workspaceId, GENESIS_HASH],
    );
    const heads: { seq: string; hash: string }[] = await m.query(
      `SELECT seq, hash FROM access_log_heads WHERE workspace_id = $1 FOR UPDATE`,
      [entry.workspaceId],
    );
    if (entry.id) {
      const seen: unknown[] = await m.query(`SELECT 1 FROM access_log WHERE id = $1`, [entry.id]);
      if (seen.length) return entry.id;
    }
    const seq = Number(heads[0].seq) + 1;
    const at = new Date(Math.floor((entry.at ?? new Date()).getTime()));
    const fields = {
      id,
      workspaceId: entry.workspaceId,
      seq,
      memberId: entry.memberId,
      action: entry.action,
      subject: entry.subject,
      documentId: entry.documentId ?? null,
      details: entry.details ?? {},
      at: at.toISOString(),
    };
    const hash = entryHash(fields, heads[0].hash);
    await m.query(
      `INSERT INTO access_log (id, workspace_id, seq, member_id, action, subject, document_id, details, at,
                               prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        fields.workspaceId,
        seq,
        fields.memberId,
        fields.action,
        fields.subject,
        fields.documentId,
        JSON.stringify(fields.details),
        fields.at,
        heads[0].hash,
        hash,
      ],
    );
    await m.query(
      `UPDATE access_log_heads SET seq = $2, hash = $3, updated_at = now() WHERE workspace_id = $1`,
      [entry.workspaceId, seq, hash],
    );
    return id;
  }
}
