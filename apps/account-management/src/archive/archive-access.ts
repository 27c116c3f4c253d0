import { authorizeOn, scopedAccount, scopeWhere } from '../accounts/account-scope';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, ArchiveChangedEvent, EVENTS } from '@app/contracts';
import { Action, KamAbility, PositionalSqlCondition, RecordSubject } from '@app/authz';
import { addToOutbox } from '@app/messaging';
import { AccountRow } from '../accounts/account.sql';

import { addTimeline } from './timeline';

/** The records of an account's archive. They follow the access of their account (conditions on its relations). */
export type ArchiveSubject = Extract<RecordSubject, 'Contact' | 'CommunicationRecord' | 'AccountPlan'>;

/**
 * The one access path of the archive: which accounts' contacts, records and plans the caller may touch, as SQL
 * over `accounts a`, and the change log (timeline + outbox event) every archive mutation writes.
 */
@Injectable()
export class ArchiveAccess {
  /** What the ability allows on the subject as SQL over `accounts a`; 403 when no rule allows any record. */
  where(ability: KamAbility, action: Action, name: ArchiveSubject, offset: number): PositionalSqlCondition {
    return scopeWhere(ability, action, name, offset);
  }

  /**
   * The account whose archive is read or changed. An account of another workspace, or one whose `name` records
   * (its contacts, records or plans) the caller may not read, is "not found"; one whose records they may read but
   * not `action`, 403. With `lock`, the account row is locked against other archive changes (the primary-contact
   * rule, plan periods) until the transaction ends.
   */
  async account(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    accountId: string,
    name: ArchiveSubject,
    action: Action,
    opts: { lock?: boolean } = {},
  ): Promise<AccountRow> {
    return scopedAccount(m, ability, workspaceId, accountId, name, action, opts);
  }

  authorize(ability: KamAbility, action: Action, name: ArchiveSubject, account: AccountRow): void {
    authorizeOn(ability, action, name, account);
  }

  /**
   * The account id of a contact or plan the caller may read, or null when there is none (another workspace's,
   * or hidden from the caller): the caller answers 404 either way.
   */
  async parentOf(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    table: 'contacts' | 'account_plans',
    id: string,
    name: ArchiveSubject,
  ): Promise<string | null> {
    const access = this.where(ability, 'read', name, 2);
    const rows: { account_id: string }[] = await m.query(
      `SELECT x.account_id FROM ${table} x JOIN accounts a ON a.id = x.account_id
       WHERE x.id = $1 AND x.workspace_id = $2 AND (${access.sql})`,
      [id, workspaceId, ...access.values],
    );
    return rows[0]?.account_id ?? null;
  }

  /** Writes the cooperation timeline and the `archive.changed` event, in the caller's transaction. */
  async changed(
    m: EntityManager,
    actor: Actor,
    change: Omit<ArchiveChangedEvent, 'workspaceId'> & { details: Record<string, unknown> },
  ): Promise<void> {
    const { details, ...event } = change;
    await addTimeline(m, {
      workspaceId: actor.workspaceId,
      accountId: change.accountId,
      actorId: actor.memberId,
      kind: change.kind,
      details,
    });
    await addToOutbox<ArchiveChangedEvent>(m, {
      subject: EVENTS.archiveChanged,
      workspaceId: actor.workspaceId,
      requestId: actor.requestId,
      payload: { ...event, workspaceId: actor.workspaceId },
    });
  }
}
