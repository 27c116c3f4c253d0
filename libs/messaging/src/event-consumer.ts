import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
  Inject,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AckPolicy, ConsumerMessages, DeliverPolicy, JsMsg } from 'nats';
import { DataSource, EntityManager } from 'typeorm';
import { EVENT_STREAM } from '@app/contracts';
import { NatsConnectionService } from './nats-connection';
import { ensureEventStream } from './jetstream';
import { decode } from './codec';
import { DomainEvent } from './events';
import { EVENT_HANDLER, EventHandlerMeta } from './rpc-handler.decorator';
import { MESSAGING_OPTIONS, MessagingOptions } from './tokens';
import { durableName, EVENT_CONSUMERS, NATS_APPS, NatsApp } from './nats-permissions';

export type EventHandlerFn = (event: DomainEvent, manager: EntityManager) => Promise<void>;

/** Most events handled in one transaction: those already received when the first of them is taken. */
export const EVENT_BATCH = 64;

const NOT_YET = Symbol('not yet');
/** Resolves after the promises already settled have run their callbacks (a macrotask later). */
const afterSettled = () => new Promise<typeof NOT_YET>((resolve) => setImmediate(() => resolve(NOT_YET)));

/**
 * Runs every @EventHandler as a durable JetStream consumer. Events are handled in one database transaction
 * together with their inbox rows keyed by event id: a redelivered event is acknowledged without running the
 * handler again. The events already received when one is taken (up to EVENT_BATCH) share that transaction, so
 * that a burst (an import of 1,000 accounts is 1,000 `account.created`) costs one commit, not one per event; if
 * any of them fails, the transaction is rolled back and each is handled again on its own, and a failed handler is
 * retried with a delay. Nothing is lost when the consumer is down: the durable consumer remembers where it
 * stopped, and a message is acknowledged only after its transaction committed.
 */
@Injectable()
export class EventConsumerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('events');
  private readonly running: { messages: ConsumerMessages; done: Promise<void> }[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly nats: NatsConnectionService,
    private readonly dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const method = instance[name] as EventHandlerFn;
        const meta = this.reflector.get<EventHandlerMeta | undefined>(EVENT_HANDLER, method);
        if (meta) await this.start(meta, method.bind(instance));
      }
    }
  }

  async start(meta: EventHandlerMeta, handler: EventHandlerFn): Promise<void> {
    const nc = await this.nats.connection();
    const jsm = await ensureEventStream(nc);
    const service = this.options.serviceName;
    // NATS lets an app's user read only its own durables (nats-permissions.ts): say so plainly, before NATS does.
    if (
      (NATS_APPS as readonly string[]).includes(service) &&
      !EVENT_CONSUMERS[service as NatsApp].includes(meta.durable)
    )
      throw new Error(
        `durable consumer "${meta.durable}" of ${service} is not in EVENT_CONSUMERS (libs/messaging/src/nats-permissions.ts): add it there`,
      );
    const durable = durableName(service, meta.durable);
    try {
      await jsm.consumers.info(EVENT_STREAM, durable);
    } catch {
      await jsm.consumers.add(EVENT_STREAM, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: meta.subject,
        ack_wait: 30_000_000_000,
        max_deliver: -1,
      });
    }
    const consumer = await nc.jetstream().consumers.get(EVENT_STREAM, durable);
    const messages = await consumer.consume({ max_messages: EVENT_BATCH });
    const done = (async () => {
      for await (const batch of batches(messages, EVENT_BATCH))
        await this.processBatch(durable, batch, handler);
    })();
    this.running.push({ messages, done });
  }

  /**
   * The batch in one transaction; if it fails, each event again in a transaction of its own, and one that fails
   * alone is retried later with a delay.
   */
  private async processBatch(consumer: string, batch: JsMsg[], handler: EventHandlerFn): Promise<void> {
    const decoded: { m: JsMsg; event: DomainEvent }[] = [];
    for (const m of batch) {
      try {
        decoded.push({ m, event: decode<DomainEvent>(m.data) });
      } catch {
        this.logger.error(`${consumer}: undecodable message ${m.seq}, terminated`);
        m.term();
      }
    }
    if (decoded.length > 1) {
      try {
        await this.handle(
          consumer,
          decoded.map((d) => d.event),
          handler,
        );
        for (const d of decoded) d.m.ack();
        return;
      } catch (e) {
        this.logger.warn(
          `${consumer}: a batch of ${decoded.length} events failed (${(e as Error).message}); each again on its own`,
        );
      }
    }
    for (const { m, event } of decoded) {
      try {
        await this.handle(consumer, [event], handler);
        m.ack();
      } catch (e) {
        const delayMs = Math.min(60_000, 1000 * 2 ** Math.min(m.info.redeliveryCount, 6));
        this.logger.warn(
          `${consumer}: event ${event.id} failed (${(e as Error).message}); retry in ${delayMs} ms`,
        );
        m.nak(delayMs);
      }
    }
  }

  /**
   * One transaction: the events' inbox rows, and the handler for each event not recorded before (an event
   * delivered twice, even twice in one batch, is handled once).
   */
  private async handle(consumer: string, events: DomainEvent[], handler: EventHandlerFn): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const fresh: { event_id: string }[] = await tx.query(
        `INSERT INTO inbox (consumer, event_id, subject)
         SELECT $1, e.id, e.subject FROM unnest($2::uuid[], $3::text[]) AS e(id, subject)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, events.map((e) => e.id), events.map((e) => e.subject)],
      );
      const todo = new Set(fresh.map((r) => r.event_id));
      for (const event of events) if (todo.delete(event.id.toLowerCase())) await handler(event, tx);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const r of this.running) await r.messages.close();
    await Promise.allSettled(this.running.map((r) => r.done));
  }
}

/**
 * The messages of a consumer in batches: the first one as it comes, then those already received (they arrive
 * in a few microtasks; the one that is not there after a macrotask starts the next batch).
 */
export async function* batches<T>(source: AsyncIterable<T>, max: number): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  for (;;) {
    const first = await next;
    if (first.done) return;
    const batch = [first.value];
    next = it.next();
    let ended = false;
    while (batch.length < max) {
      const r = await Promise.race([next, afterSettled()]);
      if (r === NOT_YET) break;
      if (r.done) {
        ended = true;
        break;
      }
      batch.push(r.value);
      next = it.next();
    }
    yield batch;
    if (ended) return;
  }
}
