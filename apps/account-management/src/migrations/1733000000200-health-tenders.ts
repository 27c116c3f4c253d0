import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4, points 8 and 9: each account's health score with its reasons (daily job), the risk register per account,
 * and tenders (政府采购) with their deadline reminders (one notification per tender, member and offset).
 */
export class HealthTenders1733000000200 implements MigrationInterface {
  name = 'HealthTenders1733000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE accounts ADD COLUMN health_score smallint CHECK (health_score BETWEEN 0 AND 100)`,
    );
    await q.query(`ALTER TABLE accounts ADD COLUMN health_reasons jsonb`);
    await q.query(`ALTER TABLE accounts ADD COLUMN health_computed_at timestamptz(3)`);
    await q.query(`
      CREATE TABLE account_risks (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        account_id   uuid NOT NULL,
        risk         text NOT NULL,
        severity     text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
        likelihood   text NOT NULL CHECK (likelihood IN ('low', 'medium', 'high')),
        mitigation   text,
        owner_id     uuid NOT NULL,
        status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mitigated', 'closed')),
        version      integer NOT NULL DEFAULT 1,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        updated_at   timestamptz(3) NOT NULL DEFAULT now(),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
        FOREIGN KEY (workspace_id, owner_id) REFERENCES members (workspace_id, id)
      )`);
    await q.query(
      `CREATE INDEX account_risks_by_account ON account_risks (workspace_id, account_id, created_at, id)`,
    );
    await q.query(`
      CREATE TABLE tenders (
        id              uuid PRIMARY KEY,
        workspace_id    uuid NOT NULL,
        account_id      uuid NOT NULL,
        title           text NOT NULL,
        notice_ref      text,
        published_on    date,
        deadline_at     timestamptz(3) NOT NULL,
        bid_document_id uuid,
        status          text NOT NULL DEFAULT 'noticed'
                        CHECK (status IN ('noticed', 'preparing', 'submitted', 'won', 'lost', 'cancelled')),
        submitted_at    timestamptz(3),
        result_note     text,
        amount_minor    bigint CHECK (amount_minor > 0),
        currency        char(3),
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz(3) NOT NULL DEFAULT now(),
        updated_at      timestamptz(3) NOT NULL DEFAULT now(),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
        CHECK ((amount_minor IS NULL) = (currency IS NULL))
      )`);
    await q.query(`CREATE INDEX tenders_by_account ON tenders (workspace_id, account_id, deadline_at, id)`);
    await q.query(`CREATE INDEX tenders_by_deadline ON tenders (workspace_id, deadline_at, id)`);
    await q.query(`
      CREATE TABLE tender_reminders (
        tender_id  uuid NOT NULL REFERENCES tenders (id),
        days       smallint NOT NULL,
        member_id  uuid,
        at         timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (tender_id, days)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tender_reminders`);
    await q.query(`DROP TABLE tenders`);
    await q.query(`DROP TABLE account_risks`);
    await q.query(`ALTER TABLE accounts DROP COLUMN health_computed_at`);
    await q.query(`ALTER TABLE accounts DROP COLUMN health_reasons`);
    await q.query(`ALTER TABLE accounts DROP COLUMN health_score`);
  }
}
