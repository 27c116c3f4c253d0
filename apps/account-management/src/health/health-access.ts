import { authorizeOn, scopedAccount, scopeWhere } from '../accounts/account-scope';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, KamError } from '@app/contracts';
import { Action, KamAbility, PositionalSqlCondition, RecordSubject } from '@app/authz';
import { ACCOUNT_COLUMNS, AccountRow } from '../accounts/account.sql';

/** The risk register follows the archive's access, tenders the commercial records' (DESIGN §4). */
export type HealthSubject = Extract<RecordSubject, 'Risk' | 'Tender'>;

/** The one access path of risks and tenders: account-scoped permission SQL over `accounts a`. */
@Injectable()
export class HealthAccess {
  /** What the ability allows on the subject as SQL over `accounts a`; 403 when no rule allows any record. */
  where(ability: KamAbility, action: Action, name: HealthSubject, offset: number): PositionalSqlCondition {
    return scopeWhere(ability, action, name, offset);
  }

  authorize(ability: KamAbility, action: Action, name: HealthSubject, account: AccountRow): void {
    authorizeOn(ability, action, name, account);
  }

  /**
   * The account whose risks or tenders are read or changed: another workspace's, or one whose records the caller
   * may not read, is "not found"; one they may read but not `action`, 403.
   */
  async account(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    accountId: string,
    name: HealthSubject,
    action: Action,
  ): Promise<AccountRow> {
    return scopedAccount(m, ability, workspaceId, accountId, name, action);
  }

  /**
   * A risk or tender row the caller may read, locked for a change, with its account; 404 when there is none the
   * caller may see; 403 when they may see it but not `action` it.
   */
  async forChange<T>(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    table: 'account_risks' | 'tenders',
    id: string,
    name: HealthSubject,
    action: Action,
  ): Promise<{ row: T; account: AccountRow }> {
    const access = this.where(ability, 'read', name, 2);
    const rows: { row: T; account: AccountRow }[] = await m.query(
      `SELECT to_jsonb(t) AS row, (SELECT to_jsonb(x) FROM (SELECT ${ACCOUNT_COLUMNS}) x) AS account
       FROM ${table} t JOIN accounts a ON a.id = t.account_id
       WHERE t.id = $1 AND t.workspace_id = $2 AND (${access.sql}) FOR UPDATE OF t`,
      [id, workspaceId, ...access.values],
    );
    const found = rows[0];
    if (!found) throw new KamError(name === 'Risk' ? 'risk_not_found' : 'tender_not_found', { id });
    this.authorize(ability, action, name, found.account);
    return found;
  }

  /** Is this an active member of the caller's workspace? */
  async isActiveMember(m: EntityManager, actor: Actor, memberId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM members WHERE id = $1 AND workspace_id = $2 AND status = 'active'`,
      [memberId, actor.workspaceId],
    );
    return rows.length > 0;
  }
}
