import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ContractRemindersResult, EVENTS } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { dateInTimeZone } from '../domain/revisit';
import { RENEWAL_REMINDER_DAYS, renewalReminderEndDates } from '../domain/discount';

/**
 * Contract renewal reminders of one workspace, set-based in one statement: each active contract ending 60, 30 or
 * 7 days after today (workspace time zone) gets one `contract_renewal` notification for its account's owner and its
 * signer (one if they are the same member) per offset, recorded in contract_reminders (the primary key makes a
 * rerun remind nobody twice) and told as `contract.renewal-due`. A day missed is caught up with the nearest offset
 * not yet passed, never several.
 */
@Injectable()
export class ContractRemindersService {
  private readonly logger = new Logger('contracts');

  constructor(
    private readonly ds: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly relay: OutboxRelay,
  ) {}

  async run(
    workspaceId: string,
    asOf: Date = new Date(),
    requestId?: string,
  ): Promise<Omit<ContractRemindersResult, 'expired'>> {
    const result = await this.ds.transaction(async (m) => {
      const { settings } = await this.settings.load(m, workspaceId);
      const today = dateInTimeZone(asOf, settings.timeZone);
      const days = [...RENEWAL_REMINDER_DAYS];
      // The window: contracts ending from today to the furthest offset (the partial index contracts_ending).
      const lastEnd = renewalReminderEndDates(today, [Math.max(...days)])[0].endsOn;
      const rows: { reminded: number }[] = await m.query(
        `WITH due AS (
           SELECT c.id, c.account_id, c.title, c.ends_on, c.signer_id, a.owner_id, a.name,
                  (SELECT min(d) FROM unnest($3::int[]) AS d WHERE d >= c.ends_on - $2::date) AS days
           FROM contracts c JOIN accounts a ON a.workspace_id = c.workspace_id AND a.id = c.account_id
           WHERE c.workspace_id = $1 AND c.status = 'active' AND c.ends_on BETWEEN $2::date AND $4::date),
         rem AS (
           INSERT INTO contract_reminders (contract_id, offset_days)
           SELECT id, days FROM due WHERE days IS NOT NULL
           ON CONFLICT DO NOTHING
           RETURNING contract_id, offset_days),
         taken AS (SELECT d.* FROM due d JOIN rem r ON r.contract_id = d.id AND r.offset_days = d.days),
         recipients AS (
           SELECT DISTINCT t.id, m.member_id
           FROM taken t CROSS JOIN LATERAL (VALUES (t.owner_id), (t.signer_id)) AS m (member_id)
           WHERE m.member_id IS NOT NULL),
         notes AS (
           INSERT INTO notifications (id, workspace_id, member_id, kind, title, body, link)
           SELECT gen_random_uuid(), $1, r.member_id, 'contract_renewal',
                  '合同续约提醒:' || t.title,
                  t.name || ' 的合同「' || t.title || '」将于 ' || to_char(t.ends_on, 'YYYY-MM-DD') || ' 到期(还剩 '
                    || (t.ends_on - $2::date) || ' 天)/ The contract "' || t.title || '" with ' || t.name
                    || ' ends on ' || to_char(t.ends_on, 'YYYY-MM-DD') || ' (' || (t.ends_on - $2::date)
                    || ' day(s) left): time to renew',
                  jsonb_build_object('contractId', t.id, 'accountId', t.account_id, 'days', t.days,
                    'endsOn', to_char(t.ends_on, 'YYYY-MM-DD'))
           FROM taken t JOIN recipients r ON r.id = t.id RETURNING 1),
         events AS (
           INSERT INTO outbox (id, subject, workspace_id, payload, request_id)
           SELECT gen_random_uuid(), $5, $1,
                  jsonb_build_object('workspaceId', $1::text, 'contractId', t.id, 'accountId', t.account_id,
                    'days', t.days, 'endsOn', to_char(t.ends_on, 'YYYY-MM-DD'),
                    'toMemberIds', (SELECT jsonb_agg(r.member_id) FROM recipients r WHERE r.id = t.id)),
                  $6
           FROM taken t RETURNING 1)
         SELECT (SELECT count(*) FROM taken)::int AS reminded, (SELECT count(*) FROM notes)::int AS notified,
                (SELECT count(*) FROM events)::int AS published`,
        [workspaceId, today, days, lastEnd, EVENTS.contractRenewalDue, requestId ?? null],
      );
      return { workspaceId, today, reminded: rows[0]?.reminded ?? 0 };
    });
    if (result.reminded) this.relay.kick();
    this.logger.log(
      `workspace ${workspaceId} on ${result.today}: ${result.reminded} contract renewal reminder(s)`,
    );
    return result;
  }
}
