import { Injectable } from '@nestjs/common';
import {
  Actor,
  CrmCompaniesBatch,
  CrmCompaniesResult,
  CrmConnectionChangedRequest,
  CrmConnectionChangedResult,
  CrmLinkedAccount,
  CrmLinkedAccountsQuery,
  CrmOpportunitiesBatch,
  CrmOpportunitiesResult,
  CrmPeopleBatch,
  CrmPeopleResult,
  CrmRecordRef,
  KamError,
  ListProspectCandidatesQuery,
  Page,
  parseDto,
  PromoteProspectCandidateRequest,
  ProspectCandidateView,
  SUBJECTS,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { CrmConnectionNotices } from './crm-connection-notices.service';
import { CrmRecordsService } from './crm-records.service';
import { ProspectCandidatesService } from './prospect-candidates.service';

/** The CRM's records come only from the gateway's webhook and sync jobs: system actors. */
function systemOnly(actor: Actor): void {
  if (actor.kind !== 'system') throw new KamError('forbidden');
}

/** `kam.accounts.crm.*` (issue 7) and the prospect candidates a market researcher promotes. */
@Injectable()
export class CrmHandler {
  constructor(
    private readonly records: CrmRecordsService,
    private readonly candidates: ProspectCandidatesService,
    private readonly notices: CrmConnectionNotices,
  ) {}

  @RpcHandler(SUBJECTS.accounts.crmConnectionChanged)
  connectionChanged(data: unknown, actor: Actor): Promise<CrmConnectionChangedResult> {
    systemOnly(actor);
    return this.notices.changed(actor.workspaceId, parseDto(CrmConnectionChangedRequest, data));
  }

  @RpcHandler(SUBJECTS.accounts.crmCompaniesUpsert)
  companies(data: unknown, actor: Actor): Promise<CrmCompaniesResult> {
    systemOnly(actor);
    return this.records.upsertCompanies(actor.workspaceId, parseDto(CrmCompaniesBatch, data).companies);
  }

  @RpcHandler(SUBJECTS.accounts.crmCompanyDeleted)
  companyDeleted(data: unknown, actor: Actor): Promise<{ accounts: number }> {
    systemOnly(actor);
    return this.records.companyDeleted(actor.workspaceId, parseDto(CrmRecordRef, data).id);
  }

  @RpcHandler(SUBJECTS.accounts.crmPeopleUpsert)
  people(data: unknown, actor: Actor): Promise<CrmPeopleResult> {
    systemOnly(actor);
    return this.records.upsertPeople(actor.workspaceId, parseDto(CrmPeopleBatch, data).people);
  }

  @RpcHandler(SUBJECTS.accounts.crmPersonDeleted)
  personDeleted(data: unknown, actor: Actor): Promise<{ contacts: number }> {
    systemOnly(actor);
    return this.records.personDeleted(actor.workspaceId, parseDto(CrmRecordRef, data).id);
  }

  @RpcHandler(SUBJECTS.accounts.crmOpportunitiesUpsert)
  opportunities(data: unknown, actor: Actor): Promise<CrmOpportunitiesResult> {
    systemOnly(actor);
    const { opportunities } = parseDto(CrmOpportunitiesBatch, data);
    return this.records.upsertOpportunities(actor.workspaceId, actor.requestId, opportunities);
  }

  @RpcHandler(SUBJECTS.accounts.crmLinkedAccounts)
  linked(data: unknown, actor: Actor): Promise<CrmLinkedAccount[]> {
    systemOnly(actor);
    const q = parseDto(CrmLinkedAccountsQuery, data ?? {});
    return this.records.linkedAccounts(actor.workspaceId, q.limit ?? 500, q.after);
  }

  @RpcHandler(SUBJECTS.accounts.prospectCandidateList)
  list(data: unknown, actor: Actor): Promise<Page<ProspectCandidateView>> {
    return this.candidates.list(actor, parseDto(ListProspectCandidatesQuery, data ?? {}));
  }

  @RpcHandler(SUBJECTS.accounts.prospectCandidatePromote)
  promote(data: unknown, actor: Actor): Promise<{ candidate: ProspectCandidateView; accountId: string }> {
    return this.candidates.promote(actor, parseDto(PromoteProspectCandidateRequest, data));
  }
}
