import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Actor,
  CrmCompaniesResult,
  CrmCompanyRecord,
  CrmLinkedAccount,
  CrmOpportunitiesResult,
  CrmOpportunityRecord,
  CrmPeopleResult,
  CrmPersonRecord,
  EVENTS,
  KamError,
} from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { OrdersService } from '../commercial/orders.service';

/** The last record of each id wins: one statement may not touch a row twice. */
function lastById<T extends { id: string }>(records: T[]): T[] {
  return [...new Map(records.map((r) => [r.id, r])).values()];
}

/**
 * What the CRM's records change in KAM (issue 7), applied set-based and idempotently, so a page of the sync
 * or a webhook delivered twice changes nothing the second time:
 * - a company linked to a key account (by crm_company_id) renames it; any other becomes a prospect candidate;
 * - a person of a linked company is a contact of that account (by crm_person_id);
 * - a won opportunity of a linked company is an order (by crm_opportunity_id, through the orders use case).
 */
@Injectable()
export class CrmRecordsService {
  private readonly logger = new Logger(CrmRecordsService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrdersService,
    private readonly relay: OutboxRelay,
  ) {}

  async upsertCompanies(workspaceId: string, input: CrmCompanyRecord[]): Promise<CrmCompaniesResult> {
    const companies = lastById(input).map((c) => ({
      id: c.id,
      name: c.name,
      domain: c.domain ?? null,
      employees: c.employees ?? null,
      city: c.city ?? null,
    }));
    if (!companies.length) return { accountsUpdated: 0, candidates: 0 };
    const rows: { renamed: number; candidates: number }[] = await this.ds.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(id text, name text, domain text, employees int, city text)),
       renamed AS (
         UPDATE accounts a SET name = i.name, version = a.version + 1, updated_at = now()
         FROM input i
         WHERE a.workspace_id = $1 AND a.crm_company_id = i.id AND a.name IS DISTINCT FROM i.name
         RETURNING a.id, a.version),
       timeline AS (
         INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
         SELECT $1, r.id, NULL, 'updated', jsonb_build_object('changed', jsonb_build_array('name'), 'source', 'crm')
         FROM renamed r),
       events AS (
         INSERT INTO outbox (id, subject, workspace_id, payload)
         SELECT gen_random_uuid(), $3, $1,
                jsonb_build_object('accountId', r.id, 'workspaceId', $1::uuid, 'version', r.version,
                                   'changed', jsonb_build_array('name'))
         FROM renamed r),
       candidates AS (
         INSERT INTO crm_prospect_candidates (id, workspace_id, crm_company_id, name, domain, employees, city)
         SELECT gen_random_uuid(), $1, i.id, i.name, i.domain, i.employees, i.city
         FROM input i
         WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.workspace_id = $1 AND a.crm_company_id = i.id)
         ON CONFLICT (workspace_id, crm_company_id) DO UPDATE
           SET name = EXCLUDED.name, domain = EXCLUDED.domain, employees = EXCLUDED.employees, city = EXCLUDED.city,
               status = CASE WHEN crm_prospect_candidates.status = 'deleted' THEN 'open'
                             ELSE crm_prospect_candidates.status END,
               updated_at = now()
         RETURNING id)
       SELECT (SELECT count(*) FROM renamed)::int AS renamed, (SELECT count(*) FROM candidates)::int AS candidates`,
      [workspaceId, JSON.stringify(companies), EVENTS.accountUpdated],
    );
    if (rows[0].renamed) this.relay.kick();
    return { accountsUpdated: rows[0].renamed, candidates: rows[0].candidates };
  }

  /**
   * A company deleted in the CRM: its candidate is marked deleted; a key account keeps all its history (the
   * archive must not be lost) and gets a timeline entry, so the owner can decide what to do.
   */
  async companyDeleted(workspaceId: string, crmCompanyId: string): Promise<{ accounts: number }> {
    return this.ds.transaction(async (m) => {
      await m.query(
        `UPDATE crm_prospect_candidates SET status = 'deleted', updated_at = now()
         WHERE workspace_id = $1 AND crm_company_id = $2 AND status = 'open'`,
        [workspaceId, crmCompanyId],
      );
      const rows: { id: string }[] = await m.query(
        `INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
         SELECT a.workspace_id, a.id, NULL, 'updated', jsonb_build_object('crmCompanyDeleted', true, 'source', 'crm')
         FROM accounts a WHERE a.workspace_id = $1 AND a.crm_company_id = $2
         RETURNING account_id AS id`,
        [workspaceId, crmCompanyId],
      );
      return { accounts: rows.length };
    });
  }

  async upsertPeople(workspaceId: string, input: CrmPersonRecord[]): Promise<CrmPeopleResult> {
    const people = lastById(input)
      .filter((p) => p.companyId)
      .map((p) => ({
        id: p.id,
        company_id: p.companyId,
        name: p.name,
        title: p.jobTitle || null,
        email: p.email || null,
        phone: p.phone || null,
      }));
    if (!people.length) return { contactsCreated: 0, contactsUpdated: 0, skipped: input.length };
    const rows: { linked: number; created: number; updated: number }[] = await this.ds.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb)
           AS r(id text, company_id text, name text, title text, email text, phone text)),
       linked AS (
         SELECT i.*, a.id AS account_id FROM input i
         JOIN accounts a ON a.workspace_id = $1 AND a.crm_company_id = i.company_id),
       upserted AS (
         INSERT INTO contacts AS c (id, workspace_id, account_id, crm_person_id, name, title, phone, email, buying_role)
         SELECT gen_random_uuid(), $1, l.account_id, l.id, l.name, l.title, l.phone, l.email, 'user' FROM linked l
         ON CONFLICT (workspace_id, account_id, crm_person_id) WHERE crm_person_id IS NOT NULL DO UPDATE
           SET name = EXCLUDED.name, title = EXCLUDED.title, phone = EXCLUDED.phone, email = EXCLUDED.email,
               version = c.version + 1, updated_at = now()
           WHERE (c.name, c.title, c.phone, c.email)
                 IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.title, EXCLUDED.phone, EXCLUDED.email)
         RETURNING c.id, c.account_id, (xmax = 0) AS inserted),
       timeline AS (
         INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
         SELECT $1, u.account_id, NULL, CASE WHEN u.inserted THEN 'contact_added' ELSE 'contact_updated' END,
                jsonb_build_object('contactId', u.id, 'source', 'crm')
         FROM upserted u)
       SELECT (SELECT count(*) FROM linked)::int AS linked,
              (SELECT count(*) FROM upserted WHERE inserted)::int AS created,
              (SELECT count(*) FROM upserted WHERE NOT inserted)::int AS updated`,
      [workspaceId, JSON.stringify(people)],
    );
    const r = rows[0];
    return { contactsCreated: r.created, contactsUpdated: r.updated, skipped: input.length - r.linked };
  }

  /**
   * A person deleted in the CRM: contacts keep their history (surveys and visit records point at them) but lose
   * the link, so a later person with the same id is a new contact.
   */
  async personDeleted(workspaceId: string, crmPersonId: string): Promise<{ contacts: number }> {
    const rows: { id: string }[] = await this.ds.query(
      `WITH unlinked AS (
         UPDATE contacts SET crm_person_id = NULL, version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND crm_person_id = $2 RETURNING id, account_id)
       INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
       SELECT $1, u.account_id, NULL, 'contact_updated',
              jsonb_build_object('contactId', u.id, 'crmPersonDeleted', true, 'source', 'crm')
       FROM unlinked u RETURNING account_id AS id`,
      [workspaceId, crmPersonId],
    );
    return { contacts: rows.length };
  }

  /**
   * Won opportunities of linked companies become orders through the orders use case (idempotent by the
   * opportunity id), credited to the account's owner, who is also recorded as the order's creator.
   */
  async upsertOpportunities(
    workspaceId: string,
    requestId: string,
    input: CrmOpportunityRecord[],
  ): Promise<CrmOpportunitiesResult> {
    const candidates = lastById(input).filter(
      (o) => o.won && o.companyId && o.amountMinor && o.amountMinor > 0 && o.currency,
    );
    let created = 0;
    if (candidates.length) {
      const accounts: { id: string; crm_company_id: string; owner_id: string }[] = await this.ds.query(
        `SELECT a.id, a.crm_company_id, a.owner_id FROM accounts a
         WHERE a.workspace_id = $1 AND a.crm_company_id = ANY($2::text[])`,
        [workspaceId, [...new Set(candidates.map((o) => o.companyId!))]],
      );
      const byCompany = new Map(accounts.map((a) => [a.crm_company_id, a]));
      const recorded: { crm_opportunity_id: string }[] = await this.ds.query(
        `SELECT crm_opportunity_id FROM orders WHERE workspace_id = $1 AND crm_opportunity_id = ANY($2::text[])`,
        [workspaceId, candidates.map((o) => o.id)],
      );
      const done = new Set(recorded.map((r) => r.crm_opportunity_id));
      for (const o of candidates) {
        const account = byCompany.get(o.companyId!);
        if (!account || done.has(o.id)) continue;
        // The orders use case needs a member as creator; the owner is credited, so the owner is recorded.
        const actor: Actor = {
          workspaceId,
          memberId: account.owner_id,
          roles: ['director'],
          requestId,
          kind: 'system',
        };
        try {
          const result = await this.orders.create(actor, account.id, {
            amount: { amountMinor: o.amountMinor!, currency: o.currency! },
            orderedOn: o.closeDate ?? new Date().toISOString(),
            source: 'crm_opportunity',
            crmOpportunityId: o.id,
            description: o.name ? o.name.slice(0, 2000) : undefined,
          });
          if (result.created) created++;
        } catch (e) {
          // A departed owner or a bad amount skips this opportunity; the rest of the page goes on.
          if (!(e instanceof KamError)) throw e;
          this.logger.warn(`opportunity ${o.id} not recorded: ${e.code}`);
        }
      }
    }
    return { ordersCreated: created, skipped: input.length - created };
  }

  /** Key accounts linked to CRM companies, for the write-back of tier, health and owner; keyset-paged. */
  async linkedAccounts(workspaceId: string, limit: number, after?: string): Promise<CrmLinkedAccount[]> {
    const rows: {
      crm_company_id: string;
      id: string;
      tier: string;
      health_score: number | null;
      owner_name: string;
    }[] = await this.ds.query(
      `SELECT a.crm_company_id, a.id, a.tier, a.health_score, m.name AS owner_name
       FROM accounts a JOIN members m ON m.id = a.owner_id AND m.workspace_id = a.workspace_id
       WHERE a.workspace_id = $1 AND ($2::text IS NULL OR a.crm_company_id > $2)
       ORDER BY a.crm_company_id LIMIT $3`,
      [workspaceId, after ?? null, limit],
    );
    return rows.map((r) => ({
      crmCompanyId: r.crm_company_id,
      accountId: r.id,
      tier: r.tier,
      healthScore: r.health_score,
      ownerName: r.owner_name,
    }));
  }
}
