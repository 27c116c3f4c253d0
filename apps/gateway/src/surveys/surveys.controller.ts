import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  AnswerSurveyDto,
  CreateSurveyDto,
  ListSurveysQuery,
  Page,
  RunSurveyScheduleDto,
  SUBJECTS,
  SurveyAggregatesQuery,
  SurveyAggregatesView,
  SurveyView,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires, RequiresCapability } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { idempotencyKeyOf, versionFromIfMatch } from '../http/preconditions';
import { uuidParam, uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

const surveyId = uuidPathParam('surveyId');

/** Satisfaction surveys (满意度调查): quarterly, after resolved complaints, or by hand; answers and aggregates. */
@ApiTags('surveys')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class SurveysController {
  constructor(private readonly rpc: RpcClient) {}

  // Before surveys/:surveyId routes, so "aggregates" is not taken for an id.
  @Get('surveys/aggregates')
  @Requires('read', 'Survey')
  @ApiOperation({
    summary:
      "Average score per dimension and counts of the surveys answered in a month per account, member (owner) or team (workspace's time zone)",
  })
  aggregates(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(SurveyAggregatesQuery)) query: SurveyAggregatesQuery,
  ): Promise<SurveyAggregatesView> {
    return this.rpc.request(SUBJECTS.accounts.surveyAggregates, actor, { query });
  }

  @Get('surveys')
  @Requires('read', 'Survey')
  @ApiOperation({ summary: 'Surveys the caller may read, newest first (cursor pagination, filters)' })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListSurveysQuery)) query: ListSurveysQuery,
  ): Promise<Page<SurveyView>> {
    return this.rpc.request(SUBJECTS.accounts.surveyList, actor, { query });
  }

  @Get('accounts/:id/surveys')
  @Requires('read', 'Survey')
  @ApiOperation({ summary: "One account's surveys, newest first" })
  listOfAccount(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<SurveyView[]> {
    return this.rpc.request(SUBJECTS.accounts.surveyListOfAccount, actor, { accountId: id });
  }

  @Post('accounts/:id/surveys')
  @HttpCode(201)
  @Requires('create', 'Survey')
  @ApiOperation({ summary: 'Start a satisfaction survey for an account by hand' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  create(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreateSurveyDto)) body: CreateSurveyDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<SurveyView> {
    return this.rpc.request<SurveyView>(SUBJECTS.accounts.surveyCreate, actor, {
      accountId: id,
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  @Post('surveys/:surveyId/answer')
  @HttpCode(200)
  @Requires('update', 'Survey')
  @ApiOperation({ summary: "Record the customer's answer: 1-5 per dimension (overall required), comments" })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  answer(
    @CurrentActor() actor: Actor,
    @Param('surveyId', surveyId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(AnswerSurveyDto)) body: AnswerSurveyDto,
  ): Promise<SurveyView> {
    return this.rpc.request<SurveyView>(SUBJECTS.accounts.surveyAnswer, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Post('admin/jobs/surveys/run')
  @HttpCode(200)
  @RequiresCapability('jobs:console')
  @ApiOperation({
    summary: "Run the quarterly survey schedule of the caller's workspace now (as of `asOf`) and wait for it",
  })
  runSchedule(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(RunSurveyScheduleDto)) body: RunSurveyScheduleDto,
  ): Promise<{ created: number; expired: number; period: string; asOf: string }> {
    return this.rpc.request(SUBJECTS.accounts.surveyRunSchedule, actor, { data: body });
  }
}
