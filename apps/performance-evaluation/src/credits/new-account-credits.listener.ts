import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountCreatedEvent, EVENTS } from '@app/contracts';
import { DomainEvent, EventHandler } from '@app/messaging';

/** Credits a newly created key account to its owner: the "new key accounts" metric. */
@Injectable()
export class NewAccountCreditsListener {
  @EventHandler(EVENTS.accountCreated, 'new-account-credits')
  async onAccountCreated(event: DomainEvent<AccountCreatedEvent>, m: EntityManager): Promise<void> {
    const p = event.payload;
    await m.query(
      `INSERT INTO new_account_credits (workspace_id, account_id, member_id, tier, credited_at, event_id)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, account_id) DO NOTHING`,
      [p.workspaceId, p.accountId, p.ownerId, p.tier, p.createdAt, event.id],
    );
  }
}
