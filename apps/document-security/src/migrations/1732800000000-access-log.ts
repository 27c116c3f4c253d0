import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access log (DESIGN §4): every export, every read of a confidential or secret item, every denied attempt.
 * Append-only: a trigger refuses UPDATE and DELETE, for this service's own role too.
 */
export class AccessLog1732800000000 implements MigrationInterface {
  name = 'AccessLog1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        member_id    text NOT NULL,
        action       text NOT NULL,
        subject      text NOT NULL,
        details      jsonb NOT NULL DEFAULT '{}',
        at           timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX access_log_by_time ON access_log (workspace_id, at DESC)`);
    await q.query(`CREATE INDEX access_log_by_member ON access_log (workspace_id, member_id, at DESC)`);
    await q.query(`
      CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'access_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON access_log
      FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log`);
    await q.query(`DROP FUNCTION access_log_append_only()`);
  }
}
