import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7: the CRM connection of each workspace (Twenty's base URL, API key and webhook secret; the two
 * secrets sealed with AES-256-GCM under KAM_CRM_SECRET_KEY) and the state of its sync run, saved after every
 * page so a killed run resumes where it stopped.
 */
export class GatewayCrm1733700000000 implements MigrationInterface {
  name = 'GatewayCrm1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE crm_connections (
        workspace_id          uuid PRIMARY KEY,
        base_url              text NOT NULL,
        api_key_sealed        bytea NOT NULL,
        webhook_secret_sealed bytea NOT NULL,
        updated_by            uuid NOT NULL,
        updated_at            timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE crm_sync_runs (
        workspace_id uuid PRIMARY KEY,
        run_id       uuid NOT NULL,
        status       text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        phase        text NOT NULL CHECK (phase IN ('companies', 'people', 'opportunities', 'write_back', 'done')),
        cursor       text,
        pages        integer NOT NULL DEFAULT 0,
        counts       jsonb NOT NULL DEFAULT '{}',
        last_error   text,
        started_at   timestamptz(3) NOT NULL DEFAULT now(),
        updated_at   timestamptz(3) NOT NULL DEFAULT now(),
        finished_at  timestamptz(3)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE crm_sync_runs`);
    await q.query(`DROP TABLE crm_connections`);
  }
}
