import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 5, scorecard inputs (`kam.accounts.metrics.members`): project tasks by their deadline in a month, per
 * owner. The other inputs already have their indexes (orders by month, revisits by account and due date,
 * complaints by account and receipt, surveys answered, accounts by owner).
 */
export class PerformanceInputs1733200000000 implements MigrationInterface {
  name = 'PerformanceInputs1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX project_tasks_by_due ON project_tasks (workspace_id, due_on, owner_id) WHERE NOT waived`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX project_tasks_by_due`);
  }
}
