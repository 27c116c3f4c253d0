import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4, satisfaction surveys (满意度调查): quarterly per account and after each resolved complaint, scores 1-5
 * per dimension; and the attendees of customer care and training records (客户关怀, 客户培训).
 */
export class Surveys1733000000000 implements MigrationInterface {
  name = 'Surveys1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE surveys (
        id                    uuid PRIMARY KEY,
        workspace_id          uuid NOT NULL,
        account_id            uuid NOT NULL,
        trigger               text NOT NULL CHECK (trigger IN ('scheduled', 'complaint_resolved', 'manual')),
        complaint_id          uuid,
        period                text CHECK (period ~ '^[0-9]{4}-Q[1-4]$'),
        status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'answered', 'expired')),
        due_date              date NOT NULL,
        answered_at           timestamptz(3),
        respondent_contact_id uuid,
        scores                jsonb,
        comments              text CHECK (char_length(comments) <= 5000),
        recorded_by           uuid,
        created_by            uuid,
        version               integer NOT NULL DEFAULT 1,
        created_at            timestamptz(3) NOT NULL DEFAULT now(),
        updated_at            timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, id),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
        FOREIGN KEY (workspace_id, complaint_id) REFERENCES complaints (workspace_id, id),
        CHECK ((trigger = 'scheduled') = (period IS NOT NULL)),
        CHECK ((trigger = 'complaint_resolved') = (complaint_id IS NOT NULL)),
        CHECK ((status = 'answered') = (answered_at IS NOT NULL AND scores IS NOT NULL)),
        CHECK (scores IS NULL OR jsonb_typeof(scores) = 'object')
      )`);
    // A rerun of the quarterly job or a second resolution of the same complaint creates none.
    await q.query(
      `CREATE UNIQUE INDEX surveys_scheduled_once ON surveys (account_id, trigger, period) WHERE trigger = 'scheduled'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX surveys_complaint_once ON surveys (complaint_id) WHERE complaint_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX surveys_account ON surveys (workspace_id, account_id, created_at DESC)`);
    await q.query(`CREATE INDEX surveys_by_created ON surveys (workspace_id, created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX surveys_answered ON surveys (workspace_id, answered_at) WHERE status = 'answered'`,
    );
    // Customer attendees (contact ids or names) and staff attendees (member ids) of care and training records.
    await q.query(`ALTER TABLE communication_records ADD COLUMN attendees jsonb`);
    await q.query(
      `ALTER TABLE communication_records ADD CONSTRAINT communication_records_attendees_kind
         CHECK (attendees IS NULL OR (kind IN ('care', 'training') AND jsonb_typeof(attendees) = 'object'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE communication_records DROP CONSTRAINT communication_records_attendees_kind`);
    await q.query(`ALTER TABLE communication_records DROP COLUMN attendees`);
    await q.query(`DROP TABLE surveys`);
  }
}
