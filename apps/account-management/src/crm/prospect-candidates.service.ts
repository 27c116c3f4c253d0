import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Actor,
  KamError,
  ListProspectCandidatesQuery,
  Page,
  PromoteProspectCandidateRequest,
  ProspectCandidateView,
} from '@app/contracts';
import { decodeCursor, encodeCursor } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { AccountsService } from '../accounts/accounts.service';

interface CandidateRow {
  id: string;
  crm_company_id: string;
  name: string;
  domain: string | null;
  employees: number | null;
  city: string | null;
  status: ProspectCandidateView['status'];
  account_id: string | null;
  first_seen_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, crm_company_id, name, domain, employees, city, status, account_id, first_seen_at, updated_at`;

function toView(r: CandidateRow): ProspectCandidateView {
  return {
    id: r.id,
    crmCompanyId: r.crm_company_id,
    name: r.name,
    domain: r.domain,
    employees: r.employees,
    city: r.city,
    status: r.status,
    accountId: r.account_id,
    firstSeenAt: r.first_seen_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/**
 * CRM companies that are not key accounts (issue 7): whoever may create key accounts (a market researcher
 * creates prospects) lists them and promotes one to a prospect account through the ordinary create use case.
 */
@Injectable()
export class ProspectCandidatesService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly accounts: AccountsService,
  ) {}

  private async mayCreateAccounts(actor: Actor): Promise<void> {
    const { ability } = await this.actors.resolve(actor);
    if (!ability.can('create', 'Account')) throw new KamError('forbidden');
  }

  async list(actor: Actor, query: ListProspectCandidatesQuery): Promise<Page<ProspectCandidateView>> {
    await this.mayCreateAccounts(actor);
    const limit = query.limit ?? 50;
    let after: { name: string; id: string } | null = null;
    if (query.cursor) {
      const c = decodeCursor(query.cursor, 'text');
      after = { name: c.value, id: c.id };
    }
    const rows: CandidateRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM crm_prospect_candidates
       WHERE workspace_id = $1 AND status = $2
         AND ($3::text IS NULL OR strpos(lower(name), lower($3)) > 0)
         AND ($4::text IS NULL OR (name, id) > ($4, $5::uuid))
       ORDER BY name, id LIMIT $6`,
      [
        actor.workspaceId,
        query.status ?? 'open',
        query.q ?? null,
        after?.name ?? null,
        after?.id ?? null,
        limit + 1,
      ],
    );
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map(toView);
    const last = items[items.length - 1];
    return { items, nextCursor: more && last ? encodeCursor(last.name, last.id) : null };
  }

  async promote(
    actor: Actor,
    req: PromoteProspectCandidateRequest,
  ): Promise<{ candidate: ProspectCandidateView; accountId: string }> {
    await this.mayCreateAccounts(actor);
    const rows: CandidateRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM crm_prospect_candidates WHERE workspace_id = $1 AND id = $2`,
      [actor.workspaceId, req.candidateId],
    );
    const c = rows[0];
    if (!c) throw new KamError('prospect_candidate_not_found');
    if (c.status !== 'open') throw new KamError('prospect_candidate_not_open', { status: c.status });
    // The account's uniqueness by CRM company decides a race between two promotions.
    const account = await this.accounts.create(actor, {
      crmCompanyId: c.crm_company_id,
      name: c.name,
      tier: req.tier,
      category: req.category,
      status: 'prospect',
      region: c.city ?? undefined,
      ownerId: req.ownerId,
    });
    // An UPDATE … RETURNING answers [rows, count].
    const [updated]: [CandidateRow[], number] = await this.ds.query(
      `UPDATE crm_prospect_candidates SET status = 'promoted', account_id = $3, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [actor.workspaceId, c.id, account.id],
    );
    return { candidate: toView(updated[0]), accountId: account.id };
  }
}
