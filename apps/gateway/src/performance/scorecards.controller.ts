import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  AppealDto,
  AppealView,
  AuditEntryView,
  AuditTrailQuery,
  DecideAppealDto,
  DecideWarningDto,
  EliminationWarningView,
  KamError,
  ListScorecardsQuery,
  Page,
  RateScorecardDto,
  ScorecardView,
  StatementView,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { versionFromIfMatch } from '../http/preconditions';
import { uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

/**
 * Scorecards: ratings with evidence, publication, the member's acknowledgement or appeal, the director's
 * decision and approval, and the statement that explains every number of the member's pay.
 */
@ApiTags('performance')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/performance')
export class ScorecardsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('scorecards')
  @Requires('read', 'Scorecard')
  @ApiOperation({
    summary:
      'Scorecards the caller may see: own once published; a leader their team; director and executive all',
  })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListScorecardsQuery)) query: ListScorecardsQuery,
  ): Promise<Page<ScorecardView>> {
    return this.rpc.request(SUBJECTS.performance.scorecardList, actor, { query });
  }

  @Get('scorecards/:id')
  @Requires('read', 'Scorecard')
  @ApiOperation({ summary: 'One scorecard with its criteria, points and explanations' })
  @VersionETag()
  get(@CurrentActor() actor: Actor, @Param('id', uuidPathParam('id')) id: string): Promise<ScorecardView> {
    return this.rpc.request<ScorecardView>(SUBJECTS.performance.scorecardGet, actor, { id });
  }

  @Get('scorecards/:id/statement')
  @Requires('read', 'Scorecard')
  @ApiOperation({
    summary: "The member's statement: score, band, department modifier, commission, every formula",
  })
  statement(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
  ): Promise<StatementView> {
    return this.rpc.request(SUBJECTS.performance.scorecardStatement, actor, { id });
  }

  @Post('scorecards/:id/ratings')
  @HttpCode(200)
  @Requires('rate', 'Scorecard')
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiOperation({
    summary: 'Rate manual criteria (0..max, two decimals) with evidence; group leader or director',
  })
  @VersionETag()
  rate(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(RateScorecardDto)) body: RateScorecardDto,
  ): Promise<ScorecardView> {
    return this.rpc.request<ScorecardView>(SUBJECTS.performance.scorecardRate, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Post('scorecards/:id/publish')
  @HttpCode(200)
  @Requires('publish', 'Scorecard')
  @ApiOperation({ summary: 'Publish a rated scorecard to the member; the 5-day appeal window starts' })
  publish(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
  ): Promise<ScorecardView> {
    return this.rpc.request(SUBJECTS.performance.scorecardPublish, actor, { id });
  }

  @Post('scorecards/:id/acknowledge')
  @HttpCode(200)
  @Requires('acknowledge', 'Scorecard')
  @ApiOperation({ summary: 'The member acknowledges their published scorecard' })
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
  ): Promise<ScorecardView> {
    return this.rpc.request(SUBJECTS.performance.scorecardAcknowledge, actor, { id });
  }

  @Post('scorecards/:id/appeal')
  @HttpCode(201)
  @Requires('appeal', 'Scorecard')
  @ApiOperation({ summary: 'The member appeals within 5 days of publication; the director decides' })
  appeal(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Body(new DtoPipe(AppealDto)) body: AppealDto,
  ): Promise<AppealView> {
    return this.rpc.request(SUBJECTS.performance.scorecardAppeal, actor, { id, data: body });
  }

  @Post('scorecards/:id/approve')
  @HttpCode(200)
  @Requires('approve', 'Scorecard')
  @ApiOperation({ summary: 'Director: approve (after acknowledgement or once the appeal window has passed)' })
  approve(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
  ): Promise<ScorecardView> {
    return this.rpc.request(SUBJECTS.performance.scorecardApprove, actor, { id });
  }

  @Get('appeals')
  @Requires('read', 'Scorecard')
  @ApiOperation({ summary: 'Appeals on scorecards the caller may see (filter by status)' })
  appeals(@CurrentActor() actor: Actor, @Query('status') status?: string): Promise<AppealView[]> {
    if (status !== undefined && !['pending', 'upheld', 'rejected'].includes(status))
      throw new KamError('validation_failed', { fields: 'status' }, [
        { field: 'status', message: 'status must be pending, upheld or rejected' },
      ]);
    return this.rpc.request(SUBJECTS.performance.appealList, actor, status ? { status } : {});
  }

  @Post('appeals/:id/decide')
  @HttpCode(200)
  @Requires('decideAppeal', 'Scorecard')
  @ApiOperation({
    summary:
      'Director: uphold (corrected ratings, recomputed with the recorded reason) or reject (approved as is)',
  })
  decideAppeal(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Body(new DtoPipe(DecideAppealDto)) body: DecideAppealDto,
  ): Promise<AppealView> {
    return this.rpc.request(SUBJECTS.performance.appealDecide, actor, { id, data: body });
  }

  @Get('elimination-warnings')
  @Requires('read', 'EliminationWarning')
  @ApiOperation({ summary: '末位 warnings: last place three months running, for the director to decide' })
  warnings(
    @CurrentActor() actor: Actor,
    @Query('status') status?: string,
  ): Promise<EliminationWarningView[]> {
    if (status !== undefined && !['open', 'decided'].includes(status))
      throw new KamError('validation_failed', { fields: 'status' }, [
        { field: 'status', message: 'status must be open or decided' },
      ]);
    return this.rpc.request(SUBJECTS.performance.warningList, actor, status ? { status } : {});
  }

  @Post('elimination-warnings/:id/decide')
  @HttpCode(200)
  @Requires('update', 'EliminationWarning')
  @ApiOperation({
    summary: "Director's decision on a warning (keep, improvement plan, reassign, dismiss) with a note",
  })
  decideWarning(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Body(new DtoPipe(DecideWarningDto)) body: DecideWarningDto,
  ): Promise<EliminationWarningView> {
    return this.rpc.request(SUBJECTS.performance.warningDecide, actor, { id, data: body });
  }

  @Get('audit')
  @Requires('read', 'PayBase')
  @ApiOperation({
    summary: 'Audit trail of one evaluation record (scorecard, scorecard_item, appeal, cycle, …)',
  })
  audit(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(AuditTrailQuery)) query: AuditTrailQuery,
  ): Promise<AuditEntryView[]> {
    return this.rpc.request(SUBJECTS.performance.auditTrail, actor, { query });
  }
}
