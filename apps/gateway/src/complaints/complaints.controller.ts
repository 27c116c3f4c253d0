import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ComplaintCallbackDto,
  ComplaintMetricsQuery,
  ComplaintMetricsView,
  ComplaintTransitionDto,
  ComplaintView,
  CreateComplaintDto,
  ListComplaintsQuery,
  Page,
  RunComplaintSweepDto,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires, RequiresCapability } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { idempotencyKeyOf, versionFromIfMatch } from '../http/preconditions';
import { uuidParam, uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

const complaintId = uuidPathParam('complaintId');

/** Customer complaints (客户投诉处理表) with SLA deadlines, the handling process, the callback and metrics. */
@ApiTags('complaints')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class ComplaintsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('accounts/:id/complaints')
  @HttpCode(201)
  @Requires('create', 'Complaint')
  @ApiOperation({
    summary:
      'Record a complaint (投诉处理表); first-response and resolution deadlines follow severity × tier',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  create(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreateComplaintDto)) body: CreateComplaintDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ComplaintView> {
    return this.rpc.request<ComplaintView>(SUBJECTS.accounts.complaintCreate, actor, {
      accountId: id,
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  // Before complaints/:complaintId, so "metrics" is not taken for an id.
  @Get('complaints/metrics')
  @Requires('read', 'Complaint')
  @ApiOperation({
    summary:
      "First response time, resolution time and resolution rate per account, member or team for a month (workspace's time zone)",
  })
  metrics(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ComplaintMetricsQuery)) query: ComplaintMetricsQuery,
  ): Promise<ComplaintMetricsView> {
    return this.rpc.request(SUBJECTS.accounts.complaintMetrics, actor, { query });
  }

  @Get('complaints')
  @Requires('read', 'Complaint')
  @ApiOperation({ summary: 'Complaints the caller may read, newest first (cursor pagination, filters)' })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListComplaintsQuery)) query: ListComplaintsQuery,
  ): Promise<Page<ComplaintView>> {
    return this.rpc.request(SUBJECTS.accounts.complaintList, actor, { query });
  }

  @Get('complaints/:complaintId')
  @Requires('read', 'Complaint')
  @ApiOperation({ summary: 'One complaint with its history' })
  @VersionETag()
  get(@CurrentActor() actor: Actor, @Param('complaintId', complaintId) id: string): Promise<ComplaintView> {
    return this.rpc.request<ComplaintView>(SUBJECTS.accounts.complaintGet, actor, { id });
  }

  @Post('complaints/:complaintId/transition')
  @HttpCode(200)
  @Requires('update', 'Complaint')
  @ApiOperation({
    summary:
      'open → acknowledged → in_progress → resolved → closed, reopen to in_progress; 409 names the allowed moves',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  transition(
    @CurrentActor() actor: Actor,
    @Param('complaintId', complaintId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(ComplaintTransitionDto)) body: ComplaintTransitionDto,
  ): Promise<ComplaintView> {
    return this.rpc.request<ComplaintView>(SUBJECTS.accounts.complaintTransition, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Post('complaints/:complaintId/callback')
  @HttpCode(200)
  @Requires('update', 'Complaint')
  @ApiOperation({ summary: 'The satisfaction callback (回访) of a resolved complaint; closing needs it' })
  @ApiHeader({ name: 'If-Match', required: false })
  @VersionETag()
  callback(
    @CurrentActor() actor: Actor,
    @Param('complaintId', complaintId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(ComplaintCallbackDto)) body: ComplaintCallbackDto,
  ): Promise<ComplaintView> {
    return this.rpc.request<ComplaintView>(SUBJECTS.accounts.complaintCallback, actor, {
      id,
      expectedVersion: ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Post('admin/jobs/complaints/run')
  @HttpCode(200)
  @RequiresCapability('jobs:console')
  @ApiOperation({
    summary: "Run the complaint SLA sweep of the caller's workspace now (as of `asOf`) and wait for it",
  })
  runSweep(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(RunComplaintSweepDto)) body: RunComplaintSweepDto,
  ): Promise<{ marked: number; asOf: string }> {
    return this.rpc.request(SUBJECTS.accounts.complaintRunSweep, actor, { data: body });
  }
}
