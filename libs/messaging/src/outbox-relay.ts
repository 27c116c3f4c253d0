import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { headers as natsHeaders } from 'nats';
import { NatsConnectionService } from './nats-connection';
import { ensureEventStream } from './jetstream';
import { encode } from './codec';
import { DomainEvent } from './events';

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');
export interface OutboxOptions {
  pollMs: number;
  batchSize?: number;
}

interface OutboxRow {
  seq: string;
  id: string;
  subject: string;
  workspace_id: string;
  payload: unknown;
  request_id: string | null;
  occurred_at: Date;
}

/**
 * Publishes committed outbox rows to JetStream, oldest first, and marks them published.
 * Rows are locked with SKIP LOCKED so replicas share the work; the event id is the JetStream message id,
 * so a row published twice (crash between publish and mark) is de-duplicated by the stream.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('outbox');
  private stopped = false;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly nats: NatsConnectionService,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const nc = await this.nats.connection();
    await ensureEventStream(nc);
    this.loop = this.run();
  }

  /** Called after a commit that wrote events, so they go out without waiting for the next poll. */
  kick(): void {
    this.wake?.();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.kick();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let published = 0;
      try {
        published = await this.publishBatch();
      } catch (e) {
        this.logger.warn(`relay paused: ${(e as Error).message}`);
      }
      if (published === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.options.pollMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** One batch in one transaction; returns how many were published. */
  async publishBatch(): Promise<number> {
    const nc = await this.nats.connection();
    const js = nc.jetstream();
    return this.dataSource.transaction(async (m) => {
      const rows: OutboxRow[] = await m.query(
        `SELECT seq, id, subject, workspace_id, payload, request_id, occurred_at FROM outbox
         WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 100],
      );
      if (rows.length === 0) return 0;
      // Published together, not one round trip each: the client writes them in this order on one connection,
      // the stream stores them in that order, and a failure leaves the whole batch to be published again
      // (duplicates are dropped by message id).
      const acks = rows.map((r) => {
        const event: DomainEvent = {
          id: r.id,
          subject: r.subject,
          workspaceId: r.workspace_id,
          occurredAt: r.occurred_at.toISOString(),
          requestId: r.request_id,
          payload: r.payload,
        };
        const h = natsHeaders();
        if (r.request_id) h.set('kam-request-id', r.request_id);
        return js.publish(r.subject, encode(event), { msgID: r.id, headers: h, timeout: 5000 });
      });
      await Promise.all(acks);
      await m.query(`UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [
        rows.map((r) => r.seq),
      ]);
      return rows.length;
    });
  }
}
