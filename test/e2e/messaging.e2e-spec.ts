import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Injectable, ModuleMetadata } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { connect, ConsumerInfo, JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { Actor, EVENT_STREAM, KamError, Reply } from '@app/contracts';
import {
  addToOutbox,
  decode,
  DomainEvent,
  encode,
  EventHandler,
  MessagingModule,
  OutboxRelay,
  RpcClient,
  RpcHandler,
} from '@app/messaging';
import { createCommonTables, dropCommonTables, PersistenceModule } from '@app/persistence';
import { adminUrl, natsOptions, testEnv } from '../support/env';
import { withDb } from '../support/fixtures';

/**
 * The messaging lib in-process, against the real NATS JetStream and PostgreSQL of the test stack:
 * transactional outbox → JetStream → durable idempotent consumers, and request-reply in queue groups.
 * Everything this suite creates is private to one run: a throwaway schema owned by a throwaway login role,
 * subjects under kam.events.test.<run>.* and kam.test.<run>.*, durable consumers named after the run.
 */

const RUN = randomBytes(4).toString('hex');
const SERVICE = `msgtest-${RUN}`;
const ROLE = `kam_msgtest_${RUN}`;
const SCHEMA = `msgtest_${RUN}`;
const WORKSPACE = randomUUID();
const event = (name: string) => `kam.events.test.${RUN}.${name}`;
const rpc = (name: string) => `kam.test.${RUN}.${name}`;
/** The JetStream durable name the consumer host derives from the service name and the handler's durable. */
const durableName = (durable: string) => `${SERVICE}--${durable}`;

// ---------------------------------------------------------------------------------------------------------
// What the handlers saw. Counters live outside the Nest apps so they survive a consumer's restart.

/** event id → how many times a handler was entered for it (failed attempts included). */
const attempts = new Map<string, number>();
const attempt = (id: string): number => {
  const n = (attempts.get(id) ?? 0) + 1;
  attempts.set(id, n);
  return n;
};

class MessagingTestSchema1700000000000 implements MigrationInterface {
  name = 'MessagingTestSchema1700000000000';

  async up(q: QueryRunner): Promise<void> {
    await createCommonTables(q);
    // What the test handlers write, in the same transaction as the consumer's inbox row.
    await q.query(`
      CREATE TABLE handled (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        subject  text NOT NULL,
        attempt  int NOT NULL,
        tx       bigint NOT NULL DEFAULT txid_current()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE handled`);
    await dropCommonTables(q);
  }
}

/** A migration that takes a second, so that two replicas starting together overlap in it. */
class SlowTestMigration1700000000001 implements MigrationInterface {
  name = 'SlowTestMigration1700000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SELECT pg_sleep(1)`);
    await q.query(`CREATE TABLE slow_marker (id int PRIMARY KEY)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE slow_marker`);
  }
}

async function record(m: EntityManager, consumer: string, e: DomainEvent, n: number): Promise<void> {
  await m.query(`INSERT INTO handled (consumer, event_id, subject, attempt) VALUES ($1, $2, $3, $4)`, [
    consumer,
    e.id,
    e.subject,
    n,
  ]);
}

@Injectable()
class DowntimeConsumer {
  @EventHandler(event('downtime.>'), 'downtime')
  async onEvent(e: DomainEvent, m: EntityManager): Promise<void> {
    await record(m, 'downtime', e, attempt(e.id));
  }
}

@Injectable()
class DuplicateConsumer {
  @EventHandler(event('duplicate.>'), 'duplicate')
  async onEvent(e: DomainEvent, m: EntityManager): Promise<void> {
    await record(m, 'duplicate', e, attempt(e.id));
  }
}

@Injectable()
class SharedConsumer {
  @EventHandler(event('shared.>'), 'shared')
  async onEvent(e: DomainEvent, m: EntityManager): Promise<void> {
    await record(m, 'shared', e, attempt(e.id));
  }
}

@Injectable()
class FlakyConsumer {
  /** Writes, then fails on the first attempt (a downstream system is briefly down), succeeds afterwards. */
  @EventHandler(event('flaky.>'), 'flaky')
  async onEvent(e: DomainEvent, m: EntityManager): Promise<void> {
    const n = attempt(e.id);
    await record(m, 'flaky', e, n);
    if (n === 1) throw new Error('downstream system unavailable (simulated)');
  }
}

@Injectable()
class BurstConsumer {
  /** An event whose payload says `poison` fails twice (in its batch and on its own), then succeeds. */
  @EventHandler(event('burst.>'), 'burst')
  async onEvent(e: DomainEvent<{ poison?: boolean }>, m: EntityManager): Promise<void> {
    const n = attempt(e.id);
    await record(m, 'burst', e, n);
    if (e.payload.poison && n < 3) throw new Error('cannot handle this one yet (simulated)');
  }
}

@Injectable()
class RollbackConsumer {
  @EventHandler(event('rollback.>'), 'rollback')
  async onEvent(e: DomainEvent, m: EntityManager): Promise<void> {
    await record(m, 'rollback', e, attempt(e.id));
  }
}

/** Released by the test once it has seen the caller time out, so the app can shut down. */
let releaseSlow: () => void = () => undefined;
let slowGate: Promise<void> = Promise.resolve();
let slowCalls = 0;
let guardedCalls = 0;

@Injectable()
class TestResponder {
  /** Request numbers this instance (one per app) answered. */
  readonly handled: number[] = [];

  @RpcHandler(rpc('echo'))
  echo(data: { n: number }, actor: Actor): { n: number; memberId: string } {
    this.handled.push(data.n);
    return { n: data.n, memberId: actor.memberId };
  }

  @RpcHandler(rpc('conflict'))
  conflict(): never {
    throw new KamError('conflict', { reason: 'version 3 is stale' });
  }

  @RpcHandler(rpc('crash'))
  crash(): never {
    throw new Error('SELECT secret_column FROM internal_table failed');
  }

  @RpcHandler(rpc('slow'))
  async slow(): Promise<string> {
    slowCalls++;
    await slowGate;
    return 'too late';
  }

  @RpcHandler(rpc('guarded'))
  guarded(): string {
    guardedCalls++;
    return 'secret';
  }
}

// ---------------------------------------------------------------------------------------------------------

const env = testEnv();
let roleUrl = '';
const open = new Set<TestingModule>();
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

function actor(over: Partial<Actor> = {}): Actor {
  return {
    workspaceId: WORKSPACE,
    memberId: randomUUID(),
    roles: ['account_manager'],
    requestId: randomUUID(),
    ...over,
  };
}

async function startApp(o: {
  serviceName: string;
  providers?: ModuleMetadata['providers'];
  /** With the service's DataSource, the outbox relay and the durable consumers. */
  events?: boolean;
  queueGroup?: string;
}): Promise<TestingModule> {
  const imports: ModuleMetadata['imports'] = [
    MessagingModule.forRoot({
      url: env.natsUrl,
      // The suite's own service is none of the four apps: it runs as the tests' NATS user, which may do everything.
      credentials: env.natsCredentials.fixtures,
      serviceName: o.serviceName,
      queueGroup: o.queueGroup,
      requestTimeoutMs: 3000,
    }),
  ];
  if (o.events) {
    imports.unshift(
      PersistenceModule.forRoot({
        url: roleUrl,
        schema: SCHEMA,
        entities: [],
        migrations: [MessagingTestSchema1700000000000],
        poolSize: 4,
        applicationName: o.serviceName,
      }),
    );
    imports.push(MessagingModule.events({ pollMs: 50 }));
  }
  const app = await Test.createTestingModule({ imports, providers: o.providers ?? [] }).compile();
  await app.init();
  open.add(app);
  return app;
}

async function stopApp(app: TestingModule): Promise<void> {
  open.delete(app);
  await app.close();
}

/** Polls `check` until it is true; fails naming `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/** Waits until the durable consumer has delivered everything and every delivery was acknowledged. */
async function consumerSettled(durable: string): Promise<ConsumerInfo> {
  let info: ConsumerInfo | undefined;
  await until(`consumer ${durable} to be settled`, async () => {
    info = await jsm.consumers.info(EVENT_STREAM, durableName(durable));
    return info.num_pending === 0 && info.num_ack_pending === 0;
  });
  return info as ConsumerInfo;
}

/** How many messages the stream holds on exactly this subject. */
async function messagesOn(subject: string): Promise<number> {
  const info = await jsm.streams.info(EVENT_STREAM, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

async function handledRows(
  ds: DataSource,
  ids: string[],
): Promise<{ consumer: string; event_id: string; attempt: number }[]> {
  return ds.query(
    `SELECT consumer, event_id, attempt FROM handled WHERE event_id = ANY($1::uuid[]) ORDER BY attempt`,
    [ids],
  );
}

async function inboxRows(ds: DataSource, durable: string, id: string): Promise<number> {
  const rows: { n: number }[] = await ds.query(
    `SELECT count(*)::int AS n FROM inbox WHERE consumer = $1 AND event_id = $2`,
    [durableName(durable), id],
  );
  return rows[0].n;
}

async function writeEvents(ds: DataSource, subject: string, count: number): Promise<string[]> {
  return ds.transaction(async (m) => {
    const ids: string[] = [];
    for (let n = 0; n < count; n++)
      ids.push(await addToOutbox(m, { subject, workspaceId: WORKSPACE, payload: { n } }));
    return ids;
  });
}

function rawEvent(subject: string, payload: unknown = {}): DomainEvent {
  return {
    id: randomUUID(),
    subject,
    workspaceId: WORKSPACE,
    occurredAt: new Date().toISOString(),
    requestId: null,
    payload,
  };
}

beforeAll(async () => {
  const password = randomBytes(18).toString('base64url');
  await withDb(adminUrl(env), async (c) => {
    await c.query(
      `CREATE ROLE "${ROLE}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD '${password}'`,
    );
    await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE "${env.database}" TO "${ROLE}"`);
    await c.query(`CREATE SCHEMA "${SCHEMA}" AUTHORIZATION "${ROLE}"`);
  });
  const u = new URL(adminUrl(env));
  u.username = ROLE;
  u.password = password;
  roleUrl = u.toString();
  nc = await connect({ servers: env.natsUrl, ...natsOptions(env, 'fixtures'), name: `messaging-e2e-${RUN}` });
  js = nc.jetstream();
  jsm = await nc.jetstreamManager();
});

afterAll(async () => {
  releaseSlow();
  for (const app of [...open].reverse()) await app.close().catch(() => undefined);
  if (nc) {
    try {
      for await (const c of jsm.consumers.list(EVENT_STREAM))
        if (c.name.startsWith(`${SERVICE}-`)) await jsm.consumers.delete(EVENT_STREAM, c.name);
      await jsm.streams.purge(EVENT_STREAM, { filter: event('>') });
    } catch {
      // the stream was never created: nothing to clean
    }
    await nc.close();
  }
  await withDb(adminUrl(env), async (c) => {
    await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [ROLE]);
    await c.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await c.query(`DROP OWNED BY "${ROLE}"`);
    await c.query(`DROP ROLE IF EXISTS "${ROLE}"`);
  });
});

describe('domain events: transactional outbox, JetStream, durable idempotent consumers', () => {
  let producer: TestingModule;
  let ds: DataSource;

  beforeAll(async () => {
    // The producer runs the migrations (as its own role, in its own schema) and the outbox relay.
    producer = await startApp({ serviceName: `${SERVICE}-producer`, events: true });
    ds = producer.get(DataSource);
    // The consumer service, up for the whole block.
    await startApp({
      serviceName: SERVICE,
      events: true,
      providers: [DuplicateConsumer, FlakyConsumer, RollbackConsumer, BurstConsumer],
    });
  });

  it('the service schema is created by its migration, owned by the service role', async () => {
    const rows: { tablename: string; tableowner: string }[] = await ds.query(
      `SELECT tablename, tableowner FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`,
      [SCHEMA],
    );
    expect(rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(['handled', 'idempotency_keys', 'inbox', 'migrations', 'outbox']),
    );
    expect(new Set(rows.map((r) => r.tableowner))).toEqual(new Set([ROLE]));
  });

  it('an event written while its consumer is down is handled exactly once when the consumer comes back', async () => {
    // The consumer has run once, so its durable exists; then it goes down.
    const first = await startApp({ serviceName: SERVICE, events: true, providers: [DowntimeConsumer] });
    await expect(jsm.consumers.info(EVENT_STREAM, durableName('downtime'))).resolves.toBeDefined();
    await stopApp(first);

    const ids = await writeEvents(ds, event('downtime.account.created'), 3);
    producer.get(OutboxRelay).kick();
    await until('the outbox to be relayed', async () => {
      const rows: { n: number }[] = await ds.query(
        `SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::uuid[]) AND published_at IS NOT NULL`,
        [ids],
      );
      return rows[0].n === 3;
    });
    // Published and waiting for the durable consumer; nobody has handled them.
    expect((await jsm.consumers.info(EVENT_STREAM, durableName('downtime'))).num_pending).toBe(3);
    expect(await handledRows(ds, ids)).toEqual([]);

    await startApp({ serviceName: SERVICE, events: true, providers: [DowntimeConsumer] });
    await until('the three events to be handled', async () => (await handledRows(ds, ids)).length >= 3);
    await consumerSettled('downtime');

    expect(ids.map((id) => attempts.get(id))).toEqual([1, 1, 1]);
    const rows = await handledRows(ds, ids);
    expect(rows.map((r) => r.event_id).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await inboxRows(ds, 'downtime', id)).toBe(1);
  });

  it('two replicas of a consuming service share its durable consumer and handle each event once', async () => {
    await startApp({ serviceName: SERVICE, events: true, providers: [SharedConsumer] });
    await startApp({ serviceName: SERVICE, events: true, providers: [SharedConsumer] });
    const ids = await writeEvents(ds, event('shared.revisit.due'), 40);
    producer.get(OutboxRelay).kick();

    await until('the forty events to be handled', async () => (await handledRows(ds, ids)).length >= 40);
    await consumerSettled('shared');

    expect(ids.map((id) => attempts.get(id))).toEqual(ids.map(() => 1));
    expect(new Set((await handledRows(ds, ids)).map((r) => r.event_id)).size).toBe(40);
    expect(await handledRows(ds, ids)).toHaveLength(40);
  });

  it('the same event delivered twice (two stream messages, one event id) runs the handler once', async () => {
    const e = rawEvent(event('duplicate.account.updated'), { tier: 'gold' });
    // Different message ids, so JetStream's own de-duplication does not catch it: only the inbox can.
    await js.publish(e.subject, encode(e), { msgID: randomUUID() });
    await js.publish(e.subject, encode(e), { msgID: randomUUID() });
    expect(await messagesOn(e.subject)).toBe(2);

    await until('the event to be handled', async () => (await handledRows(ds, [e.id])).length >= 1);
    await consumerSettled('duplicate');

    expect(attempts.get(e.id)).toBe(1);
    expect(await handledRows(ds, [e.id])).toHaveLength(1);
    expect(await inboxRows(ds, 'duplicate', e.id)).toBe(1);
  });

  it('an event already recorded in the inbox is acknowledged without running the handler again', async () => {
    const done = rawEvent(event('duplicate.account.archived'));
    // As if an earlier run had handled it and crashed before acknowledging.
    await ds.query(`INSERT INTO inbox (consumer, event_id, subject) VALUES ($1, $2, $3)`, [
      durableName('duplicate'),
      done.id,
      done.subject,
    ]);
    const next = rawEvent(event('duplicate.account.archived'));
    await js.publish(done.subject, encode(done), { msgID: done.id });
    await js.publish(next.subject, encode(next), { msgID: next.id });

    await until('the next event to be handled', async () => (await handledRows(ds, [next.id])).length >= 1);
    const info = await consumerSettled('duplicate');

    expect(attempts.get(done.id)).toBeUndefined();
    expect(await handledRows(ds, [done.id])).toEqual([]);
    expect(attempts.get(next.id)).toBe(1);
    expect(info.num_redelivered).toBe(0);
  });

  it('a handler that fails is retried until it succeeds, and the writes of the failed attempt are rolled back', async () => {
    const [id] = await writeEvents(ds, event('flaky.complaint.escalated'), 1);
    producer.get(OutboxRelay).kick();

    await until('the retry to succeed', async () => (await inboxRows(ds, 'flaky', id)) === 1);
    await consumerSettled('flaky');

    expect(attempts.get(id)).toBe(2);
    // Only the successful attempt's write is left; the first attempt's row went with its transaction.
    expect((await handledRows(ds, [id])).map((r) => r.attempt)).toEqual([2]);
  });

  it('a burst of events is handled in shared transactions, each event once', async () => {
    const ids = await writeEvents(ds, event('burst.account.created'), 60);
    producer.get(OutboxRelay).kick();

    await until('the burst to be handled', async () => (await handledRows(ds, ids)).length === 60);
    await consumerSettled('burst');
    const [{ events, transactions }]: { events: number; transactions: number }[] = await ds.query(
      `SELECT count(*)::int AS events, count(DISTINCT tx)::int AS transactions FROM handled WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(events).toBe(60);
    expect(transactions).toBeLessThan(60);
    for (const id of ids) expect(await inboxRows(ds, 'burst', id)).toBe(1);
  });

  it('one failing event in a burst: the others are handled once, it is retried on its own until it succeeds', async () => {
    const ids = await ds.transaction(async (m) => {
      const out: string[] = [];
      for (let n = 0; n < 30; n++)
        out.push(
          await addToOutbox(m, {
            subject: event('burst.account.created'),
            workspaceId: WORKSPACE,
            payload: { n, poison: n === 14 },
          }),
        );
      return out;
    });
    const poison = ids[14];
    producer.get(OutboxRelay).kick();

    await until('the poisoned event to succeed', async () => (await inboxRows(ds, 'burst', poison)) === 1);
    await until('every event to be handled', async () => (await handledRows(ds, ids)).length === 30);
    await consumerSettled('burst');

    const rows = await handledRows(ds, ids);
    // Exactly one committed row per event: the writes of the failed batch went with its transaction.
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(30);
    expect(rows).toHaveLength(30);
    expect(attempts.get(poison)).toBe(3);
    expect(rows.find((r) => r.event_id === poison)?.attempt).toBe(3);
    for (const id of ids) expect(await inboxRows(ds, 'burst', id)).toBe(1);
  });

  it('an event written in a transaction that rolls back is never published', async () => {
    let rolledBackId = '';
    await expect(
      ds.transaction(async (m) => {
        rolledBackId = await addToOutbox(m, {
          subject: event('rollback.account.deleted'),
          workspaceId: WORKSPACE,
          payload: {},
        });
        throw new Error('business rule failed after the event was written');
      }),
    ).rejects.toThrow('business rule failed');
    expect(rolledBackId).not.toBe('');

    // A committed event written afterwards goes through: once it is handled, the relay has passed.
    const [committedId] = await writeEvents(ds, event('rollback.account.created'), 1);
    producer.get(OutboxRelay).kick();
    await until(
      'the committed event to be handled',
      async () => (await handledRows(ds, [committedId])).length >= 1,
    );
    await consumerSettled('rollback');

    expect(await ds.query(`SELECT id FROM outbox WHERE id = $1`, [rolledBackId])).toEqual([]);
    expect(await messagesOn(event('rollback.account.deleted'))).toBe(0);
    expect(await messagesOn(event('rollback.account.created'))).toBe(1);
    expect(attempts.get(rolledBackId)).toBeUndefined();
  });
});

describe('migrations', () => {
  it('two replicas starting together on a new schema: one runs the migrations, the other waits and finds them done', async () => {
    const schema = `${SCHEMA}_fresh`;
    await withDb(adminUrl(env), (c) => c.query(`CREATE SCHEMA "${schema}" AUTHORIZATION "${ROLE}"`));
    const replica = () =>
      Test.createTestingModule({
        imports: [
          PersistenceModule.forRoot({
            url: roleUrl,
            schema,
            entities: [],
            migrations: [MessagingTestSchema1700000000000, SlowTestMigration1700000000001],
            poolSize: 2,
          }),
        ],
      })
        .compile()
        .then(async (app) => {
          open.add(app);
          await app.init();
          return app;
        });
    const [a, b] = await Promise.all([replica(), replica()]);
    const rows: { name: string }[] = await a.get(DataSource).query(`SELECT name FROM migrations ORDER BY id`);
    expect(rows.map((r) => r.name)).toEqual([
      'MessagingTestSchema1700000000000',
      'SlowTestMigration1700000000001',
    ]);
    expect(await b.get(DataSource).query(`SELECT count(*)::int AS n FROM slow_marker`)).toEqual([{ n: 0 }]);
    await stopApp(a);
    await stopApp(b);
  });
});

describe('request-reply between services', () => {
  const QUEUE = `kam.msgtest-${RUN}`;
  let replicaA: TestingModule;
  let replicaB: TestingModule;
  let client: RpcClient;

  beforeAll(async () => {
    replicaA = await startApp({
      serviceName: `${SERVICE}-a`,
      queueGroup: QUEUE,
      providers: [TestResponder],
    });
    replicaB = await startApp({
      serviceName: `${SERVICE}-b`,
      queueGroup: QUEUE,
      providers: [TestResponder],
    });
    // A caller without a queue group, like the gateway.
    client = (await startApp({ serviceName: `${SERVICE}-caller` })).get(RpcClient);
  });

  it('two replicas in one queue group share the load and each request is handled exactly once', async () => {
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        client.request<{ n: number; memberId: string }>(rpc('echo'), actor({ memberId: `m-${n}` }), { n }),
      ),
    );
    expect(replies.map((r) => r.n)).toEqual(Array.from({ length: 200 }, (_, n) => n));
    expect(replies.every((r, n) => r.memberId === `m-${n}`)).toBe(true);

    const a = replicaA.get(TestResponder).handled;
    const b = replicaB.get(TestResponder).handled;
    expect(a.length + b.length).toBe(200);
    expect(new Set([...a, ...b]).size).toBe(200);
    // Both replicas took a share (the chance of a fair split leaving one idle is 2^-199).
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
  });

  it('a request to a service that is not running fails fast as service_unavailable, naming the service', async () => {
    const started = performance.now();
    const err = await client
      .request(`kam.documents.msgtest-${RUN}.nobody-listens`, actor(), {}, { timeoutMs: 3000 })
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;

    expect(err).toBeInstanceOf(KamError);
    expect((err as KamError).code).toBe('service_unavailable');
    expect((err as KamError).status).toBe(503);
    expect((err as KamError).params.service).toBe('document-security');
    expect(elapsed).toBeLessThan(1000);
  });

  it('a service that never answers becomes service_unavailable after the request timeout, not a hang', async () => {
    slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    try {
      const started = performance.now();
      const err = await client
        .request(rpc('slow'), actor(), {}, { timeoutMs: 1000 })
        .catch((e: unknown) => e);
      const elapsed = performance.now() - started;

      expect(slowCalls).toBe(1); // a responder did get it: this is the timeout path, not "no responders"
      expect(err).toBeInstanceOf(KamError);
      expect((err as KamError).code).toBe('service_unavailable');
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(2500);
    } finally {
      releaseSlow();
    }
  });

  it('a business error thrown by the service reaches the caller with its code, status and parameters', async () => {
    const err = await client.request(rpc('conflict'), actor(), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KamError);
    expect((err as KamError).code).toBe('conflict');
    expect((err as KamError).status).toBe(409);
    expect((err as KamError).params).toEqual({ reason: 'version 3 is stale' });
  });

  it('an unexpected failure in the service is internal_error and does not leak its message', async () => {
    const err = await client.request(rpc('crash'), actor(), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KamError);
    expect((err as KamError).code).toBe('internal_error');
    expect((err as KamError).status).toBe(500);
    const { message, params, errors } = err as KamError;
    expect(JSON.stringify({ message, params, errors })).not.toContain('secret_column');
  });

  /** Sends `bad` as the envelope's actor and returns the error code and status the caller got. */
  async function refusal(bad: Actor): Promise<{ code: string; status: number } | 'handled'> {
    if (typeof bad.requestId !== 'string') {
      // The client puts the request id in a header; send this one raw so only the envelope is at fault.
      const msg = await nc.request(rpc('guarded'), encode({ actor: bad, data: {} }), { timeout: 3000 });
      const reply = decode<Reply>(msg.data);
      return reply.ok ? 'handled' : { code: reply.error.code, status: reply.error.status };
    }
    try {
      await client.request(rpc('guarded'), bad, {});
      return 'handled';
    } catch (e) {
      expect(e).toBeInstanceOf(KamError);
      return { code: (e as KamError).code, status: (e as KamError).status };
    }
  }

  it.each<[string, Partial<Actor>]>([
    ['an unknown role', { roles: ['superuser'] as unknown as Actor['roles'] }],
    ['no member id', { memberId: undefined }],
    ['a workspace id that is not a string', { workspaceId: 42 as unknown as string }],
    ['roles that are not a list', { roles: 'director' as unknown as Actor['roles'] }],
    ['no request id', { requestId: undefined }],
  ])('a request whose actor has %s is refused as unauthenticated', async (_what, over) => {
    const before = guardedCalls;
    expect(await refusal({ ...actor(), ...over } as Actor)).toEqual({ code: 'unauthenticated', status: 401 });
    expect(guardedCalls).toBe(before);
  });

  it.each<[string, Partial<Actor>]>([
    ['an empty workspace id', { workspaceId: '' }],
    ['an empty member id', { memberId: '' }],
  ])('a request whose actor has %s is refused as unauthenticated', async (_what, over) => {
    const before = guardedCalls;
    expect(await refusal({ ...actor(), ...over } as Actor)).toEqual({ code: 'unauthenticated', status: 401 });
    expect(guardedCalls).toBe(before);
  });

  it('a request with no actor envelope at all is refused and the handler never runs', async () => {
    const before = guardedCalls;
    const reply = decode<Reply>(
      (await nc.request(rpc('guarded'), encode({ data: {} }), { timeout: 3000 })).data,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthenticated', status: 401 } });
    expect(guardedCalls).toBe(before);
  });

  it('a valid actor reaches the handler (control for the refusals above)', async () => {
    const before = guardedCalls;
    await expect(client.request(rpc('guarded'), actor(), {})).resolves.toBe('secret');
    expect(guardedCalls).toBe(before + 1);
  });
});
