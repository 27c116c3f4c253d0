import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ListProspectCandidatesQuery,
  Page,
  PromoteProspectCandidateDto,
  ProspectCandidateView,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { uuidParam } from '../http/path-params';

/** CRM companies that are not key accounts yet, and their promotion to prospects (issue 7). */
@ApiTags('crm')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/crm/prospect-candidates')
export class ProspectCandidatesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @Requires('create', 'Account')
  @ApiOperation({ summary: 'CRM companies without a key account (open candidates by default), by name' })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListProspectCandidatesQuery)) query: ListProspectCandidatesQuery,
  ): Promise<Page<ProspectCandidateView>> {
    return this.rpc.request(SUBJECTS.accounts.prospectCandidateList, actor, query);
  }

  @Post(':id/promote')
  @HttpCode(201)
  @Requires('create', 'Account')
  @ApiOperation({ summary: 'Promote a candidate to a prospect key account (status prospect)' })
  promote(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(PromoteProspectCandidateDto)) body: PromoteProspectCandidateDto,
  ): Promise<{ candidate: ProspectCandidateView; accountId: string }> {
    return this.rpc.request(SUBJECTS.accounts.prospectCandidatePromote, actor, { ...body, candidateId: id });
  }
}
