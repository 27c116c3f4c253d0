import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, point 2: an API key belongs to a member and acts as that member with at most the member's roles; it
 * expires (90 days by default, a year at most) and is revoked when its owner leaves. Keys created before this
 * belonged to their creator and expire 90 days after their creation.
 */
export class GatewayApiKeyOwners1734300000000 implements MigrationInterface {
  name = 'GatewayApiKeyOwners1734300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN owner_id uuid`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN expires_at timestamptz(3)`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN revoked_reason text`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN revoked_by uuid`);
    await q.query(
      `UPDATE api_keys SET owner_id = created_by, expires_at = created_at + interval '90 days',
              revoked_reason = CASE WHEN revoked_at IS NOT NULL THEN 'revoked' END`,
    );
    await q.query(`ALTER TABLE api_keys ALTER COLUMN owner_id SET NOT NULL`);
    await q.query(`ALTER TABLE api_keys ALTER COLUMN expires_at SET NOT NULL`);
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_lifetime CHECK (expires_at > created_at AND expires_at <= created_at + interval '366 days')`,
    );
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_revocation CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))`,
    );
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_reason CHECK (revoked_reason IN ('revoked', 'owner_departed'))`,
    );
    await q.query(`CREATE INDEX api_keys_owner ON api_keys (workspace_id, owner_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX api_keys_owner`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_reason`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_revocation`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_lifetime`);
    await q.query(
      `ALTER TABLE api_keys DROP COLUMN revoked_by, DROP COLUMN revoked_reason, DROP COLUMN expires_at, DROP COLUMN owner_id`,
    );
  }
}
