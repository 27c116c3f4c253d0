import { MigrationInterface, QueryRunner } from 'typeorm';

/** The handover report also counts the open revisits and complaints that moved to successors. */
export class HandoverOpenItems1732900000300 implements MigrationInterface {
  name = 'HandoverOpenItems1732900000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE handover_reports ADD COLUMN open_items_moved jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE handover_reports DROP COLUMN open_items_moved`);
  }
}
