import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 3: versioned workspace settings, organisation (manager chain, departure), tier history and approvals,
 * qualification and evaluation, pipeline handovers, the archive (contacts, communication records, timeline),
 * account plans, handover reports, and an index that serves Chinese substring search (bigrams).
 */
export class AccountManagement1732700000000 implements MigrationInterface {
  name = 'AccountManagement1732700000000';

  async up(q: QueryRunner): Promise<void> {
    // Settings: the current document on the workspace, every version in a history table.
    await q.query(`ALTER TABLE workspaces ADD COLUMN settings jsonb`);
    await q.query(`ALTER TABLE workspaces ADD COLUMN settings_version integer NOT NULL DEFAULT 1`);
    await q.query(`
      UPDATE workspaces SET settings = jsonb_build_object('timeZone', time_zone, 'tierLadder', tier_ladder)`);
    await q.query(`ALTER TABLE workspaces ALTER COLUMN settings SET NOT NULL`);
    await q.query(`ALTER TABLE workspaces DROP COLUMN tier_ladder`);
    await q.query(`
      CREATE TABLE workspace_settings_history (
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        version      integer NOT NULL,
        settings     jsonb NOT NULL,
        changed_by   uuid,
        changed_at   timestamptz(3) NOT NULL DEFAULT now(),
        reason       text,
        tier_mapping jsonb,
        PRIMARY KEY (workspace_id, version)
      )`);
    await q.query(`
      INSERT INTO workspace_settings_history (workspace_id, version, settings, reason)
      SELECT id, settings_version, settings, 'initial' FROM workspaces`);

    // Organisation.
    await q.query(`ALTER TABLE members ADD COLUMN phone text`);
    await q.query(`ALTER TABLE members ADD COLUMN successor_id uuid`);
    await q.query(`ALTER TABLE members ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE members ADD COLUMN updated_at timestamptz(3) NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE teams ADD COLUMN parent_id uuid`);
    await q.query(`ALTER TABLE teams ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE teams ADD COLUMN updated_at timestamptz(3) NOT NULL DEFAULT now()`);
    await q.query(
      `ALTER TABLE teams ADD FOREIGN KEY (workspace_id, parent_id) REFERENCES teams (workspace_id, id)`,
    );
    await q.query(
      `ALTER TABLE members ADD FOREIGN KEY (workspace_id, manager_id) REFERENCES members (workspace_id, id)`,
    );

    // Key accounts: qualification, evaluation, recommended tier, handover to the service team.
    await q.query(`ALTER TABLE accounts ADD COLUMN strategic_potential boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE accounts ADD COLUMN evaluation jsonb`);
    await q.query(`ALTER TABLE accounts ADD COLUMN evaluation_score numeric(5, 2)`);
    await q.query(`ALTER TABLE accounts ADD COLUMN recommended_tier text`);
    await q.query(`ALTER TABLE accounts ADD COLUMN service_handover jsonb`);
    await q.query(`ALTER TABLE accounts ADD COLUMN stage_changed_at timestamptz(3) NOT NULL DEFAULT now()`);
    await q.query(
      `ALTER TABLE accounts ADD CONSTRAINT accounts_name_length CHECK (char_length(name) <= 200)`,
    );

    // Chinese (and any) substring search: every two-character window of the lower-cased name, in a GIN index.
    await q.query(`
      CREATE FUNCTION name_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
        FROM generate_series(1, greatest(char_length(t) - 1, 0)) AS i
      $$`);
    await q.query(
      `ALTER TABLE accounts ADD COLUMN name_bigrams text[] GENERATED ALWAYS AS (name_bigrams(name)) STORED`,
    );
    await q.query(`CREATE INDEX accounts_name_bigrams ON accounts USING gin (name_bigrams)`);
    await q.query(`CREATE INDEX accounts_by_owner_name ON accounts (workspace_id, owner_id, name, id)`);
    await q.query(`CREATE INDEX accounts_by_stage ON accounts (workspace_id, status)`);

    // Tier history, with approvals for downgrades from the top tiers.
    await q.query(`ALTER TABLE accounts ADD UNIQUE (workspace_id, id)`);
    await q.query(`
      CREATE TABLE tier_changes (
        id            uuid PRIMARY KEY,
        workspace_id  uuid NOT NULL,
        account_id    uuid NOT NULL,
        from_tier     text,
        to_tier       text NOT NULL,
        reason        text NOT NULL,
        status        text NOT NULL CHECK (status IN ('applied', 'pending', 'approved', 'rejected', 'superseded')),
        requested_by  uuid NOT NULL,
        requested_at  timestamptz(3) NOT NULL DEFAULT now(),
        decided_by    uuid,
        decided_at    timestamptz(3),
        decision_note text,
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
      )`);
    await q.query(
      `CREATE INDEX tier_changes_account ON tier_changes (workspace_id, account_id, requested_at)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX tier_changes_one_pending ON tier_changes (account_id) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX tier_changes_pending ON tier_changes (workspace_id, requested_at) WHERE status = 'pending'`,
    );

    // The archive: contacts, communication records, the cooperation timeline.
    await q.query(`
      CREATE TABLE contacts (
        id            uuid PRIMARY KEY,
        workspace_id  uuid NOT NULL,
        account_id    uuid NOT NULL,
        crm_person_id text,
        name          text NOT NULL CHECK (char_length(name) <= 100),
        title         text,
        phone         text,
        email         text,
        buying_role   text NOT NULL CHECK (buying_role IN ('decision_maker', 'influencer', 'user', 'gatekeeper')),
        is_primary    boolean NOT NULL DEFAULT false,
        notes         text,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz(3) NOT NULL DEFAULT now(),
        updated_at    timestamptz(3) NOT NULL DEFAULT now(),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX contacts_account ON contacts (workspace_id, account_id)`);
    await q.query(`CREATE UNIQUE INDEX contacts_one_primary ON contacts (account_id) WHERE is_primary`);
    await q.query(
      `CREATE UNIQUE INDEX contacts_crm_person ON contacts (workspace_id, account_id, crm_person_id) WHERE crm_person_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE communication_records (
        id            uuid PRIMARY KEY,
        workspace_id  uuid NOT NULL,
        account_id    uuid NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('visit', 'call', 'meeting', 'email', 'training', 'care')),
        occurred_at   timestamptz(3) NOT NULL,
        summary       text NOT NULL CHECK (char_length(summary) <= 5000),
        next_steps    text,
        next_step_due date,
        contact_ids   uuid[] NOT NULL DEFAULT '{}',
        recorded_by   uuid NOT NULL,
        created_at    timestamptz(3) NOT NULL DEFAULT now(),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
      )`);
    await q.query(
      `CREATE INDEX communication_records_account ON communication_records (workspace_id, account_id, occurred_at DESC)`,
    );
    await q.query(`
      CREATE TABLE account_timeline (
        seq          bigserial PRIMARY KEY,
        workspace_id uuid NOT NULL,
        account_id   uuid NOT NULL,
        at           timestamptz(3) NOT NULL DEFAULT now(),
        actor_id     uuid,
        kind         text NOT NULL,
        details      jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(
      `CREATE INDEX account_timeline_account ON account_timeline (workspace_id, account_id, seq DESC)`,
    );

    // Account plans.
    await q.query(`
      CREATE TABLE account_plans (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        account_id   uuid NOT NULL,
        period       text NOT NULL CHECK (period ~ '^\\d{4}(-(Q[1-4]|H[12]|(0[1-9]|1[0-2])))?$'),
        objectives   jsonb NOT NULL DEFAULT '[]',
        strategies   text,
        resources    text,
        budget_minor bigint CHECK (budget_minor >= 0),
        currency     char(3),
        status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'done', 'cancelled')),
        created_by   uuid NOT NULL,
        version      integer NOT NULL DEFAULT 1,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        updated_at   timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, account_id, period),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
      )`);

    // Staff departure: one report per leaver.
    await q.query(`
      CREATE TABLE handover_reports (
        id             uuid PRIMARY KEY,
        workspace_id   uuid NOT NULL,
        member_id      uuid NOT NULL,
        successor_id   uuid NOT NULL,
        performed_by   uuid NOT NULL,
        performed_at   timestamptz(3) NOT NULL DEFAULT now(),
        reason         text,
        accounts_moved jsonb NOT NULL,
        teams_moved    jsonb NOT NULL DEFAULT '[]',
        UNIQUE (workspace_id, member_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE handover_reports`);
    await q.query(`DROP TABLE account_plans`);
    await q.query(`DROP TABLE account_timeline`);
    await q.query(`DROP TABLE communication_records`);
    await q.query(`DROP TABLE contacts`);
    await q.query(`DROP TABLE tier_changes`);
    await q.query(`ALTER TABLE accounts DROP CONSTRAINT accounts_workspace_id_id_key`);
    await q.query(`DROP INDEX accounts_by_stage`);
    await q.query(`DROP INDEX accounts_by_owner_name`);
    await q.query(`ALTER TABLE accounts DROP COLUMN name_bigrams`);
    await q.query(`DROP FUNCTION name_bigrams(text)`);
    await q.query(`ALTER TABLE accounts DROP CONSTRAINT accounts_name_length`);
    for (const c of [
      'stage_changed_at',
      'service_handover',
      'recommended_tier',
      'evaluation_score',
      'evaluation',
      'strategic_potential',
    ])
      await q.query(`ALTER TABLE accounts DROP COLUMN ${c}`);
    await q.query(`ALTER TABLE members DROP CONSTRAINT members_workspace_id_manager_id_fkey`);
    await q.query(`ALTER TABLE teams DROP CONSTRAINT teams_workspace_id_parent_id_fkey`);
    for (const c of ['updated_at', 'version', 'parent_id'])
      await q.query(`ALTER TABLE teams DROP COLUMN ${c}`);
    for (const c of ['updated_at', 'version', 'successor_id', 'phone'])
      await q.query(`ALTER TABLE members DROP COLUMN ${c}`);
    await q.query(`DROP TABLE workspace_settings_history`);
    await q.query(`ALTER TABLE workspaces ADD COLUMN tier_ladder jsonb`);
    await q.query(`UPDATE workspaces SET tier_ladder = settings->'tierLadder'`);
    await q.query(`ALTER TABLE workspaces ALTER COLUMN tier_ladder SET NOT NULL`);
    await q.query(`ALTER TABLE workspaces DROP COLUMN settings_version`);
    await q.query(`ALTER TABLE workspaces DROP COLUMN settings`);
  }
}
