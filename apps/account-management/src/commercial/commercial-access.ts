import { authorizeOn, scopedAccount, scopeWhere } from '../accounts/account-scope';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '@app/contracts';
import {
  AccountSubject,
  Action,
  KamAbility,
  PositionalSqlCondition,
  redact,
  RecordSubject,
} from '@app/authz';
import { AccountRow } from '../accounts/account.sql';

/** Contracts and orders: commercial records, judged by their account's relations (DESIGN §4). */
export type CommercialSubject = Extract<RecordSubject, 'Contract' | 'Order'>;

/** The account relations every commercial query selects beside its rows, to judge each row's redaction. */
export const ACCOUNT_RELATION_COLUMNS = `a.owner_id AS a_owner_id, a.service_team_id AS a_service_team_id,
  a.assistant_ids AS a_assistant_ids, a.status AS a_status,
  (SELECT m.team_id FROM members m WHERE m.id = a.owner_id) AS a_owner_team_id`;

export interface AccountRelationColumns {
  a_owner_id: string;
  a_service_team_id: string | null;
  a_assistant_ids: string[] | null;
  a_status: string;
  a_owner_team_id: string | null;
}

export function relationSubject(r: AccountRelationColumns): AccountSubject {
  return {
    ownerId: r.a_owner_id,
    ownerTeamId: r.a_owner_team_id,
    serviceTeamId: r.a_service_team_id,
    assistantIds: r.a_assistant_ids ?? [],
    status: r.a_status,
  };
}

/**
 * Amounts and discounts are financial fields: hidden from whoever may not read the account's annual purchase
 * (customer service, market researchers, clerks).
 */
export function financialHidden(ability: KamAbility, account: AccountSubject): boolean {
  return redact(ability, 'Account', { annualPurchase: null }, account).redacted.includes('annualPurchase');
}

/** The one access path of orders and contracts: account-scoped permission SQL over `accounts a`. */
@Injectable()
export class CommercialAccess {
  /** What the ability allows on the subject as SQL over `accounts a`; 403 when no rule allows any record. */
  where(
    ability: KamAbility,
    action: Action,
    name: CommercialSubject,
    offset: number,
  ): PositionalSqlCondition {
    return scopeWhere(ability, action, name, offset);
  }

  /**
   * The account whose orders or contracts are read or changed: another workspace's, or one whose records the
   * caller may not read, is "not found"; one they may read but not `action`, 403.
   */
  async account(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    accountId: string,
    name: CommercialSubject,
    action: Action,
    opts: { lock?: boolean } = {},
  ): Promise<AccountRow> {
    return scopedAccount(m, ability, workspaceId, accountId, name, action, opts);
  }

  authorize(ability: KamAbility, action: Action, name: CommercialSubject, account: AccountSubject): void {
    authorizeOn(ability, action, name, account);
  }

  /** An active member of the workspace, or a field error. */
  async activeMember(m: EntityManager, actor: Actor, memberId: string): Promise<{ roles: string[] } | null> {
    const rows: { roles: string[] }[] = await m.query(
      `SELECT roles FROM members WHERE id = $1 AND workspace_id = $2 AND status = 'active'`,
      [memberId, actor.workspaceId],
    );
    return rows[0] ?? null;
  }
}
