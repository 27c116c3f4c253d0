import { QueryRunner } from 'typeorm';

/**
 * The tables every service schema has: the transactional outbox, the inbox of processed event ids,
 * and the idempotency records of POSTs. Each service's first migration calls these.
 */
export async function createCommonTables(q: QueryRunner): Promise<void> {
  await createOutboxTables(q);
  await q.query(`
    CREATE TABLE idempotency_keys (
      workspace_id uuid NOT NULL,
      scope        text NOT NULL,
      key          text NOT NULL,
      request_hash text NOT NULL,
      response     jsonb NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, scope, key)
    )`);
  await q.query(`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`);
}

/** The transactional outbox and the inbox of processed event ids (ADR 0002): what OutboxRelay and EventConsumerHost use. */
export async function createOutboxTables(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE TABLE outbox (
      seq          bigserial PRIMARY KEY,
      id           uuid NOT NULL UNIQUE,
      subject      text NOT NULL,
      workspace_id uuid NOT NULL,
      payload      jsonb NOT NULL,
      request_id   text,
      occurred_at  timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`);
  await q.query(`CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL`);
  await q.query(`
    CREATE TABLE inbox (
      consumer     text NOT NULL,
      event_id     uuid NOT NULL,
      subject      text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`);
}

/**
 * Issue 14, point 11: an Idempotency-Key belongs to its caller (`idempotencyCaller`), so the same key sent by
 * two members is two requests. Keys stored before have no caller ('') and are never replayed again: they expire
 * with the retention purge.
 */
export async function scopeIdempotencyKeysToCallers(q: QueryRunner): Promise<void> {
  await q.query(`ALTER TABLE idempotency_keys ADD COLUMN caller text NOT NULL DEFAULT ''`);
  await q.query(`ALTER TABLE idempotency_keys ALTER COLUMN caller DROP DEFAULT`);
  await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey`);
  await q.query(`ALTER TABLE idempotency_keys ADD PRIMARY KEY (workspace_id, scope, caller, key)`);
}

export async function unscopeIdempotencyKeys(q: QueryRunner): Promise<void> {
  await q.query(`DELETE FROM idempotency_keys WHERE caller <> ''`);
  await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey`);
  await q.query(`ALTER TABLE idempotency_keys ADD PRIMARY KEY (workspace_id, scope, key)`);
  await q.query(`ALTER TABLE idempotency_keys DROP COLUMN caller`);
}

export async function dropCommonTables(q: QueryRunner): Promise<void> {
  await q.query(`DROP TABLE IF EXISTS idempotency_keys`);
  await q.query(`DROP TABLE IF EXISTS inbox`);
  await q.query(`DROP TABLE IF EXISTS outbox`);
}
