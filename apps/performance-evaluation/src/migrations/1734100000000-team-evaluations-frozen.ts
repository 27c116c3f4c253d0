import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Team performance is frozen with the month: the lock stores each team's figures (the challenge target
 * beside the target, so a later change of the targets does not show), and afterwards the database refuses any
 * insert, update or delete of the month's team_evaluations, for this service's own database role too.
 */
export class TeamEvaluationsFrozen1734100000000 implements MigrationInterface {
  name = 'TeamEvaluationsFrozen1734100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE team_evaluations ADD COLUMN challenge_minor bigint`);
    await q.query(`
      CREATE FUNCTION refuse_locked_team_evaluation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (
          SELECT 1 FROM cycles c
           WHERE c.status = 'locked'
             AND ((TG_OP <> 'INSERT' AND c.workspace_id = OLD.workspace_id AND c.month = OLD.month)
               OR (TG_OP <> 'DELETE' AND c.workspace_id = NEW.workspace_id AND c.month = NEW.month))
        ) THEN
          RAISE EXCEPTION 'team_evaluations of a locked month are locked'
            USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER team_evaluations_locked BEFORE INSERT OR UPDATE OR DELETE ON team_evaluations
      FOR EACH ROW EXECUTE FUNCTION refuse_locked_team_evaluation()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER team_evaluations_locked ON team_evaluations`);
    await q.query(`DROP FUNCTION refuse_locked_team_evaluation()`);
    await q.query(`ALTER TABLE team_evaluations DROP COLUMN challenge_minor`);
  }
}
