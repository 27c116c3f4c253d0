import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRecordedEntry, AccessRecordedEvent, EVENTS } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';

/** What a caller hands the recorder: the entry without its id and time, which the recorder gives it. */
export type AccessEntryInput = Omit<AccessRecordedEntry, 'id' | 'at' | 'requestId'>;

interface Waiting {
  entry: AccessRecordedEntry;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** The most entries one flush writes. */
const BATCH = 500;
/** Longest path kept in an entry. */
const ROUTE_MAX = 300;

function complete(event: AccessEntryInput, requestId: string | undefined, id: string): AccessRecordedEntry {
  return {
    ...event,
    id,
    route: event.route.split('?')[0].slice(0, ROUTE_MAX),
    at: new Date().toISOString(),
    requestId: requestId ?? null,
  };
}

/**
 * The gateway's way into the access log (issue 14, point 6; ADR 0019): an archive view, a refusal or a job-console
 * action becomes part of an `access.recorded` event in the gateway's outbox, relayed to JetStream and appended by
 * document-security to the workspace's hash chain — so no entry is lost when a service restarts, and none is written
 * before it is committed here. `record` resolves once the entry is committed; the caller answers its request after.
 *
 * Entries arriving while an INSERT is in flight wait and go together in the next one (group commit), one event per
 * workspace carrying all of that workspace's entries: a busy gateway pays one statement, one JetStream message and
 * one transaction of document-security per batch, not per GET.
 */
@Injectable()
export class AccessRecorder {
  private readonly logger = new Logger('access-log');
  private waiting: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  record(event: AccessEntryInput, requestId?: string): Promise<void> {
    const entry = complete(event, requestId, randomUUID());
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ entry, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /**
   * One entry inside the caller's own transaction `m` (a change of the CRM connection, say): committed with the
   * change or not at all. `id` becomes the entry's id. The relay picks it up on its next poll after the commit.
   */
  async recordIn(
    m: EntityManager,
    event: AccessEntryInput,
    requestId?: string,
    id: string = randomUUID(),
  ): Promise<void> {
    const entry = complete(event, requestId, id);
    const payload: AccessRecordedEvent = { workspaceId: entry.workspaceId, entries: [entry] };
    await m.query(
      `INSERT INTO outbox (id, subject, workspace_id, payload, request_id) VALUES ($1, $2, $3, $4, $5)`,
      [randomUUID(), EVENTS.accessRecorded, entry.workspaceId, JSON.stringify(payload), requestId ?? null],
    );
  }

  /** Like `record`, for a refusal already being answered: a failure is logged, never turned into another error. */
  async recordQuietly(event: AccessEntryInput, requestId?: string): Promise<void> {
    try {
      await this.record(event, requestId);
    } catch (e) {
      this.logger.warn(
        { err: e instanceof Error ? e.message : String(e), requestId, route: event.route },
        'access-log entry not recorded',
      );
    }
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, BATCH);
        const byWorkspace = new Map<string, AccessRecordedEntry[]>();
        for (const w of batch) {
          const list = byWorkspace.get(w.entry.workspaceId);
          if (list) list.push(w.entry);
          else byWorkspace.set(w.entry.workspaceId, [w.entry]);
        }
        const values: unknown[] = [];
        const rows = [...byWorkspace].map(([workspaceId, entries], i) => {
          const payload: AccessRecordedEvent = { workspaceId, entries };
          values.push(
            randomUUID(),
            EVENTS.accessRecorded,
            workspaceId,
            JSON.stringify(payload),
            entries[0].requestId,
          );
          const n = i * 5;
          return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5})`;
        });
        try {
          await this.ds.query(
            `INSERT INTO outbox (id, subject, workspace_id, payload, request_id) VALUES ${rows.join(', ')}`,
            values,
          );
          for (const w of batch) w.resolve();
          this.relay.kick();
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
