import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountView, FieldError, KamError } from '@app/contracts';
import { accessibleWhere, AccountSubject, Action, KamAbility, redact, subject } from '@app/authz';
import { ResolvedActor } from '../organisation/actor-context.service';
import { WorkspaceSettings } from '../domain/settings';
import { ACCOUNT_COLUMNS, ACCOUNT_FIELD_SQL, AccountRow } from './account.sql';
import { toSubject, toView } from './account.mapper';

/** Shared reads and checks of key accounts, used by every account use case. */
@Injectable()
export class AccountRepository {
  present(ability: KamAbility, row: AccountRow, settings: WorkspaceSettings): AccountView {
    return redact(ability, 'Account', toView(row, settings), toSubject(row));
  }

  authorize(resolved: ResolvedActor, action: Action, s: AccountSubject): void {
    if (!resolved.ability.can(action, subject('Account', { ...s }))) throw new KamError('forbidden');
  }

  /**
   * Loads one account of the workspace. With `forUpdate`, locks it; with an ability, an account the caller cannot
   * even read is reported as not found (another workspace's ids and hidden records look the same).
   */
  async load(
    m: EntityManager,
    workspaceId: string,
    id: string,
    opts: { forUpdate?: boolean; readableBy?: KamAbility } = {},
  ): Promise<AccountRow> {
    const qb = m
      .createQueryBuilder()
      .select(ACCOUNT_COLUMNS)
      .from('accounts', 'a')
      .where('a.id = :id AND a.workspace_id = :ws', { id, ws: workspaceId });
    if (opts.readableBy) {
      const access = accessibleWhere(opts.readableBy, 'read', 'Account', ACCOUNT_FIELD_SQL);
      if (!access) throw new KamError('forbidden');
      qb.andWhere(access.sql, access.params);
    }
    if (opts.forUpdate) qb.setLock('pessimistic_write', undefined, ['a']);
    const row = await qb.getRawOne<AccountRow>();
    if (!row) throw new KamError('account_not_found', { id });
    return row;
  }

  /** Loads an account the caller may read, locked, at the version they saw; 403 if they may not `action` it. */
  async loadForChange(
    m: EntityManager,
    resolved: ResolvedActor,
    id: string,
    expectedVersion: number | undefined,
    action: Action,
  ): Promise<AccountRow> {
    const row = await this.load(m, resolved.ctx.actor.workspaceId, id, {
      forUpdate: true,
      readableBy: resolved.ability,
    });
    this.authorize(resolved, action, toSubject(row));
    if (expectedVersion !== undefined && row.version !== expectedVersion)
      throw new KamError('precondition_failed', { current: row.version });
    return row;
  }

  /** The member's team (null when in none), or undefined when not an active member of the workspace. */
  async memberTeam(
    m: EntityManager,
    workspaceId: string,
    memberId: string,
  ): Promise<string | null | undefined> {
    const rows: { team_id: string | null }[] = await m.query(
      `SELECT team_id FROM members WHERE id = $1 AND workspace_id = $2 AND status = 'active'`,
      [memberId, workspaceId],
    );
    return rows.length ? rows[0].team_id : undefined;
  }

  async checkRefs(
    m: EntityManager,
    workspaceId: string,
    dto: { serviceTeamId?: string | null; assistantIds?: string[] },
    errors: FieldError[],
  ): Promise<void> {
    if (dto.serviceTeamId) {
      const t: unknown[] = await m.query(`SELECT 1 FROM teams WHERE id = $1 AND workspace_id = $2`, [
        dto.serviceTeamId,
        workspaceId,
      ]);
      if (!t.length)
        errors.push({ field: 'serviceTeamId', message: 'serviceTeamId is not a team of this workspace' });
    }
    if (dto.assistantIds?.length) {
      const found: { n: number }[] = await m.query(
        `SELECT count(*)::int AS n FROM members WHERE id = ANY($1) AND workspace_id = $2 AND status = 'active'`,
        [dto.assistantIds, workspaceId],
      );
      if (found[0].n !== new Set(dto.assistantIds).size)
        errors.push({
          field: 'assistantIds',
          message: 'every assistant must be an active member of this workspace',
        });
    }
  }
}
