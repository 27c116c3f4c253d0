import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4, point 6: contract renewal reminders 60, 30 and 7 days before an active contract ends (daily job). One row
 * per contract and offset: the primary key makes a rerun remind nobody twice.
 */
export class ContractReminders1733100000000 implements MigrationInterface {
  name = 'ContractReminders1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contract_reminders (
        contract_id  uuid NOT NULL REFERENCES contracts (id),
        offset_days  smallint NOT NULL CHECK (offset_days > 0),
        sent_at      timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (contract_id, offset_days)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contract_reminders`);
  }
}
