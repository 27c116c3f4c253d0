import { MigrationInterface, QueryRunner } from 'typeorm';
import { createCommonTables, dropCommonTables } from '@app/persistence';

export class Initial1732600000000 implements MigrationInterface {
  name = 'Initial1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await createCommonTables(q);
    await q.query(`
      CREATE TABLE workspaces (
        id          uuid PRIMARY KEY,
        name        text NOT NULL,
        time_zone   text NOT NULL DEFAULT 'Asia/Shanghai',
        tier_ladder jsonb NOT NULL,
        created_at  timestamptz(3) NOT NULL DEFAULT now(),
        updated_at  timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE teams (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        name         text NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('account_managers', 'customer_service', 'market_expansion',
                                                   'market_research', 'administration')),
        leader_id    uuid,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, id)
      )`);
    await q.query(`
      CREATE TABLE members (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        name         text NOT NULL,
        email        text,
        roles        text[] NOT NULL CHECK (cardinality(roles) > 0),
        team_id      uuid,
        manager_id   uuid,
        status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'departed')),
        departed_at  timestamptz(3),
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, id),
        FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX members_team ON members (team_id)`);
    await q.query(
      `ALTER TABLE teams ADD FOREIGN KEY (workspace_id, leader_id) REFERENCES members (workspace_id, id) DEFERRABLE INITIALLY DEFERRED`,
    );
    await q.query(`CREATE INDEX teams_leader ON teams (leader_id)`);
    await q.query(`
      CREATE TABLE accounts (
        id                      uuid PRIMARY KEY,
        workspace_id            uuid NOT NULL REFERENCES workspaces (id),
        crm_company_id          text NOT NULL,
        name                    text NOT NULL,
        tier                    text NOT NULL,
        category                text NOT NULL CHECK (category IN ('industry', 'regional', 'potential')),
        status                  text NOT NULL,
        industry                text,
        region                  text,
        owner_id                uuid NOT NULL,
        service_team_id         uuid,
        assistant_ids           uuid[] NOT NULL DEFAULT '{}',
        annual_purchase_minor   bigint CHECK (annual_purchase_minor >= 0),
        currency                char(3),
        profit_contribution_pct numeric(5, 2),
        version                 integer NOT NULL DEFAULT 1,
        created_at              timestamptz(3) NOT NULL DEFAULT now(),
        updated_at              timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, crm_company_id),
        FOREIGN KEY (workspace_id, owner_id) REFERENCES members (workspace_id, id),
        FOREIGN KEY (workspace_id, service_team_id) REFERENCES teams (workspace_id, id),
        CHECK ((annual_purchase_minor IS NULL) = (currency IS NULL))
      )`);
    await q.query(`CREATE INDEX accounts_by_name ON accounts (workspace_id, name, id)`);
    await q.query(`CREATE INDEX accounts_by_updated ON accounts (workspace_id, updated_at, id)`);
    await q.query(`CREATE INDEX accounts_by_owner ON accounts (workspace_id, owner_id)`);
    await q.query(`CREATE INDEX accounts_by_tier ON accounts (workspace_id, tier)`);
    await q.query(`CREATE INDEX accounts_by_service_team ON accounts (workspace_id, service_team_id)`);
    await q.query(`CREATE INDEX accounts_assistants ON accounts USING gin (assistant_ids)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts`);
    await q.query(`ALTER TABLE teams DROP CONSTRAINT IF EXISTS teams_workspace_id_leader_id_fkey`);
    await q.query(`DROP TABLE members`);
    await q.query(`DROP TABLE teams`);
    await q.query(`DROP TABLE workspaces`);
    await dropCommonTables(q);
  }
}
