import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4, point 5: projects (立项 → 计划 → 执行 → 验收 → 总结) with approval to start, tasks with owners and
 * deadlines, risks, acceptance, summary and lessons. `due_on` is a date of the workspace's calendar.
 */
export class Projects1733000000100 implements MigrationInterface {
  name = 'Projects1733000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projects (
        id                   uuid PRIMARY KEY,
        workspace_id         uuid NOT NULL,
        account_id           uuid NOT NULL,
        name                 text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        objective            text CHECK (char_length(objective) <= 5000),
        stage                text NOT NULL DEFAULT 'initiation'
                               CHECK (stage IN ('initiation', 'planning', 'execution', 'acceptance', 'summary', 'closed')),
        approval_status      text NOT NULL DEFAULT 'not_requested'
                               CHECK (approval_status IN ('not_requested', 'pending', 'approved', 'rejected')),
        approved_by          uuid,
        approved_at          timestamptz(3),
        approval_note        text,
        budget_minor         bigint CHECK (budget_minor >= 0),
        currency             char(3) CHECK (currency ~ '^[A-Z]{3}$'),
        starts_on            date,
        due_on               date,
        manager_id           uuid NOT NULL,
        accepted_by_customer boolean,
        accepted_at          timestamptz(3),
        acceptance_note      text CHECK (char_length(acceptance_note) <= 5000),
        summary              text CHECK (char_length(summary) <= 10000),
        lessons              text CHECK (char_length(lessons) <= 10000),
        created_by           uuid NOT NULL,
        version              integer NOT NULL DEFAULT 1,
        created_at           timestamptz(3) NOT NULL DEFAULT now(),
        updated_at           timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, id),
        CHECK ((budget_minor IS NULL) = (currency IS NULL)),
        CHECK (due_on IS NULL OR starts_on IS NULL OR due_on >= starts_on),
        CHECK (stage IN ('initiation', 'planning') OR approval_status = 'approved'),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
        FOREIGN KEY (workspace_id, manager_id) REFERENCES members (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX projects_account ON projects (workspace_id, account_id, created_at DESC)`);
    await q.query(`CREATE INDEX projects_stage ON projects (workspace_id, stage, manager_id)`);
    await q.query(`
      CREATE TABLE project_tasks (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        project_id   uuid NOT NULL,
        title        text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        owner_id     uuid NOT NULL,
        due_on       date NOT NULL,
        done_at      timestamptz(3),
        waived       boolean NOT NULL DEFAULT false,
        progress     smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        version      integer NOT NULL DEFAULT 1,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        updated_at   timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (done_at IS NULL OR progress = 100),
        FOREIGN KEY (workspace_id, project_id) REFERENCES projects (workspace_id, id),
        FOREIGN KEY (workspace_id, owner_id) REFERENCES members (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX project_tasks_project ON project_tasks (project_id, due_on)`);
    // The monthly on-time rate: tasks done in a month of the workspace.
    await q.query(
      `CREATE INDEX project_tasks_done ON project_tasks (workspace_id, done_at) WHERE done_at IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE project_risks (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        project_id   uuid NOT NULL,
        risk         text NOT NULL CHECK (char_length(risk) BETWEEN 1 AND 2000),
        severity     text NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
        likelihood   text NOT NULL CHECK (likelihood IN ('high', 'medium', 'low')),
        mitigation   text CHECK (char_length(mitigation) <= 5000),
        owner_id     uuid,
        status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        version      integer NOT NULL DEFAULT 1,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        updated_at   timestamptz(3) NOT NULL DEFAULT now(),
        FOREIGN KEY (workspace_id, project_id) REFERENCES projects (workspace_id, id),
        FOREIGN KEY (workspace_id, owner_id) REFERENCES members (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX project_risks_project ON project_risks (project_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE project_risks`);
    await q.query(`DROP TABLE project_tasks`);
    await q.query(`DROP TABLE projects`);
  }
}
