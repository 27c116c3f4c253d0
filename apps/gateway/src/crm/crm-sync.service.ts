import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  Actor,
  CrmCompaniesResult,
  CrmLinkedAccount,
  CrmOpportunitiesResult,
  CrmPeopleResult,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { CrmConnectionService } from './crm-connection.service';
import { CrmRedis } from './crm-redis';
import { isConnectionRefusal, TwentyClient } from './twenty-client';
import { toCompany, toOpportunity, toPerson, TWENTY_PLURALS, TwentyRecord } from './twenty-records';
import { ensureCompanyFields, writeBack } from './twenty-write-back';

export type SyncPhase = 'companies' | 'people' | 'opportunities' | 'write_back' | 'done';
const NEXT: Record<SyncPhase, SyncPhase> = {
  companies: 'people',
  people: 'opportunities',
  opportunities: 'write_back',
  write_back: 'done',
  done: 'done',
};
const PLURAL = {
  companies: TWENTY_PLURALS.company,
  people: TWENTY_PLURALS.person,
  opportunities: TWENTY_PLURALS.opportunity,
};
/** Linked accounts written back per round; the last company id written is the cursor. */
const WRITE_BACK_BATCH = 100;
const BATCH_TIMEOUT_MS = 20_000;

export interface SyncRunView {
  runId: string;
  status: 'running' | 'completed' | 'failed';
  phase: SyncPhase;
  pages: number;
  counts: Record<string, number>;
  lastError: string | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

interface RunRow {
  run_id: string;
  status: SyncRunView['status'];
  phase: SyncPhase;
  cursor: string | null;
  pages: number;
  counts: Record<string, number>;
  last_error: string | null;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export function crmSystemActor(workspaceId: string, requestId: string): Actor {
  return { workspaceId, memberId: 'system:crm-sync', roles: [], requestId, kind: 'system' };
}

/**
 * One sync run of a workspace with Twenty (issue 7): companies, people, opportunities page by page
 * (`limit` 60, `starting_after`), each page applied in account-management and then its cursor saved, so a
 * killed run resumes at the next page and a page applied twice changes nothing; then tier, health and owner
 * are written back to custom fields on the companies of key accounts.
 */
@Injectable()
export class CrmSyncService {
  private readonly logger = new Logger('crm-sync');

  constructor(
    private readonly ds: DataSource,
    private readonly rpc: RpcClient,
    private readonly connections: CrmConnectionService,
    private readonly redis: CrmRedis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async state(workspaceId: string): Promise<SyncRunView | undefined> {
    const rows: RunRow[] = await this.ds.query(`SELECT * FROM crm_sync_runs WHERE workspace_id = $1`, [
      workspaceId,
    ]);
    const r = rows[0];
    return r
      ? {
          runId: r.run_id,
          status: r.status,
          phase: r.phase,
          pages: r.pages,
          counts: r.counts,
          lastError: r.last_error,
          startedAt: r.started_at.toISOString(),
          updatedAt: r.updated_at.toISOString(),
          finishedAt: r.finished_at?.toISOString() ?? null,
        }
      : undefined;
  }

  /** The run in progress, or a new one. */
  private async begin(workspaceId: string): Promise<RunRow> {
    const rows: RunRow[] = await this.ds.query(
      `INSERT INTO crm_sync_runs (workspace_id, run_id, status, phase)
       VALUES ($1, $2, 'running', 'companies')
       ON CONFLICT (workspace_id) DO UPDATE
         SET run_id = EXCLUDED.run_id, status = 'running', phase = 'companies', cursor = NULL, pages = 0,
             counts = '{}', last_error = NULL, started_at = now(), updated_at = now(), finished_at = NULL
         WHERE crm_sync_runs.status <> 'running'
       RETURNING *`,
      [workspaceId, randomUUID()],
    );
    if (rows[0]) return rows[0];
    const running: RunRow[] = await this.ds.query(`SELECT * FROM crm_sync_runs WHERE workspace_id = $1`, [
      workspaceId,
    ]);
    this.logger.log(`workspace ${workspaceId}: resuming run ${running[0].run_id} at ${running[0].phase}`);
    return running[0];
  }

  private async save(workspaceId: string, run: RunRow): Promise<void> {
    await this.ds.query(
      `UPDATE crm_sync_runs SET phase = $3, cursor = $4, pages = $5, counts = $6, status = $7, last_error = NULL,
         updated_at = now(), finished_at = CASE WHEN $7 = 'completed' THEN now() END
       WHERE workspace_id = $1 AND run_id = $2`,
      [workspaceId, run.run_id, run.phase, run.cursor, run.pages, JSON.stringify(run.counts), run.status],
    );
  }

  /** Runs (or resumes) the workspace's sync to the end. `heartbeat` is called after every page and wait. */
  async run(
    workspaceId: string,
    requestId: string,
    heartbeat: () => Promise<void> = async () => undefined,
  ): Promise<SyncRunView | { skipped: string }> {
    const connection = await this.connections.get(workspaceId);
    if (!connection) return { skipped: 'no CRM connection' };
    const client = new TwentyClient(
      connection,
      this.connections.http,
      this.redis,
      { limit: this.config.KAM_CRM_RATE_LIMIT, windowMs: this.config.KAM_CRM_RATE_WINDOW_MS },
      heartbeat,
    );
    const actor = crmSystemActor(workspaceId, requestId);
    const run = await this.begin(workspaceId);
    const add = (k: string, n: number) => (run.counts[k] = (run.counts[k] ?? 0) + n);
    try {
      while (run.phase === 'companies' || run.phase === 'people' || run.phase === 'opportunities') {
        const page = await client.page(PLURAL[run.phase], run.cursor);
        await this.apply(actor, run.phase, page.records, add);
        run.pages += 1;
        if (page.hasNextPage) run.cursor = page.endCursor;
        else {
          run.phase = NEXT[run.phase];
          run.cursor = null;
        }
        await this.save(workspaceId, run);
        await heartbeat();
      }
      if (run.phase === 'write_back') {
        if (run.cursor === null) add('fieldsCreated', (await ensureCompanyFields(client)).length);
        for (;;) {
          const linked = await this.rpc.request<CrmLinkedAccount[]>(
            SUBJECTS.accounts.crmLinkedAccounts,
            actor,
            { limit: WRITE_BACK_BATCH, ...(run.cursor ? { after: run.cursor } : {}) },
            { timeoutMs: BATCH_TIMEOUT_MS },
          );
          for (const a of linked) {
            add((await writeBack(client, a)) ? 'companiesWrittenBack' : 'companiesMissing', 1);
            run.cursor = a.crmCompanyId;
          }
          if (linked.length < WRITE_BACK_BATCH) break;
          await this.save(workspaceId, run);
          await heartbeat();
        }
        run.phase = 'done';
        run.cursor = null;
      }
      run.status = 'completed';
      await this.save(workspaceId, run);
      this.logger.log(
        `workspace ${workspaceId}: sync ${run.run_id} completed, ${JSON.stringify(run.counts)}`,
      );
      return (await this.state(workspaceId))!;
    } catch (e) {
      // The message names the status and path, never the API key. A refused address or a redirect ends the
      // run (failed): it cannot succeed until the connection changes; anything else is resumed by the retry.
      await this.ds.query(
        `UPDATE crm_sync_runs SET last_error = $3, updated_at = now(),
           status = CASE WHEN $4 THEN 'failed' ELSE status END, finished_at = CASE WHEN $4 THEN now() END
         WHERE workspace_id = $1 AND run_id = $2`,
        [workspaceId, run.run_id, String((e as Error).message ?? e).slice(0, 500), isConnectionRefusal(e)],
      );
      throw e;
    }
  }

  /** A page of records into account-management (or a single webhook record). */
  async apply(
    actor: Actor,
    phase: 'companies' | 'people' | 'opportunities',
    records: TwentyRecord[],
    add: (k: string, n: number) => void = () => undefined,
  ): Promise<void> {
    add(phase, records.length);
    if (phase === 'companies') {
      const companies = records.map(toCompany).filter((c) => c !== null);
      if (!companies.length) return;
      const r = await this.rpc.request<CrmCompaniesResult>(
        SUBJECTS.accounts.crmCompaniesUpsert,
        actor,
        { companies },
        { timeoutMs: BATCH_TIMEOUT_MS },
      );
      add('accountsUpdated', r.accountsUpdated);
      add('candidates', r.candidates);
    } else if (phase === 'people') {
      const people = records.map(toPerson).filter((p) => p !== null);
      if (!people.length) return;
      const r = await this.rpc.request<CrmPeopleResult>(
        SUBJECTS.accounts.crmPeopleUpsert,
        actor,
        { people },
        { timeoutMs: BATCH_TIMEOUT_MS },
      );
      add('contactsCreated', r.contactsCreated);
      add('contactsUpdated', r.contactsUpdated);
    } else {
      const opportunities = records.map(toOpportunity).filter((o) => o !== null);
      if (!opportunities.length) return;
      const r = await this.rpc.request<CrmOpportunitiesResult>(
        SUBJECTS.accounts.crmOpportunitiesUpsert,
        actor,
        { opportunities },
        { timeoutMs: BATCH_TIMEOUT_MS },
      );
      add('ordersCreated', r.ordersCreated);
    }
  }
}
