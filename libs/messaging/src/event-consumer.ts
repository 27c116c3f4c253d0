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

export type EventHandlerFn = (event: DomainEvent, manager: EntityManager) => Promise<void>;

/**
 * Runs every @EventHandler as a durable JetStream consumer. Each message is handled in one database
 * transaction together with an inbox row keyed by the event id: a redelivered event is acknowledged
 * without running the handler again. A failed handler is retried with a delay; nothing is lost when the
 * consumer is down, because the durable consumer remembers where it stopped.
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
    const durable = `${this.options.serviceName}--${meta.durable}`.replace(/[^A-Za-z0-9_-]/g, '_');
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
    const messages = await consumer.consume({ max_messages: 64 });
    const done = (async () => {
      for await (const m of messages) await this.process(durable, m, handler);
    })();
    this.running.push({ messages, done });
  }

  private async process(consumer: string, m: JsMsg, handler: EventHandlerFn): Promise<void> {
    let event: DomainEvent;
    try {
      event = decode<DomainEvent>(m.data);
    } catch {
      this.logger.error(`${consumer}: undecodable message ${m.seq}, terminated`);
      m.term();
      return;
    }
    try {
      await this.dataSource.transaction(async (tx) => {
        const fresh: unknown[] = await tx.query(
          `INSERT INTO inbox (consumer, event_id, subject) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id`,
          [consumer, event.id, event.subject],
        );
        if (fresh.length > 0) await handler(event, tx);
      });
      m.ack();
    } catch (e) {
      const delayMs = Math.min(60_000, 1000 * 2 ** Math.min(m.info.redeliveryCount, 6));
      this.logger.warn(
        `${consumer}: event ${event.id} failed (${(e as Error).message}); retry in ${delayMs} ms`,
      );
      m.nak(delayMs);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const r of this.running) await r.messages.close();
    await Promise.allSettled(this.running.map((r) => r.done));
  }
}
