import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENTS } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { dateInTimeZone } from '../domain/revisit';
import { CONTRACT_IN_FORCE_STATUSES } from '../domain/discount';

export interface ContractExpiryResult {
  workspaceId: string;
  today: string;
  /** Contracts moved to `expired` by this run (a rerun on the same day moves none). */
  expired: number;
}

/** `status IN ('active')` written out, so the planner can use the partial index contracts_ending. */
const IN_FORCE_SQL = CONTRACT_IN_FORCE_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * Contract expiry of one workspace, set-based in one statement: every contract in force (active) whose end date is
 * before today (workspace time zone; the end date is its last day in force) becomes `expired`, with a
 * `contract_expired` entry on its account's timeline and a `contract.changed` event (ContractChangedEvent, change
 * `expired`, no actor) in the outbox, all in one UPDATE … RETURNING. Idempotent: an expired contract is no longer in force, so a rerun changes nothing.
 * Drafts and contracts pending approval never were in force and are left alone.
 */
@Injectable()
export class ContractExpiryService {
  private readonly logger = new Logger('contracts');

  constructor(
    private readonly ds: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly relay: OutboxRelay,
  ) {}

  async run(workspaceId: string, asOf: Date = new Date(), requestId?: string): Promise<ContractExpiryResult> {
    const result = await this.ds.transaction(async (m) => {
      const { settings } = await this.settings.load(m, workspaceId);
      const today = dateInTimeZone(asOf, settings.timeZone);
      const rows: { expired: number }[] = await m.query(
        `WITH gone AS (
           UPDATE contracts c SET status = 'expired', version = c.version + 1, updated_at = now()
           WHERE c.workspace_id = $1 AND c.status IN (${IN_FORCE_SQL}) AND c.ends_on < $2::date
           RETURNING c.id, c.account_id, c.ends_on),
         timeline AS (
           INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
           SELECT $1, g.account_id, NULL, 'contract_expired',
                  jsonb_build_object('contractId', g.id, 'endsOn', to_char(g.ends_on, 'YYYY-MM-DD'),
                    'status', 'expired')
           FROM gone g RETURNING 1),
         events AS (
           INSERT INTO outbox (id, subject, workspace_id, payload, request_id)
           SELECT gen_random_uuid(), $3, $1,
                  jsonb_build_object('workspaceId', $1::text, 'accountId', g.account_id, 'contractId', g.id,
                    'change', 'expired', 'status', 'expired'),
                  $4
           FROM gone g RETURNING 1)
         SELECT (SELECT count(*) FROM gone)::int AS expired, (SELECT count(*) FROM timeline)::int AS told,
                (SELECT count(*) FROM events)::int AS published`,
        [workspaceId, today, EVENTS.contractChanged, requestId ?? null],
      );
      return { workspaceId, today, expired: rows[0]?.expired ?? 0 };
    });
    if (result.expired) this.relay.kick();
    this.logger.log(`workspace ${workspaceId} on ${result.today}: ${result.expired} contract(s) expired`);
    return result;
  }
}
