import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRecordedEvent, EVENTS } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';

interface Waiting {
  id: string;
  event: AccessRecordedEvent;
  requestId: string | null;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** The most entries one INSERT writes. */
const BATCH = 500;
/** Longest path kept in an entry. */
const ROUTE_MAX = 300;

/**
 * The gateway's way into the access log (issue 14, point 6): an archive view, a refusal or a job-console action
 * becomes an `access.recorded` event in the gateway's outbox, relayed to JetStream and appended by document-security
 * to the workspace's hash chain — so no entry is lost when a service restarts, and none is written before it is
 * committed here. `record` resolves once the entry is committed; the caller answers its request after that.
 *
 * Entries arriving while an INSERT is in flight wait and go together in the next one (group commit): a busy
 * gateway pays one statement per batch, not one per GET.
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

  record(event: Omit<AccessRecordedEvent, 'at'> & { at?: string }, requestId?: string): Promise<void> {
    const full: AccessRecordedEvent = {
      ...event,
      route: event.route.split('?')[0].slice(0, ROUTE_MAX),
      at: event.at ?? new Date().toISOString(),
    };
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ id: randomUUID(), event: full, requestId: requestId ?? null, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /**
   * One entry inside the caller's own transaction `m` (a change of the CRM connection, say): committed with the
   * change or not at all. `id` becomes the entry's id. The relay picks it up on its next poll after the commit.
   */
  async recordIn(
    m: EntityManager,
    event: Omit<AccessRecordedEvent, 'at'>,
    requestId?: string,
    id: string = randomUUID(),
  ): Promise<void> {
    const full: AccessRecordedEvent = {
      ...event,
      route: event.route.split('?')[0].slice(0, ROUTE_MAX),
      at: new Date().toISOString(),
    };
    await m.query(
      `INSERT INTO outbox (id, subject, workspace_id, payload, request_id) VALUES ($1, $2, $3, $4, $5)`,
      [id, EVENTS.accessRecorded, full.workspaceId, JSON.stringify(full), requestId ?? null],
    );
  }

  /** Like `record`, for a refusal already being answered: a failure is logged, never turned into another error. */
  async recordQuietly(event: Omit<AccessRecordedEvent, 'at'>, requestId?: string): Promise<void> {
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
        const values: unknown[] = [];
        const rows = batch.map((w, i) => {
          values.push(w.id, EVENTS.accessRecorded, w.event.workspaceId, JSON.stringify(w.event), w.requestId);
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
