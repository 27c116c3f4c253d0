import { QueryRunner } from 'typeorm';

/**
 * The tables every service schema has: the transactional outbox, the inbox of processed event ids,
 * and the idempotency records of POSTs. Each service's first migration calls these.
 */
export async function createCommonTables(q: QueryRunner): Promise<void> {
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

export async function dropCommonTables(q: QueryRunner): Promise<void> {
  await q.query(`DROP TABLE IF EXISTS idempotency_keys`);
  await q.query(`DROP TABLE IF EXISTS inbox`);
  await q.query(`DROP TABLE IF EXISTS outbox`);
}
