import { Injectable } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
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
import { ChainCursor, GENESIS_HASH } from './access-log-chain';
import { joinRanges, RangeResult, verifyRange } from './verify-range';
import type { VerifyWorkerInput } from './verify-worker';

/** Who reads the access log and runs investigations (DESIGN §4). */
const AUDITORS: Role[] = ['security_officer', 'director'];
/**
 * From this many entries on, the verification runs in two halves at once: the first on the service's connection,
 * the second in a worker thread with a connection of its own (two cores hash; the halves are joined by the
 * previous hash of the second half's first entry).
 */
const PARALLEL_FROM = 200_000;

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
      const c = decodeCursor(query.cursor, 'position');
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
   * run), read in ranges of seq (verify-range.ts); a long chain in two halves at once, the second in a worker
   * thread. The head must end the chain: entries removed from its end are found too.
   */
  async verifyWorkspace(workspaceId: string): Promise<AccessLogVerification> {
    const heads: { seq: string; hash: string }[] = await this.ds.query(
      `SELECT seq, hash FROM access_log_heads WHERE workspace_id = $1`,
      [workspaceId],
    );
    const head = { seq: Number(heads[0]?.seq ?? 0), hash: heads[0]?.hash ?? GENESIS_HASH };
    const genesis = { seq: 0, hash: GENESIS_HASH };
    const runner = this.ds.createQueryRunner();
    let walked: RangeResult;
    try {
      const client = (await runner.connect()) as PoolClient;
      if (head.seq < PARALLEL_FROM || availableParallelism() < 2) {
        walked = await verifyRange(client, workspaceId, 0, head.seq, genesis);
      } else {
        const mid = Math.floor(head.seq / 2);
        const second = this.verifyInWorker(workspaceId, mid, head.seq);
        second.catch(() => undefined); // awaited below, after the first half
        walked = joinRanges(await verifyRange(client, workspaceId, 0, mid, genesis), await second);
      }
    } finally {
      await runner.release();
    }
    if (walked.firstBroken)
      return {
        ok: false,
        checked: walked.checked,
        firstBroken: walked.firstBroken,
        verifiedAt: new Date().toISOString(),
      };
    return this.checkEnd(workspaceId, head, walked);
  }

  /** The range (from, to] verified by a worker thread on a connection of its own. */
  private verifyInWorker(workspaceId: string, from: number, to: number): Promise<RangeResult> {
    const options = this.ds.options as { url?: string; extra?: { options?: string } };
    const input: VerifyWorkerInput = {
      url: options.url ?? '',
      options: options.extra?.options,
      workspaceId,
      from,
      to,
    };
    return new Promise<RangeResult>((resolve, reject) => {
      const worker = new Worker(path.join(__dirname, 'verify-worker.js'), { workerData: input });
      worker.once('message', (m: { ok: true; result: RangeResult } | { ok: false; error: string }) =>
        m.ok ? resolve(m.result) : reject(new Error(`access-log verification worker: ${m.error}`)),
      );
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`access-log verification worker exited with ${code} before answering`)),
      );
    });
  }

  /** After the walk: nothing past the head, and the head is where the walk ended. */
  private async checkEnd(
    workspaceId: string,
    head: ChainCursor,
    walked: RangeResult,
  ): Promise<AccessLogVerification> {
    const { checked, end: cursor, lastId } = walked;
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
