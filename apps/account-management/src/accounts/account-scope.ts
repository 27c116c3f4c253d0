import { EntityManager } from 'typeorm';
import { KamError } from '@app/contracts';
import {
  accessibleWherePositional,
  AccountSubject,
  Action,
  KamAbility,
  PositionalSqlCondition,
  RecordSubject,
  subject,
} from '@app/authz';
import { ACCOUNT_COLUMNS, ACCOUNT_FIELD_SQL, AccountRow } from './account.sql';
import { toSubject } from './account.mapper';

/**
 * The one access path for every record that hangs off a key account (archive, revisits, complaints, surveys,
 * projects, contracts, orders, risks, tenders): such records follow their account's relations, so the rule for
 * subject `name` becomes SQL over `accounts a`.
 */
export function scopeWhere(
  ability: KamAbility,
  action: Action,
  name: RecordSubject,
  offset: number,
): PositionalSqlCondition {
  const access = accessibleWherePositional(ability, action, name, ACCOUNT_FIELD_SQL, offset);
  // No rule allows any record of this kind: 403.
  if (!access) throw new KamError('forbidden');
  return access;
}

/** May the caller `action` the `name` records of this account? 403 otherwise. */
export function authorizeOn(
  ability: KamAbility,
  action: Action,
  name: RecordSubject,
  account: AccountRow | AccountSubject,
): void {
  const s = 'owner_id' in account ? toSubject(account) : account;
  // Typed per subject: CASL wants the forced subject type to be one of KamSubject's members.
  if (!ability.can(action, subject(name, { ...s }) as Parameters<KamAbility['can']>[1]))
    throw new KamError('forbidden');
}

/**
 * The account whose `name` records are read or changed: "not found" when it is another workspace's or the caller
 * may not read its `name` records; 403 when they may read but not `action` them. `lock` takes a row lock that
 * serialises changes to the account's records until the transaction ends.
 */
export async function scopedAccount(
  m: EntityManager,
  ability: KamAbility,
  workspaceId: string,
  accountId: string,
  name: RecordSubject,
  action: Action,
  opts: { lock?: boolean } = {},
): Promise<AccountRow> {
  const access = scopeWhere(ability, 'read', name, 2);
  const rows: AccountRow[] = await m.query(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1 AND a.workspace_id = $2 AND (${access.sql})
     ${opts.lock ? 'FOR NO KEY UPDATE OF a' : ''}`,
    [accountId, workspaceId, ...access.values],
  );
  if (!rows[0]) throw new KamError('account_not_found', { id: accountId });
  authorizeOn(ability, action, name, rows[0]);
  return rows[0];
}
