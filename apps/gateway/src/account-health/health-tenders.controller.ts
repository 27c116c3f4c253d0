import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ContractRemindersResult,
  CreateRiskDto,
  CreateTenderDto,
  HealthRunResult,
  ListTendersQuery,
  RiskView,
  RunDailyJobDto,
  SUBJECTS,
  TenderRemindersResult,
  TenderView,
  UpdateRiskDto,
  UpdateTenderDto,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires, RequiresCapability } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { versionFromIfMatch } from '../http/preconditions';
import { uuidParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

/** Account health (daily score), the risk register per account, and tenders (政府采购) with deadline reminders. */
@ApiTags('health, risks, tenders')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class HealthTendersController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('accounts/:id/risks')
  @Requires('read', 'Risk')
  @ApiOperation({ summary: "The account's risk register" })
  listRisks(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
  ): Promise<{ items: RiskView[] }> {
    return this.rpc.request(SUBJECTS.accounts.riskList, actor, { accountId: id });
  }

  @Post('accounts/:id/risks')
  @Requires('create', 'Risk')
  @ApiOperation({ summary: 'Add a risk (risk, severity, likelihood, mitigation, owner)' })
  @VersionETag()
  createRisk(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreateRiskDto)) body: CreateRiskDto,
  ): Promise<RiskView> {
    return this.rpc.request<RiskView>(SUBJECTS.accounts.riskCreate, actor, {
      accountId: id,
      data: body,
    });
  }

  @Patch('risks/:id')
  @Requires('update', 'Risk')
  @ApiOperation({ summary: 'Change a risk (also its status open → mitigated → closed). If-Match required' })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  updateRisk(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateRiskDto)) body: UpdateRiskDto,
  ): Promise<RiskView> {
    return this.rpc.request<RiskView>(SUBJECTS.accounts.riskUpdate, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Get('tenders')
  @Requires('read', 'Tender')
  @ApiOperation({ summary: 'Tenders the caller may see, earliest deadline first (?status=&deadlineBefore=)' })
  listTenders(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListTendersQuery)) query: ListTendersQuery,
  ): Promise<{ items: TenderView[] }> {
    return this.rpc.request(SUBJECTS.accounts.tenderList, actor, { query });
  }

  @Get('accounts/:id/tenders')
  @Requires('read', 'Tender')
  @ApiOperation({ summary: "The account's tenders, earliest deadline first" })
  listTendersOfAccount(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Query(new DtoPipe(ListTendersQuery)) query: ListTendersQuery,
  ): Promise<{ items: TenderView[] }> {
    return this.rpc.request(SUBJECTS.accounts.tenderList, actor, { accountId: id, query });
  }

  @Post('accounts/:id/tenders')
  @Requires('create', 'Tender')
  @ApiOperation({ summary: 'Record a tender notice (title, notice ref, deadline, bid document, amount)' })
  @VersionETag()
  createTender(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreateTenderDto)) body: CreateTenderDto,
  ): Promise<TenderView> {
    return this.rpc.request<TenderView>(SUBJECTS.accounts.tenderCreate, actor, {
      accountId: id,
      data: body,
    });
  }

  @Patch('tenders/:id')
  @Requires('update', 'Tender')
  @ApiOperation({
    summary:
      'Change a tender; status noticed → preparing → submitted → won | lost, or cancelled (409 names the allowed). If-Match required',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  updateTender(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateTenderDto)) body: UpdateTenderDto,
  ): Promise<TenderView> {
    return this.rpc.request<TenderView>(SUBJECTS.accounts.tenderUpdate, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Post('admin/jobs/health/run')
  @HttpCode(200)
  @RequiresCapability('jobs:console')
  @ApiOperation({
    summary: 'Admin: score the health of every account of your workspace now (optionally as of asOf)',
  })
  runHealth(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(RunDailyJobDto)) body: RunDailyJobDto,
  ): Promise<HealthRunResult> {
    return this.rpc.request(SUBJECTS.accounts.healthRun, actor, { data: body }, { timeoutMs: 30_000 });
  }

  @Post('admin/jobs/tenders/run')
  @HttpCode(200)
  @RequiresCapability('jobs:console')
  @ApiOperation({
    summary: 'Admin: send the tender deadline reminders of your workspace now (optionally as of asOf)',
  })
  runTenderReminders(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(RunDailyJobDto)) body: RunDailyJobDto,
  ): Promise<TenderRemindersResult> {
    return this.rpc.request(
      SUBJECTS.accounts.tenderRunReminders,
      actor,
      { data: body },
      { timeoutMs: 30_000 },
    );
  }

  @Post('admin/jobs/contracts/run')
  @HttpCode(200)
  @RequiresCapability('jobs:console')
  @ApiOperation({
    summary:
      'Admin: run the daily contract work of your workspace now (optionally as of asOf): active contracts past their end date expire, renewal reminders go out 60, 30 and 7 days before the end; answers both counts',
  })
  runContractReminders(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(RunDailyJobDto)) body: RunDailyJobDto,
  ): Promise<ContractRemindersResult> {
    return this.rpc.request(
      SUBJECTS.accounts.contractRunRenewalReminders,
      actor,
      { data: body },
      { timeoutMs: 30_000 },
    );
  }
}
