import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4, complaints: the customer complaint form (客户投诉处理表) with its SLA clocks, breaches, escalation and
 * the satisfaction callback (回访) that closing needs; every change of a complaint in `complaint_events`.
 */
export class Complaints1732900000100 implements MigrationInterface {
  name = 'Complaints1732900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE complaints (
        id                  uuid PRIMARY KEY,
        workspace_id        uuid NOT NULL,
        account_id          uuid NOT NULL,
        contact_id          uuid,
        channel             text NOT NULL CHECK (channel IN ('phone', 'email', 'visit', 'letter', 'online', 'other')),
        category            text NOT NULL CHECK (char_length(category) BETWEEN 1 AND 100),
        severity            text NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
        description         text NOT NULL CHECK (char_length(description) <= 5000),
        received_at         timestamptz(3) NOT NULL,
        handler_id          uuid,
        measures            text,
        result              text,
        customer_feedback   text,
        status              text NOT NULL DEFAULT 'open'
                              CHECK (status IN ('open', 'acknowledged', 'in_progress', 'resolved', 'closed')),
        first_response_due  timestamptz(3) NOT NULL,
        resolution_due      timestamptz(3) NOT NULL,
        first_responded_at  timestamptz(3),
        resolved_at         timestamptz(3),
        closed_at           timestamptz(3),
        breached_response   boolean NOT NULL DEFAULT false,
        breached_resolution boolean NOT NULL DEFAULT false,
        escalation_level    smallint NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 3),
        escalated_to        uuid,
        reopen_count        integer NOT NULL DEFAULT 0,
        callback_revisit    jsonb,
        created_by          uuid NOT NULL,
        version             integer NOT NULL DEFAULT 1,
        created_at          timestamptz(3) NOT NULL DEFAULT now(),
        updated_at          timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, id),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
        FOREIGN KEY (workspace_id, handler_id) REFERENCES members (workspace_id, id),
        CHECK (status NOT IN ('closed') OR callback_revisit IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX complaints_by_received ON complaints (workspace_id, received_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX complaints_account ON complaints (workspace_id, account_id, received_at DESC)`,
    );
    await q.query(`CREATE INDEX complaints_handler ON complaints (workspace_id, handler_id)`);
    // The SLA sweep reads only unresolved complaints.
    await q.query(
      `CREATE INDEX complaints_open_clock ON complaints (workspace_id, resolution_due)
       WHERE status IN ('open', 'acknowledged', 'in_progress')`,
    );
    await q.query(`
      CREATE TABLE complaint_events (
        seq          bigserial PRIMARY KEY,
        workspace_id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        at           timestamptz(3) NOT NULL DEFAULT now(),
        actor_id     uuid,
        kind         text NOT NULL CHECK (kind IN ('opened', 'transitioned', 'callback', 'breached')),
        from_status  text,
        to_status    text,
        note         text,
        details      jsonb NOT NULL DEFAULT '{}',
        FOREIGN KEY (workspace_id, complaint_id) REFERENCES complaints (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE complaint_events`);
    await q.query(`DROP TABLE complaints`);
  }
}
