import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, point 6: the gateway records archive views, refusals and job-console actions for the access log. They go
 * through a transactional outbox like every other event (relayed to JetStream, appended by document-security), so an
 * entry acknowledged here survives a restart of any service. The same tables as a service's (libs/persistence).
 */
export class GatewayOutbox1734300000100 implements MigrationInterface {
  name = 'GatewayOutbox1734300000100';

  async up(q: QueryRunner): Promise<void> {
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

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox`);
    await q.query(`DROP TABLE outbox`);
  }
}
