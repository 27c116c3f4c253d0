import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Export controls, policy acknowledgements and departures (issue 6, points 5-7): export requests with the
 * director's decision and a single use; publications of policy documents, who acknowledged which version, and the
 * reminders already sent (once per member, version and day); the history of a document's owners.
 */
export class DocumentControls1733800000000 implements MigrationInterface {
  name = 'DocumentControls1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE export_requests (
        id              uuid PRIMARY KEY,
        workspace_id    uuid NOT NULL,
        kind            text NOT NULL CHECK (kind IN ('documents', 'accounts')),
        requester_id    text NOT NULL,
        document_ids    uuid[] NOT NULL DEFAULT '{}',
        account_filters jsonb,
        item_count      integer,
        includes_secret boolean NOT NULL DEFAULT false,
        reason          text NOT NULL,
        status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        decided_by      text,
        decided_at      timestamptz(3),
        decision_note   text,
        expires_at      timestamptz(3),
        used_at         timestamptz(3),
        created_at      timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX export_requests_by_time ON export_requests (workspace_id, created_at DESC, id DESC)`,
    );
    await q.query(`
      CREATE TABLE policy_publications (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        document_id  uuid NOT NULL,
        version_no   integer NOT NULL,
        published_by text NOT NULL,
        published_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (document_id, version_no),
        FOREIGN KEY (workspace_id, document_id) REFERENCES documents (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX policy_publications_by_workspace ON policy_publications (workspace_id)`);
    await q.query(`
      CREATE TABLE policy_acknowledgements (
        workspace_id    uuid NOT NULL,
        document_id     uuid NOT NULL,
        version_no      integer NOT NULL,
        member_id       uuid NOT NULL,
        acknowledged_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (document_id, version_no, member_id),
        FOREIGN KEY (document_id, version_no) REFERENCES policy_publications (document_id, version_no)
      )`);
    await q.query(`
      CREATE TABLE policy_reminders (
        workspace_id uuid NOT NULL,
        document_id  uuid NOT NULL,
        version_no   integer NOT NULL,
        member_id    uuid NOT NULL,
        day          date NOT NULL,
        PRIMARY KEY (document_id, version_no, member_id, day)
      )`);
    await q.query(`
      CREATE TABLE document_owner_history (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        document_id  uuid NOT NULL,
        from_owner   uuid NOT NULL,
        to_owner     uuid NOT NULL,
        reason       text NOT NULL,
        report_id    uuid,
        at           timestamptz(3) NOT NULL DEFAULT now(),
        FOREIGN KEY (workspace_id, document_id) REFERENCES documents (workspace_id, id)
      )`);
    await q.query(
      `CREATE INDEX document_owner_history_by_document ON document_owner_history (document_id, at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE document_owner_history`);
    await q.query(`DROP TABLE policy_reminders`);
    await q.query(`DROP TABLE policy_acknowledgements`);
    await q.query(`DROP TABLE policy_publications`);
    await q.query(`DROP TABLE export_requests`);
  }
}
