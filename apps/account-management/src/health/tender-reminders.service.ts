import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENTS, TENDER_REMINDER_DAYS, TenderRemindersResult } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { dateInTimeZone } from '../domain/revisit';

/**
 * Tender deadline reminders of one workspace, set-based in one statement: each open tender (noticed or preparing)
 * whose deadline is 7, 3 or 1 day(s) away (workspace time zone) gets one in-app notification for its account's
 * owner per offset, recorded in tender_reminders (the primary key makes a rerun remind nobody twice) and told as
 * `tender.deadline-reminded`. A day missed is caught up with the nearest offset not yet passed, never several.
 */
@Injectable()
export class TenderRemindersService {
  private readonly logger = new Logger('tenders');

  constructor(
    private readonly ds: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly relay: OutboxRelay,
  ) {}

  async run(
    workspaceId: string,
    asOf: Date = new Date(),
    requestId?: string,
  ): Promise<TenderRemindersResult> {
    const result = await this.ds.transaction(async (m) => {
      const { settings } = await this.settings.load(m, workspaceId);
      const today = dateInTimeZone(asOf, settings.timeZone);
      const rows: { reminded: number }[] = await m.query(
        `WITH due AS (
           SELECT t.id, t.account_id, t.title, t.deadline_at, a.owner_id, a.name,
                  (SELECT min(d) FROM unnest($4::int[]) AS d
                   WHERE d >= timezone($3, t.deadline_at)::date - $2::date) AS days
           FROM tenders t JOIN accounts a ON a.id = t.account_id
           WHERE t.workspace_id = $1 AND t.status IN ('noticed', 'preparing') AND t.deadline_at > $5
             AND timezone($3, t.deadline_at)::date - $2::date BETWEEN 0 AND (SELECT max(d) FROM unnest($4::int[]) d)),
         rem AS (
           INSERT INTO tender_reminders (tender_id, days, member_id)
           SELECT id, days, owner_id FROM due WHERE days IS NOT NULL
           ON CONFLICT DO NOTHING
           RETURNING tender_id, days),
         taken AS (SELECT d.* FROM due d JOIN rem r ON r.tender_id = d.id AND r.days = d.days),
         notes AS (
           INSERT INTO notifications (id, workspace_id, member_id, kind, title, body, link)
           SELECT gen_random_uuid(), $1, t.owner_id, 'tender_deadline',
                  '投标截止提醒:' || t.title,
                  t.name || ' 的投标将于 ' || to_char(timezone($3, t.deadline_at), 'YYYY-MM-DD HH24:MI') || ' 截止(还剩 '
                    || t.days || ' 天)/ The tender "' || t.title || '" for ' || t.name || ' closes on '
                    || to_char(timezone($3, t.deadline_at), 'YYYY-MM-DD HH24:MI') || ' (' || t.days || ' day(s) left)',
                  jsonb_build_object('tenderId', t.id, 'accountId', t.account_id, 'days', t.days)
           FROM taken t RETURNING 1),
         events AS (
           INSERT INTO outbox (id, subject, workspace_id, payload, request_id)
           SELECT gen_random_uuid(), $6, $1,
                  jsonb_build_object('workspaceId', $1::text, 'tenderId', t.id, 'accountId', t.account_id,
                    'days', t.days, 'toMemberId', t.owner_id, 'deadlineAt', t.deadline_at),
                  $7
           FROM taken t RETURNING 1)
         SELECT (SELECT count(*) FROM taken)::int AS reminded, (SELECT count(*) FROM notes)::int AS notified,
                (SELECT count(*) FROM events)::int AS published`,
        [
          workspaceId,
          today,
          settings.timeZone,
          [...TENDER_REMINDER_DAYS],
          asOf,
          EVENTS.tenderDeadlineReminded,
          requestId ?? null,
        ],
      );
      return { workspaceId, today, reminded: rows[0]?.reminded ?? 0 };
    });
    if (result.reminded) this.relay.kick();
    this.logger.log(`workspace ${workspaceId} on ${result.today}: ${result.reminded} tender reminder(s)`);
    return result;
  }
}
