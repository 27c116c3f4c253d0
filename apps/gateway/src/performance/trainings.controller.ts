import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  CreateTrainingDto,
  ListTrainingsQuery,
  MemberTrainingView,
  RecordAttendanceDto,
  SUBJECTS,
  TrainingView,
  UpdateTrainingDto,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { idempotencyKeyOf, versionFromIfMatch } from '../http/preconditions';
import { uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

/** Staff training (试用期培训, 在职培训, 岗位职责考核): sessions, attendance and assessment scores. */
@ApiTags('performance')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/performance/trainings')
export class TrainingsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @Requires('read', 'Training')
  @ApiOperation({ summary: 'Sessions, newest first, with attendance (filters kind, from, to)' })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListTrainingsQuery)) query: ListTrainingsQuery,
  ): Promise<TrainingView[]> {
    return this.rpc.request(SUBJECTS.performance.trainingList, actor, { query });
  }

  // Before :id, so "members" is not taken for an id.
  @Get('members/:memberId')
  @Requires('read', 'Training')
  @ApiOperation({ summary: "A member's sessions with attendance and score, newest first" })
  ofMember(
    @CurrentActor() actor: Actor,
    @Param('memberId', uuidPathParam('memberId')) memberId: string,
  ): Promise<MemberTrainingView[]> {
    return this.rpc.request(SUBJECTS.performance.trainingOfMember, actor, { memberId });
  }

  @Get(':id')
  @Requires('read', 'Training')
  @ApiOperation({ summary: 'One session with its attendance' })
  @VersionETag()
  get(@CurrentActor() actor: Actor, @Param('id', uuidPathParam('id')) id: string): Promise<TrainingView> {
    return this.rpc.request<TrainingView>(SUBJECTS.performance.trainingGet, actor, { id });
  }

  @Post()
  @HttpCode(201)
  @Requires('create', 'Training')
  @ApiOperation({ summary: 'Record a session: probation, on_the_job or duty_assessment' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  create(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(CreateTrainingDto)) body: CreateTrainingDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<TrainingView> {
    return this.rpc.request<TrainingView>(SUBJECTS.performance.trainingCreate, actor, {
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  @Patch(':id')
  @Requires('update', 'Training')
  @ApiOperation({ summary: 'Change a session; If-Match with the version is required (412 when stale)' })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateTrainingDto)) body: UpdateTrainingDto,
  ): Promise<TrainingView> {
    return this.rpc.request<TrainingView>(SUBJECTS.performance.trainingUpdate, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Put(':id/attendance')
  @Requires('update', 'Training')
  @ApiOperation({
    summary:
      'Record attendance and assessment scores (0-100); members not listed keep theirs; If-Match required',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  attendance(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(RecordAttendanceDto)) body: RecordAttendanceDto,
  ): Promise<TrainingView> {
    return this.rpc.request<TrainingView>(SUBJECTS.performance.trainingAttendance, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }
}
