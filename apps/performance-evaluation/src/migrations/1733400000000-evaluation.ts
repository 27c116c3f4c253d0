import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monthly evaluation (绩效考核办法): targets, versioned scorecard templates, cycles, scorecards with their
 * criteria, appeals, pay bases, payouts, rankings and elimination warnings, commission plans and statements, staff
 * training, team evaluations, and an append-only audit trail. Money is bigint fen; scores are integer hundredths
 * (88.50 → 8850); rates and metric values that are not money are exact numerics.
 *
 * A locked cycle cannot change: triggers refuse UPDATE and DELETE of its scorecards, their items, statements and
 * the cycle row itself, for this service's own database role too.
 */
export class PerformanceEvaluation1733400000000 implements MigrationInterface {
  name = 'PerformanceEvaluation1733400000000';

  async up(q: QueryRunner): Promise<void> {
    // Workspaces this service knows, with the time zone "monthly" is counted in (from account-management).
    await q.query(`
      CREATE TABLE workspaces (
        workspace_id uuid PRIMARY KEY,
        time_zone    text NOT NULL DEFAULT 'Asia/Shanghai',
        settings     jsonb NOT NULL DEFAULT '{}',
        updated_at   timestamptz(3) NOT NULL DEFAULT now()
      )`);

    // Targets: department, team or member; annual, quarterly or monthly; a challenge target (挑战目标) beside.
    // Sales amounts are fen; rates are fractions 0..1; satisfaction is 1..5; counts are whole numbers.
    await q.query(`
      CREATE TABLE targets (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        scope        text NOT NULL CHECK (scope IN ('department', 'team', 'member')),
        scope_id     uuid,
        metric       text NOT NULL CHECK (metric IN ('sales_amount', 'new_key_accounts', 'revisit_completion',
                       'satisfaction', 'complaint_resolution', 'project_on_time')),
        period_kind  text NOT NULL CHECK (period_kind IN ('year', 'quarter', 'month')),
        year         int NOT NULL CHECK (year BETWEEN 2000 AND 2200),
        period_index int NOT NULL CHECK (period_index BETWEEN 1 AND 12),
        value        numeric(20, 4) NOT NULL CHECK (value >= 0),
        challenge    numeric(20, 4) CHECK (challenge IS NULL OR challenge >= value),
        parent_id    uuid REFERENCES targets (id) ON DELETE SET NULL,
        version      int NOT NULL DEFAULT 1,
        created_by   uuid,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        updated_at   timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((scope = 'department') = (scope_id IS NULL))
      )`);
    await q.query(`
      CREATE UNIQUE INDEX targets_one_per_slot ON targets (workspace_id, scope,
        COALESCE(scope_id, '00000000-0000-0000-0000-000000000000'::uuid), metric, period_kind, year, period_index)`);
    await q.query(`CREATE INDEX targets_by_parent ON targets (parent_id) WHERE parent_id IS NOT NULL`);

    // Scorecard templates per position, versioned: a change is a new version; a cycle pins the version it used.
    await q.query(`
      CREATE TABLE scorecard_templates (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        position     text NOT NULL,
        version      int NOT NULL,
        name         jsonb NOT NULL,
        criteria     jsonb NOT NULL,
        active       boolean NOT NULL DEFAULT true,
        created_by   uuid,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, position, version)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX scorecard_templates_one_active ON scorecard_templates (workspace_id, position) WHERE active`,
    );

    // Monthly cycles: open (metrics collected, ratings, publication, acknowledgement, approval) → locked.
    await q.query(`
      CREATE TABLE cycles (
        id                   uuid PRIMARY KEY,
        workspace_id         uuid NOT NULL,
        month                text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        status               text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'locked')),
        time_zone            text NOT NULL,
        department           jsonb,
        opened_by            uuid,
        opened_at            timestamptz(3) NOT NULL DEFAULT now(),
        metrics_collected_at timestamptz(3),
        locked_by            uuid,
        locked_at            timestamptz(3),
        version              int NOT NULL DEFAULT 1,
        UNIQUE (workspace_id, month)
      )`);

    await q.query(`
      CREATE TABLE scorecards (
        id               uuid PRIMARY KEY,
        workspace_id     uuid NOT NULL,
        cycle_id         uuid NOT NULL REFERENCES cycles (id),
        month            text NOT NULL,
        member_id        uuid NOT NULL,
        member_name      text NOT NULL,
        team_id          uuid,
        -- Who rates the manual criteria: the team's group leader, or the director (null) for a leader or no team.
        rater_id         uuid,
        position         text NOT NULL,
        template_id      uuid NOT NULL REFERENCES scorecard_templates (id),
        status           text NOT NULL DEFAULT 'draft'
                           CHECK (status IN ('draft', 'rated', 'published', 'acknowledged', 'appealed', 'approved')),
        metrics          jsonb NOT NULL DEFAULT '{}',
        total_hundredths int CHECK (total_hundredths BETWEEN 0 AND 10000),
        pay_base_minor   bigint,
        payout           jsonb,
        payout_minor     bigint,
        rank             int,
        is_last          boolean NOT NULL DEFAULT false,
        published_at     timestamptz(3),
        acknowledged_at  timestamptz(3),
        approved_by      uuid,
        approved_at      timestamptz(3),
        locked           boolean NOT NULL DEFAULT false,
        version          int NOT NULL DEFAULT 1,
        created_at       timestamptz(3) NOT NULL DEFAULT now(),
        updated_at       timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (cycle_id, member_id)
      )`);
    await q.query(`CREATE INDEX scorecards_by_member ON scorecards (workspace_id, member_id, month DESC)`);
    await q.query(`CREATE INDEX scorecards_by_team ON scorecards (workspace_id, month, team_id)`);

    await q.query(`
      CREATE TABLE scorecard_items (
        scorecard_id      uuid NOT NULL REFERENCES scorecards (id),
        workspace_id      uuid NOT NULL,
        criterion_key     text NOT NULL,
        position_in_card  int NOT NULL,
        criterion_group   text NOT NULL,
        kind              text NOT NULL CHECK (kind IN ('automatic', 'manual')),
        name              jsonb NOT NULL,
        max_hundredths    int NOT NULL,
        points_hundredths int CHECK (points_hundredths IS NULL OR points_hundredths BETWEEN 0 AND max_hundredths),
        explanation       text,
        evidence          text,
        rated_by          uuid,
        rated_at          timestamptz(3),
        PRIMARY KEY (scorecard_id, criterion_key)
      )`);

    await q.query(`
      CREATE TABLE appeals (
        id              uuid PRIMARY KEY,
        workspace_id    uuid NOT NULL,
        scorecard_id    uuid NOT NULL REFERENCES scorecards (id),
        member_id       uuid NOT NULL,
        reason          text NOT NULL,
        status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'rejected')),
        filed_at        timestamptz(3) NOT NULL DEFAULT now(),
        decided_by      uuid,
        decided_at      timestamptz(3),
        decision_reason text,
        changes         jsonb
      )`);
    await q.query(
      `CREATE UNIQUE INDEX appeals_one_pending ON appeals (scorecard_id) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX appeals_by_workspace ON appeals (workspace_id, status, filed_at)`);

    // Each member's performance-pay base (绩效工资基数), effective from a month until the next entry.
    await q.query(`
      CREATE TABLE pay_bases (
        workspace_id    uuid NOT NULL,
        member_id       uuid NOT NULL,
        effective_month text NOT NULL CHECK (effective_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        amount_minor    bigint NOT NULL CHECK (amount_minor >= 0),
        currency        text NOT NULL DEFAULT 'CNY',
        set_by          uuid,
        set_at          timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, member_id, effective_month)
      )`);

    // 末位淘汰: last place three months running raises a warning for the director; never an automatic action.
    await q.query(`
      CREATE TABLE elimination_warnings (
        id            uuid PRIMARY KEY,
        workspace_id  uuid NOT NULL,
        member_id     uuid NOT NULL,
        member_name   text NOT NULL,
        position      text NOT NULL,
        months        text[] NOT NULL,
        raised_at     timestamptz(3) NOT NULL DEFAULT now(),
        status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
        decision      text CHECK (decision IN ('keep', 'improvement_plan', 'reassign', 'dismiss')),
        decision_note text,
        decided_by    uuid,
        decided_at    timestamptz(3),
        UNIQUE (workspace_id, member_id, position, months)
      )`);

    // 提成方案: tiered rates on sales; the director approves a plan before it is used.
    await q.query(`
      CREATE TABLE commission_plans (
        id             uuid PRIMARY KEY,
        workspace_id   uuid NOT NULL,
        name           text NOT NULL,
        position       text,
        mode           text NOT NULL CHECK (mode IN ('progressive', 'whole')),
        tiers          jsonb NOT NULL,
        effective_from text NOT NULL CHECK (effective_from ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'retired')),
        approved_by    uuid,
        approved_at    timestamptz(3),
        version        int NOT NULL DEFAULT 1,
        created_by     uuid,
        created_at     timestamptz(3) NOT NULL DEFAULT now()
      )`);

    // 提成结算预案: the monthly commission statement draft per member, approved by the director.
    await q.query(`
      CREATE TABLE commission_statements (
        id               uuid PRIMARY KEY,
        workspace_id     uuid NOT NULL,
        month            text NOT NULL,
        member_id        uuid NOT NULL,
        team_id          uuid,
        plan_id          uuid REFERENCES commission_plans (id),
        sales_minor      bigint NOT NULL,
        commission_minor bigint NOT NULL,
        lines            jsonb NOT NULL,
        status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
        approved_by      uuid,
        approved_at      timestamptz(3),
        version          int NOT NULL DEFAULT 1,
        created_at       timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, month, member_id)
      )`);

    // Staff training (试用期培训, 在职培训, 岗位职责考核): sessions, attendance, assessment scores 0-100.
    await q.query(`
      CREATE TABLE trainings (
        id           uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('probation', 'on_the_job', 'duty_assessment')),
        title        text NOT NULL,
        held_on      date NOT NULL,
        trainer      text,
        notes        text,
        version      int NOT NULL DEFAULT 1,
        created_by   uuid,
        created_at   timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX trainings_by_date ON trainings (workspace_id, held_on DESC)`);
    await q.query(`
      CREATE TABLE training_attendance (
        training_id  uuid NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL,
        member_id    uuid NOT NULL,
        attended     boolean NOT NULL DEFAULT true,
        score        numeric(5, 2) CHECK (score IS NULL OR score BETWEEN 0 AND 100),
        PRIMARY KEY (training_id, member_id)
      )`);
    await q.query(
      `CREATE INDEX training_attendance_by_member ON training_attendance (workspace_id, member_id)`,
    );

    // Team performance per month: target completion, the director's collaboration rating, team rank.
    await q.query(`
      CREATE TABLE team_evaluations (
        workspace_id             uuid NOT NULL,
        month                    text NOT NULL,
        team_id                  uuid NOT NULL,
        team_name                text NOT NULL,
        sales_minor              bigint NOT NULL DEFAULT 0,
        target_minor             bigint,
        completion_hundredths    int,
        collaboration_hundredths int CHECK (collaboration_hundredths BETWEEN 0 AND 10000),
        collaboration_note       text,
        rank                     int,
        version                  int NOT NULL DEFAULT 1,
        updated_at               timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, month, team_id)
      )`);

    // Every change of evaluation data, with who, when, why, before and after. Append-only.
    await q.query(`
      CREATE TABLE audit_trail (
        id           bigserial PRIMARY KEY,
        workspace_id uuid NOT NULL,
        entity       text NOT NULL,
        entity_id    text NOT NULL,
        action       text NOT NULL,
        actor_id     uuid,
        reason       text,
        before       jsonb,
        after        jsonb,
        at           timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_trail_by_entity ON audit_trail (workspace_id, entity, entity_id, id)`);
    await q.query(`
      CREATE FUNCTION audit_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_trail is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_trail
      FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_append_only()`);

    // After the lock nothing changes: not the cycle, its scorecards, their items, or approved statements.
    await q.query(`
      CREATE FUNCTION refuse_locked_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE is_locked boolean;
      BEGIN
        IF TG_TABLE_NAME = 'cycles' THEN
          is_locked := OLD.status = 'locked';
        ELSIF TG_TABLE_NAME = 'scorecards' THEN
          is_locked := OLD.locked;
        ELSIF TG_TABLE_NAME = 'scorecard_items' THEN
          SELECT s.locked INTO is_locked FROM scorecards s WHERE s.id = OLD.scorecard_id;
        ELSIF TG_TABLE_NAME = 'commission_statements' THEN
          is_locked := OLD.status = 'approved';
        END IF;
        IF is_locked THEN
          RAISE EXCEPTION '% % is locked', TG_TABLE_NAME, OLD USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END
      $$`);
    for (const table of ['cycles', 'scorecards', 'scorecard_items', 'commission_statements'])
      await q.query(`
        CREATE TRIGGER ${table}_locked BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_locked_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'audit_trail',
      'team_evaluations',
      'training_attendance',
      'trainings',
      'commission_statements',
      'commission_plans',
      'elimination_warnings',
      'pay_bases',
      'appeals',
      'scorecard_items',
      'scorecards',
      'cycles',
      'scorecard_templates',
      'targets',
      'workspaces',
    ])
      await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP FUNCTION refuse_locked_change()`);
    await q.query(`DROP FUNCTION audit_trail_append_only()`);
  }
}
