import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  CommissionPlanView,
  CommissionStatementView,
  CreateCommissionPlanDto,
  DraftStatementsDto,
  DraftStatementsView,
  ListCommissionPlansQuery,
  ListStatementsQuery,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { idempotencyKeyOf } from '../http/preconditions';
import { optionalIfMatch } from '../http/preconditions';
import { uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

/** 提成方案 (tiered commission plans) and 提成结算预案 (monthly commission statements), approved by the director. */
@ApiTags('performance')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/performance/commission')
export class CommissionController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('plans')
  @Requires('read', 'CommissionPlan')
  @ApiOperation({ summary: 'Commission plans, newest effective month first' })
  listPlans(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListCommissionPlansQuery)) query: ListCommissionPlansQuery,
  ): Promise<CommissionPlanView[]> {
    return this.rpc.request(SUBJECTS.performance.commissionPlanList, actor, { query });
  }

  @Post('plans')
  @HttpCode(201)
  @Requires('create', 'CommissionPlan')
  @ApiOperation({
    summary: 'Draft a plan: tiers (from fen, rate %), progressive or whole, effective from a month',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  createPlan(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(CreateCommissionPlanDto)) body: CreateCommissionPlanDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<CommissionPlanView> {
    return this.rpc.request<CommissionPlanView>(SUBJECTS.performance.commissionPlanCreate, actor, {
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  @Post('plans/:id/approve')
  @HttpCode(200)
  @Requires('approve', 'CommissionPlan')
  @ApiOperation({
    summary: 'The director approves a draft plan (409 when already approved); If-Match optional',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @VersionETag()
  approvePlan(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommissionPlanView> {
    return this.rpc.request<CommissionPlanView>(SUBJECTS.performance.commissionPlanApprove, actor, {
      id,
      expectedVersion: optionalIfMatch(ifMatch),
    });
  }

  @Post('statements/draft')
  @HttpCode(200)
  @Requires('create', 'CommissionStatement')
  @ApiOperation({
    summary:
      "Compute every member's draft for a month from their sales; drafts are replaced, approved ones kept",
  })
  draft(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(DraftStatementsDto)) body: DraftStatementsDto,
  ): Promise<DraftStatementsView> {
    return this.rpc.request(
      SUBJECTS.performance.commissionStatementDraft,
      actor,
      { data: body },
      { timeoutMs: 120_000 },
    );
  }

  @Get('statements')
  @Requires('read', 'CommissionStatement')
  @ApiOperation({
    summary: "A month's statements the caller may read (own ones once approved; a leader's team)",
  })
  listStatements(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListStatementsQuery)) query: ListStatementsQuery,
  ): Promise<CommissionStatementView[]> {
    return this.rpc.request(SUBJECTS.performance.commissionStatementList, actor, { query });
  }

  @Post('statements/:id/approve')
  @HttpCode(200)
  @Requires('approve', 'CommissionStatement')
  @ApiOperation({ summary: "The director approves a member's statement (409 when already approved)" })
  @ApiHeader({ name: 'If-Match', required: false })
  @VersionETag()
  approveStatement(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommissionStatementView> {
    return this.rpc.request<CommissionStatementView>(SUBJECTS.performance.commissionStatementApprove, actor, {
      id,
      expectedVersion: optionalIfMatch(ifMatch),
    });
  }
}
