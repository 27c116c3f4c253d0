import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each automatic criterion explains its points in both languages; the reader gets theirs. */
export class ScorecardExplanations1733900000000 implements MigrationInterface {
  name = 'ScorecardExplanations1733900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE scorecard_items ADD COLUMN explanation_zh text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE scorecard_items DROP COLUMN explanation_zh`);
  }
}
