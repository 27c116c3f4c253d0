import { MigrationInterface, QueryRunner } from 'typeorm';

export class GatewayInitial1732600000000 implements MigrationInterface {
  name = 'GatewayInitial1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id           text PRIMARY KEY,
        workspace_id uuid NOT NULL,
        name         text NOT NULL,
        roles        text[] NOT NULL CHECK (cardinality(roles) > 0),
        secret_hash  bytea NOT NULL,
        created_by   uuid NOT NULL,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz(3),
        revoked_at   timestamptz(3)
      )`);
    await q.query(`CREATE INDEX api_keys_workspace ON api_keys (workspace_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
  }
}
