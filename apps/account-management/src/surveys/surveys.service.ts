import { authorizeOn, scopedAccount, scopeWhere } from '../accounts/account-scope';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  AnswerSurveyDto,
  CreateSurveyDto,
  EVENTS,
  FieldError,
  KamError,
  ListSurveysQuery,
  Page,
  SurveyAggregateRow,
  SurveyAggregatesQuery,
  SurveyAggregatesView,
  SurveyEvent,
  SurveyView,
  validationError,
} from '@app/contracts';
import { Action, KamAbility, PositionalSqlCondition } from '@app/authz';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { applyOnce, decodeCursor, encodeCursor } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { ACCOUNT_COLUMNS, AccountRow } from '../accounts/account.sql';

import { addTimeline } from '../archive/timeline';
import { scoreProblems, SURVEY_ANSWER_DAYS, SURVEY_DIMENSIONS, SurveyScores } from '../domain/survey';
import { insertSurveys, SURVEY_COLUMNS, SurveyRow, toSurveyView } from './survey.sql';

/** The group key and name of each grouping, over `surveys s`, `accounts a`, `members o` (the account's owner). */
const GROUPS = {
  account: { key: 's.account_id', name: 'a.name' },
  member: { key: 'a.owner_id', name: 'o.name' },
  team: { key: 'o.team_id', name: '(SELECT t.name FROM teams t WHERE t.id = o.team_id)' },
} as const;

/**
 * Satisfaction surveys (满意度调查): created quarterly per account by ScheduleSatisfactionSurveysJob, after each
 * resolved complaint (in the resolution's transaction) or by hand; answered with 1-5 per dimension. Access follows
 * the survey's account (DESIGN §4 row "Revisit, complaint, survey").
 */
@Injectable()
export class SurveysService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly relay: OutboxRelay,
  ) {}

  /** What the ability allows on surveys as SQL over `accounts a`; 403 when no rule allows any. */
  where(ability: KamAbility, action: Action, offset: number): PositionalSqlCondition {
    return scopeWhere(ability, action, 'Survey', offset);
  }

  private authorize(ability: KamAbility, action: Action, account: AccountRow): void {
    authorizeOn(ability, action, 'Survey', account);
  }

  /** The account, when the caller may read its surveys (else 404), and may `action` them (else 403). */
  private account(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    accountId: string,
    action: Action,
  ): Promise<AccountRow> {
    return scopedAccount(m, ability, workspaceId, accountId, 'Survey', action);
  }

  /** One survey the caller may read (else 404), may `action` (else 403); locked with `lock`. */
  private async load(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    id: string,
    action: Action,
    lock = false,
  ): Promise<SurveyRow> {
    const access = this.where(ability, 'read', 2);
    const rows: SurveyRow[] = await m.query(
      `SELECT ${SURVEY_COLUMNS} FROM surveys s JOIN accounts a ON a.id = s.account_id
       WHERE s.id = $1 AND s.workspace_id = $2 AND (${access.sql}) ${lock ? 'FOR UPDATE OF s' : ''}`,
      [id, workspaceId, ...access.values],
    );
    if (!rows[0]) throw new KamError('survey_not_found', { id });
    const accounts: AccountRow[] = await m.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1`,
      [rows[0].account_id],
    );
    this.authorize(ability, action, accounts[0]);
    return rows[0];
  }

  /** Surveys the caller may read, newest first, with cursor pagination. */
  async list(actor: Actor, query: ListSurveysQuery): Promise<Page<SurveyView>> {
    const { ability } = await this.actors.resolve(actor);
    const values: unknown[] = [actor.workspaceId];
    const access = this.where(ability, 'read', values.length);
    values.push(...access.values);
    const where = ['s.workspace_id = $1', `(${access.sql})`];
    const eq = (col: string, v: unknown) => {
      values.push(v);
      where.push(`${col} = $${values.length}`);
    };
    if (query.status) eq('s.status', query.status);
    if (query.accountId) eq('s.account_id', query.accountId);
    if (query.trigger) eq('s.trigger', query.trigger);
    if (query.cursor) {
      const c = decodeCursor(query.cursor, 'timestamp');
      values.push(c.value, c.id);
      where.push(`(s.created_at, s.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    const limit = query.limit ?? 50;
    values.push(limit + 1);
    const rows: SurveyRow[] = await this.ds.query(
      `SELECT ${SURVEY_COLUMNS} FROM surveys s JOIN accounts a ON a.id = s.account_id
       WHERE ${where.join(' AND ')} ORDER BY s.created_at DESC, s.id DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toSurveyView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
    };
  }

  /** The surveys of one account (404 when the caller may not read them), newest first. */
  async listOfAccount(actor: Actor, accountId: string): Promise<SurveyView[]> {
    const { ability } = await this.actors.resolve(actor);
    await this.account(this.ds.manager, ability, actor.workspaceId, accountId, 'read');
    const rows: SurveyRow[] = await this.ds.query(
      `SELECT ${SURVEY_COLUMNS} FROM surveys s JOIN accounts a ON a.id = s.account_id
       WHERE s.workspace_id = $1 AND s.account_id = $2 ORDER BY s.created_at DESC, s.id DESC LIMIT 500`,
      [actor.workspaceId, accountId],
    );
    return rows.map(toSurveyView);
  }

  /** A survey started by hand for one account. */
  async create(
    actor: Actor,
    accountId: string,
    dto: CreateSurveyDto,
    idempotencyKey?: string,
  ): Promise<SurveyView> {
    const { ability } = await this.actors.resolve(actor);
    const { id } = await applyOnce(
      this.ds.manager,
      {
        actor,
        scope: 'survey.create',
        key: idempotencyKey,
        body: { accountId, ...dto },
      },
      async (m) => {
        await this.account(m, ability, actor.workspaceId, accountId, 'create');
        const today: { today: string }[] = await m.query(
          `SELECT to_char(timezone(w.time_zone, now())::date, 'YYYY-MM-DD') AS today FROM workspaces w WHERE w.id = $1`,
          [actor.workspaceId],
        );
        if (dto.dueDate && dto.dueDate < today[0].today)
          throw validationError([{ field: 'dueDate', message: 'dueDate cannot be in the past' }]);
        const ids = await insertSurveys(
          m,
          `SELECT $1::uuid AS workspace_id, $2::uuid AS account_id, 'manual' AS trigger, NULL::uuid AS complaint_id,
                  NULL::text AS period, coalesce($3::date, $4::date + $5::int) AS due_date, $6::uuid AS created_by`,
          [
            actor.workspaceId,
            accountId,
            dto.dueDate ?? null,
            today[0].today,
            SURVEY_ANSWER_DAYS,
            actor.memberId,
          ],
          actor.memberId,
          actor.requestId ?? null,
        );
        return { id: ids[0] };
      },
    );
    this.relay.kick();
    return toSurveyView(await this.load(this.ds.manager, ability, actor.workspaceId, id, 'read'));
  }

  /** Records the customer's answer at the version the caller saw; 400 per field for bad scores, nothing changed. */
  async answer(actor: Actor, id: string, expectedVersion: number, dto: AnswerSurveyDto): Promise<SurveyView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const row = await this.load(m, ability, actor.workspaceId, id, 'update', true);
      if (row.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: row.version });
      const errors: FieldError[] = scoreProblems(dto.scores);
      if (dto.respondentContactId) {
        const found: unknown[] = await m.query(
          `SELECT 1 FROM contacts WHERE id = $1 AND workspace_id = $2 AND account_id = $3`,
          [dto.respondentContactId, actor.workspaceId, row.account_id],
        );
        if (!found.length)
          errors.push({
            field: 'respondentContactId',
            message: 'respondentContactId must be a contact of this account',
          });
      }
      if (errors.length) throw validationError(errors);
      if (row.status !== 'pending') throw new KamError('survey_not_pending', { status: row.status });
      const scores = dto.scores as SurveyScores;
      await m.query(
        `UPDATE surveys SET status = 'answered', answered_at = now(), scores = $2, comments = $3,
           respondent_contact_id = $4, recorded_by = $5, version = version + 1, updated_at = now()
         WHERE id = $1`,
        [id, JSON.stringify(scores), dto.comments ?? null, dto.respondentContactId ?? null, actor.memberId],
      );
      // Scores on the timeline (not the comments, which roles reading only the timeline may not see).
      await addTimeline(m, {
        workspaceId: actor.workspaceId,
        accountId: row.account_id,
        actorId: actor.memberId,
        kind: 'survey_answered',
        details: { surveyId: id, trigger: row.trigger, scores },
      });
      await addToOutbox<SurveyEvent>(m, {
        subject: EVENTS.surveyAnswered,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          surveyId: id,
          accountId: row.account_id,
          trigger: row.trigger,
          complaintId: row.complaint_id,
          period: row.period,
          scores,
        },
      });
    });
    this.relay.kick();
    return toSurveyView(await this.load(this.ds.manager, ability, actor.workspaceId, id, 'read'));
  }

  /**
   * Averages per dimension and counts of the surveys answered in one month (workspace time zone) per account,
   * owner or owner's team, over the surveys the caller may read: ONE set-based query.
   */
  async aggregates(actor: Actor, query: SurveyAggregatesQuery): Promise<SurveyAggregatesView> {
    const { ability } = await this.actors.resolve(actor);
    const { timeZone } = await this.settings.cached(actor.workspaceId);
    const values: unknown[] = [actor.workspaceId, `${query.month}-01`, timeZone];
    const access = this.where(ability, 'read', values.length);
    values.push(...access.values);
    const g = GROUPS[query.groupBy];
    const avgs = SURVEY_DIMENSIONS.map(
      (d) => `round(avg((s.scores ->> '${d}')::numeric), 2)::float8 AS "${d}"`,
    ).join(', ');
    const rows: (Record<string, number | null> & {
      key: string | null;
      name: string | null;
      answered: number;
    })[] = await this.ds.query(
      `SELECT ${g.key} AS key, min(${g.name}) AS name, count(*)::int AS answered, ${avgs}
         FROM surveys s
         JOIN accounts a ON a.id = s.account_id
         LEFT JOIN members o ON o.id = a.owner_id
         WHERE s.workspace_id = $1 AND s.status = 'answered'
           AND s.answered_at >= ($2::date)::timestamp AT TIME ZONE $3
           AND s.answered_at < (($2::date) + interval '1 month')::timestamp AT TIME ZONE $3
           AND (${access.sql})
         GROUP BY ${g.key}
         ORDER BY answered DESC, key NULLS LAST`,
      values,
    );
    return {
      groupBy: query.groupBy,
      month: query.month,
      timeZone,
      rows: rows.map((r): SurveyAggregateRow => ({
        key: r.key,
        name: r.name,
        answered: r.answered,
        averages: Object.fromEntries(SURVEY_DIMENSIONS.map((d) => [d, r[d] ?? null])),
      })),
    };
  }
}
