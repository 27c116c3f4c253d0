import { MigrationInterface, QueryRunner } from 'typeorm';
import { entryHash, GENESIS_HASH } from '../access-log/access-log-chain';

/**
 * Documents (issue 6): documents with versions, their ciphertext in a table of its own, grants; the access log
 * becomes a hash chain per workspace (sequence, previous hash, hash) with a head row per workspace that
 * serialises appends, and this service's own role loses UPDATE, DELETE and TRUNCATE on it.
 */
export class Documents1733200000000 implements MigrationInterface {
  name = 'Documents1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE documents (
        id              uuid PRIMARY KEY,
        workspace_id    uuid NOT NULL,
        kind            text NOT NULL CHECK (kind IN ('policy', 'customer_archive', 'contract', 'bid',
                          'meeting_minutes', 'report', 'training_material', 'handover_report')),
        classification  text NOT NULL CHECK (classification IN ('public', 'internal', 'confidential', 'secret')),
        title           text NOT NULL,
        owner_id        uuid NOT NULL,
        account_id      uuid,
        retention_until date,
        current_version integer NOT NULL DEFAULT 1,
        created_by      uuid NOT NULL,
        created_at      timestamptz(3) NOT NULL DEFAULT now(),
        updated_at      timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX documents_by_time ON documents (workspace_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX documents_by_account ON documents (workspace_id, account_id)`);
    await q.query(`CREATE INDEX documents_by_owner ON documents (workspace_id, owner_id)`);
    await q.query(`
      CREATE TABLE document_versions (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        document_id  uuid NOT NULL,
        version_no   integer NOT NULL,
        file_name    text NOT NULL,
        mime_type    text NOT NULL,
        size_bytes   bigint NOT NULL,
        sha256       text NOT NULL,
        key_id       text NOT NULL,
        wrapped_key  bytea NOT NULL,
        iv           bytea NOT NULL,
        auth_tag     bytea NOT NULL,
        uploaded_by  uuid NOT NULL,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (document_id, version_no),
        FOREIGN KEY (workspace_id, document_id) REFERENCES documents (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX document_versions_by_key ON document_versions (key_id)`);
    // Ciphertext only, apart from the metadata, so a metadata scan never drags the content along.
    await q.query(`
      CREATE TABLE document_contents (
        version_id   uuid PRIMARY KEY REFERENCES document_versions (id),
        workspace_id uuid NOT NULL,
        ciphertext   bytea NOT NULL
      )`);
    await q.query(`ALTER TABLE document_contents ALTER COLUMN ciphertext SET STORAGE EXTERNAL`);
    await q.query(`
      CREATE TABLE document_grants (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        document_id  uuid NOT NULL,
        grantee_type text NOT NULL CHECK (grantee_type IN ('member', 'team', 'role')),
        grantee_id   text NOT NULL,
        reason       text NOT NULL,
        expires_at   timestamptz(3) NOT NULL,
        granted_by   uuid NOT NULL,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        revoked_at   timestamptz(3),
        revoked_by   text,
        FOREIGN KEY (workspace_id, document_id) REFERENCES documents (workspace_id, id)
      )`);
    await q.query(
      `CREATE INDEX document_grants_live ON document_grants (document_id, grantee_type, grantee_id)
       WHERE revoked_at IS NULL`,
    );

    // The access log as a chain.
    await q.query(`ALTER TABLE access_log ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text,
                   ADD COLUMN document_id uuid`);
    await q.query(`
      CREATE TABLE access_log_heads (
        workspace_id uuid PRIMARY KEY,
        seq          bigint NOT NULL,
        hash         text NOT NULL,
        updated_at   timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await this.chainExistingRows(q);
    await q.query(`ALTER TABLE access_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL,
                   ALTER COLUMN hash SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX access_log_chain ON access_log (workspace_id, seq)`);
    await q.query(`CREATE INDEX access_log_by_document ON access_log (workspace_id, document_id, seq)`);
    // Append-only for this service too: the trigger refuses changes, and the role itself may only insert.
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON access_log FROM CURRENT_USER`);
  }

  /** Export rows written before the chain existed are chained in their order of time. */
  private async chainExistingRows(q: QueryRunner): Promise<void> {
    const rows: {
      id: string;
      workspace_id: string;
      member_id: string;
      action: string;
      subject: string;
      details: unknown;
      at: Date;
    }[] = await q.query(
      `SELECT id, workspace_id, member_id, action, subject, details, at FROM access_log
       ORDER BY workspace_id, at, id`,
    );
    if (!rows.length) return;
    await q.query(`ALTER TABLE access_log DISABLE TRIGGER access_log_append_only`);
    const heads = new Map<string, { seq: number; hash: string }>();
    for (const r of rows) {
      const head = heads.get(r.workspace_id) ?? { seq: 0, hash: GENESIS_HASH };
      const seq = head.seq + 1;
      const hash = entryHash(
        {
          id: r.id,
          workspaceId: r.workspace_id,
          seq,
          memberId: r.member_id,
          action: r.action,
          subject: r.subject,
          documentId: null,
          details: r.details,
          at: r.at.toISOString(),
        },
        head.hash,
      );
      await q.query(`UPDATE access_log SET seq = $2, prev_hash = $3, hash = $4 WHERE id = $1`, [
        r.id,
        seq,
        head.hash,
        hash,
      ]);
      heads.set(r.workspace_id, { seq, hash });
    }
    await q.query(`ALTER TABLE access_log ENABLE TRIGGER access_log_append_only`);
    for (const [ws, h] of heads)
      await q.query(`INSERT INTO access_log_heads (workspace_id, seq, hash) VALUES ($1, $2, $3)`, [
        ws,
        h.seq,
        h.hash,
      ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`GRANT UPDATE, DELETE, TRUNCATE ON access_log TO CURRENT_USER`);
    await q.query(`DROP INDEX access_log_by_document`);
    await q.query(`DROP INDEX access_log_chain`);
    await q.query(`DROP TABLE access_log_heads`);
    await q.query(`ALTER TABLE access_log DISABLE TRIGGER access_log_append_only`);
    await q.query(`ALTER TABLE access_log DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash,
                   DROP COLUMN document_id`);
    await q.query(`ALTER TABLE access_log ENABLE TRIGGER access_log_append_only`);
    await q.query(`DROP TABLE document_grants`);
    await q.query(`DROP TABLE document_contents`);
    await q.query(`DROP TABLE document_versions`);
    await q.query(`DROP TABLE documents`);
  }
}
