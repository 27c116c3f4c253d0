import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  CompleteRevisitDto,
  ListNotificationsQuery,
  ListRevisitsQuery,
  NotificationView,
  Page,
  RescheduleRevisitDto,
  RevisitSweepResult,
  RevisitView,
  RunRevisitSweepDto,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires, RequiresCapability } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { versionFromIfMatch } from '../http/preconditions';
import { uuidParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

/** Revisits (回访) on the tier cadence: lists, completion with the outcome, rescheduling with a reason. */
@ApiTags('revisits')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class RevisitsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('revisits')
  @Requires('read', 'Revisit')
  @ApiOperation({
    summary: 'Revisits the caller may see, earliest due first (?status=&assigneeId=&accountId=&dueBefore=)',
  })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListRevisitsQuery)) query: ListRevisitsQuery,
  ): Promise<Page<RevisitView>> {
    return this.rpc.request(SUBJECTS.accounts.revisitList, actor, { query });
  }

  @Get('accounts/:id/revisits')
  @Requires('read', 'Revisit')
  @ApiOperation({ summary: "The account's revisits, earliest due first" })
  listOfAccount(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Query(new DtoPipe(ListRevisitsQuery)) query: ListRevisitsQuery,
  ): Promise<Page<RevisitView>> {
    return this.rpc.request(SUBJECTS.accounts.revisitList, actor, { accountId: id, query });
  }

  @Post('revisits/:id/completion')
  @HttpCode(200)
  @Requires('update', 'Revisit')
  @ApiOperation({
    summary:
      "Record the outcome (satisfaction 1-5, issues, next steps); moves the account's last contact and next due date. If-Match required",
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  complete(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(CompleteRevisitDto)) body: CompleteRevisitDto,
  ): Promise<RevisitView> {
    return this.rpc.request<RevisitView>(SUBJECTS.accounts.revisitComplete, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Post('revisits/:id/reschedule')
  @HttpCode(200)
  @Requires('update', 'Revisit')
  @ApiOperation({ summary: 'Move an open revisit to another day (not in the past); a reason is required' })
  @ApiHeader({ name: 'If-Match', required: false })
  @VersionETag()
  reschedule(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(RescheduleRevisitDto)) body: RescheduleRevisitDto,
  ): Promise<RevisitView> {
    return this.rpc.request<RevisitView>(SUBJECTS.accounts.revisitReschedule, actor, {
      id,
      expectedVersion: ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Get('notifications')
  @ApiOperation({ summary: "The caller's own in-app notifications, newest first (?unread=true)" })
  notifications(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListNotificationsQuery)) query: ListNotificationsQuery,
  ): Promise<Page<NotificationView>> {
    return this.rpc.request(SUBJECTS.accounts.notificationList, actor, { query });
  }

  @Post('notifications/:id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of your notifications read' })
  markRead(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<NotificationView> {
    return this.rpc.request(SUBJECTS.accounts.notificationRead, actor, { id });
  }

  @Post('admin/jobs/revisits/run')
  @HttpCode(200)
  @RequiresCapability('jobs:console')
  @ApiOperation({
    summary:
      'Admin: run the daily revisit sweep of your workspace now (optionally as of another instant) and wait for it',
  })
  runSweep(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(RunRevisitSweepDto)) body: RunRevisitSweepDto,
  ): Promise<RevisitSweepResult> {
    // The sweep may take a while on a large workspace: wait longer than for a plain request.
    return this.rpc.request(SUBJECTS.accounts.revisitRunSweep, actor, { data: body }, { timeoutMs: 30_000 });
  }
}
