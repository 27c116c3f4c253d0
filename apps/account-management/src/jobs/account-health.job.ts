import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { ContractRemindersResult, HealthRunResult, TenderRemindersResult } from '@app/contracts';
import { QueueName, WorkspaceJobData, isScheduledRun, PERIODIC_JOBS } from '@app/jobs';
import { HealthSweepService } from '../health/health-sweep.service';
import { TenderRemindersService } from '../health/tender-reminders.service';
import { ContractRemindersService } from '../commercial/contract-reminders.service';
import { ContractExpiryService } from '../commercial/contract-expiry.service';

/** Daily at 05:30 in the workspace's time zone: health is scored before the revisit sweep and the working day. */
export const SCORE_ACCOUNT_HEALTH_CRON = '30 5 * * *';
/** Daily at 07:00 in the workspace's time zone: tender deadline reminders for the day. */
export const TENDER_DEADLINE_REMINDERS_CRON = '0 7 * * *';
/**
 * Daily at 07:30 in the workspace's time zone: the daily contract work, i.e. contracts past their end date expire and
 * renewal reminders go out 60, 30 and 7 days before the end.
 */
export const CONTRACT_RENEWAL_REMINDERS_CRON = '30 7 * * *';

export interface DailyJobData extends WorkspaceJobData {
  /** Run as of this instant (ISO 8601) instead of now: tests and catching up drive the clock this way. */
  asOf?: string;
}

/** Job names of the account-health queue (the processor below dispatches on them). */
export const ScoreAccountHealthJob = { name: 'ScoreAccountHealthJob' } as const;
export const TenderDeadlineRemindersJob = { name: 'TenderDeadlineRemindersJob' } as const;
export const ContractRenewalRemindersJob = { name: 'ContractRenewalRemindersJob' } as const;

function asOfOf(data: DailyJobData): Date {
  const asOf = data.asOf ? new Date(data.asOf) : new Date();
  if (Number.isNaN(asOf.getTime())) throw new Error(`asOf is not a date: ${data.asOf}`);
  return asOf;
}

/**
 * The account-health queue: `ScoreAccountHealthJob` scores every account of one workspace (HealthSweepService),
 * `TenderDeadlineRemindersJob` reminds owners of tender deadlines 7, 3 and 1 days ahead,
 * `ContractRenewalRemindersJob` expires the active contracts whose end date has passed and reminds owners and signers
 * of contracts ending in 60, 30 and 7 days (the daily contract work; the job keeps its name so that the workspaces'
 * job schedulers stay as they are). All idempotent.
 */
@Processor(QueueName.AccountHealth)
export class AccountHealthJobs extends WorkerHost {
  constructor(
    private readonly health: HealthSweepService,
    private readonly reminders: TenderRemindersService,
    private readonly contractReminders: ContractRemindersService,
    private readonly contractExpiry: ContractExpiryService,
    @Inject(PERIODIC_JOBS) private readonly periodic: boolean,
  ) {
    super();
  }

  async process(
    job: Job<DailyJobData>,
  ): Promise<HealthRunResult | TenderRemindersResult | ContractRemindersResult | { skipped: string }> {
    // Runs from the job scheduler are paused when KAM_PERIODIC_JOBS=0 (tests); runs enqueued by hand are not.
    if (isScheduledRun(job) && !this.periodic) return { skipped: 'KAM_PERIODIC_JOBS=0' };
    if (job.name === ScoreAccountHealthJob.name)
      return this.health.run(job.data.workspaceId, asOfOf(job.data), job.id);
    if (job.name === TenderDeadlineRemindersJob.name)
      return this.reminders.run(job.data.workspaceId, asOfOf(job.data), job.id);
    if (job.name === ContractRenewalRemindersJob.name) return this.contractWork(job);
    throw new Error(`unknown job ${job.name}`);
  }

  /**
   * Expiry first, then reminders, each one set-based statement in its own transaction. A retry after a failed
   * reminder step finds the contracts already expired and expires none again.
   */
  private async contractWork(job: Job<DailyJobData>): Promise<ContractRemindersResult> {
    const asOf = asOfOf(job.data);
    const { expired } = await this.contractExpiry.run(job.data.workspaceId, asOf, job.id);
    const reminders = await this.contractReminders.run(job.data.workspaceId, asOf, job.id);
    return { ...reminders, expired };
  }
}
