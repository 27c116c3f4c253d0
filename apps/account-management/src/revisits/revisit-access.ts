import { authorizeOn, scopedAccount, scopeWhere } from '../accounts/account-scope';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { KamError } from '@app/contracts';
import { Action, KamAbility, PositionalSqlCondition } from '@app/authz';
import { ACCOUNT_COLUMNS, AccountRow } from '../accounts/account.sql';

import { REVISIT_COLUMNS, RevisitRow } from './revisit.sql';

/**
 * The one access path of revisits: they follow the access of their account (DESIGN §4 row "Revisit"), as SQL
 * over `accounts a`, and the record check on one account before a change.
 */
@Injectable()
export class RevisitAccess {
  /** What the ability allows on revisits as SQL over `accounts a`; 403 when no rule allows any revisit. */
  where(ability: KamAbility, action: Action, offset: number): PositionalSqlCondition {
    return scopeWhere(ability, action, 'Revisit', offset);
  }

  authorize(ability: KamAbility, action: Action, account: AccountRow): void {
    authorizeOn(ability, action, 'Revisit', account);
  }

  /** An account whose revisits the caller may read, else 404 (another workspace's or hidden). */
  account(m: EntityManager, ability: KamAbility, workspaceId: string, id: string): Promise<AccountRow> {
    return scopedAccount(m, ability, workspaceId, id, 'Revisit', 'read');
  }

  /**
   * A revisit the caller may read, locked for a change, with its account; 404 when there is none the caller may
   * see; 403 when they may see it but not `action` it.
   */
  async forChange(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    id: string,
    action: Action,
  ): Promise<{ revisit: RevisitRow; account: AccountRow }> {
    const access = this.where(ability, 'read', 2);
    const rows: (RevisitRow & { account: AccountRow })[] = await m.query(
      `SELECT ${REVISIT_COLUMNS}, (SELECT to_jsonb(x) FROM (SELECT ${ACCOUNT_COLUMNS}) x) AS account
       FROM revisits r JOIN accounts a ON a.id = r.account_id
       WHERE r.id = $1 AND r.workspace_id = $2 AND (${access.sql}) FOR UPDATE OF r`,
      [id, workspaceId, ...access.values],
    );
    const row = rows[0];
    if (!row) throw new KamError('not_found', { what: 'revisit' });
    const { account, ...revisit } = row;
    this.authorize(ability, action, account);
    return { revisit: revisit as RevisitRow, account };
  }
}
