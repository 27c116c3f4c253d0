import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workspaces this service knows, with their time zone (issue 6): the daily and nightly document jobs run in it
 * and a policy reminder's "day" is counted in it. Filled from account-management (its workspace list and
 * settings.changed events); a workspace not yet known runs in Asia/Shanghai until it is.
 * The service's role owns its schema (scripts/lib/database.js) and so this table, like every other of the service.
 */
export class Workspaces1734000000000 implements MigrationInterface {
  name = 'Workspaces1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workspaces (
        workspace_id uuid PRIMARY KEY,
        time_zone    text NOT NULL,
        updated_at   timestamptz(3) NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE workspaces`);
  }
}
