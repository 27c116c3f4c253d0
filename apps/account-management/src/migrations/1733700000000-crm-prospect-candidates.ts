import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7: CRM companies that are not key accounts yet, as seen by the Twenty webhooks and sync. A market
 * researcher promotes one to a prospect account; until then it is only a list, never an account.
 */
export class CrmProspectCandidates1733700000000 implements MigrationInterface {
  name = 'CrmProspectCandidates1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE crm_prospect_candidates (
        id             uuid PRIMARY KEY,
        workspace_id   uuid NOT NULL REFERENCES workspaces (id),
        crm_company_id text NOT NULL,
        name           text NOT NULL CHECK (char_length(name) <= 200),
        domain         text,
        employees      integer CHECK (employees >= 0),
        city           text,
        status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'promoted', 'deleted')),
        account_id     uuid,
        first_seen_at  timestamptz(3) NOT NULL DEFAULT now(),
        updated_at     timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, crm_company_id),
        CHECK ((status = 'promoted') = (account_id IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX crm_prospect_candidates_open ON crm_prospect_candidates (workspace_id, status, name, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE crm_prospect_candidates`);
  }
}
