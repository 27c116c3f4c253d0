import { MigrationInterface, QueryRunner } from 'typeorm';
import { createCommonTables, dropCommonTables } from '@app/persistence';

export class PerformanceInitial1732600000000 implements MigrationInterface {
  name = 'PerformanceInitial1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await createCommonTables(q);
    // "New key accounts" metric of the scorecards: one credit per account, to its owner at creation,
    // in the month (workspace time zone is applied when the month is evaluated).
    await q.query(`
      CREATE TABLE new_account_credits (
        workspace_id uuid NOT NULL,
        account_id   uuid NOT NULL,
        member_id    uuid NOT NULL,
        tier         text NOT NULL,
        credited_at  timestamptz(3) NOT NULL,
        event_id     uuid NOT NULL,
        PRIMARY KEY (workspace_id, account_id)
      )`);
    await q.query(
      `CREATE INDEX new_account_credits_member ON new_account_credits (workspace_id, member_id, credited_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE new_account_credits`);
    await dropCommonTables(q);
  }
}
