import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4, point 1: revisits (回访) on the tier cadence, their escalation steps, in-app notifications per member,
 * and each account's last contact and next revisit due date.
 */
export class Revisits1732900000000 implements MigrationInterface {
  name = 'Revisits1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts ADD COLUMN last_contact_at timestamptz(3)`);
    await q.query(`ALTER TABLE accounts ADD COLUMN next_revisit_due date`);
    await q.query(`
      CREATE TABLE revisits (
        id                uuid PRIMARY KEY,
        workspace_id      uuid NOT NULL,
        account_id        uuid NOT NULL,
        due_date          date NOT NULL,
        status            text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done', 'overdue', 'cancelled')),
        assignee_id       uuid NOT NULL,
        escalation_level  smallint NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2),
        satisfaction      smallint CHECK (satisfaction BETWEEN 1 AND 5),
        issues            text,
        next_steps        text,
        completed_at      timestamptz(3),
        completed_by      uuid,
        rescheduled_from  date,
        reschedule_reason text,
        version           integer NOT NULL DEFAULT 1,
        created_at        timestamptz(3) NOT NULL DEFAULT now(),
        updated_at        timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (account_id, due_date),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
        FOREIGN KEY (workspace_id, assignee_id) REFERENCES members (workspace_id, id),
        CHECK ((status = 'done') = (completed_at IS NOT NULL))
      )`);
    // At most one open revisit per account: the sweep's "has no open revisit" is also a constraint.
    await q.query(
      `CREATE UNIQUE INDEX revisits_one_open ON revisits (account_id) WHERE status IN ('planned', 'overdue')`,
    );
    await q.query(`CREATE INDEX revisits_by_status_due ON revisits (workspace_id, status, due_date)`);
    await q.query(`CREATE INDEX revisits_by_assignee ON revisits (workspace_id, assignee_id, due_date)`);
    await q.query(`CREATE INDEX revisits_by_account ON revisits (workspace_id, account_id, due_date DESC)`);
    await q.query(`
      CREATE TABLE revisit_escalations (
        revisit_id   uuid NOT NULL REFERENCES revisits (id),
        level        smallint NOT NULL CHECK (level BETWEEN 1 AND 2),
        to_member_id uuid,
        at           timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (revisit_id, level)
      )`);
    await q.query(`
      CREATE TABLE notifications (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        member_id    uuid NOT NULL,
        kind         text NOT NULL,
        title        text NOT NULL,
        body         text,
        link         jsonb NOT NULL DEFAULT '{}',
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        read_at      timestamptz(3),
        FOREIGN KEY (workspace_id, member_id) REFERENCES members (workspace_id, id)
      )`);
    await q.query(
      `CREATE INDEX notifications_by_member ON notifications (workspace_id, member_id, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE revisit_escalations`);
    await q.query(`DROP TABLE revisits`);
    await q.query(`ALTER TABLE accounts DROP COLUMN next_revisit_due`);
    await q.query(`ALTER TABLE accounts DROP COLUMN last_contact_at`);
  }
}
