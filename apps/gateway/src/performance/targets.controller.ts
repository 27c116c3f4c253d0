import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  CreateTargetDto,
  ListTargetsQuery,
  Page,
  SUBJECTS,
  TargetDecompositionView,
  TargetView,
  UpdateTargetDto,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { idempotencyKeyOf, versionFromIfMatch } from '../http/preconditions';
import { optionalIfMatch } from '../http/preconditions';
import { uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

/** Targets (目标): department, team or member; year, quarter or month; challenge targets; decomposition. */
@ApiTags('performance')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/performance/targets')
export class TargetsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @Requires('read', 'Target')
  @ApiOperation({
    summary: 'Targets, oldest first (cursor pagination; filters scope, scopeId, metric, year, periodKind)',
  })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListTargetsQuery)) query: ListTargetsQuery,
  ): Promise<Page<TargetView>> {
    return this.rpc.request(SUBJECTS.performance.targetList, actor, { query });
  }

  @Post()
  @HttpCode(201)
  @Requires('create', 'Target')
  @ApiOperation({
    summary:
      'Set a target (sales amounts in fen as strings); `warnings` says when the parent’s parts no longer add up',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  create(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(CreateTargetDto)) body: CreateTargetDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<TargetView> {
    return this.rpc.request<TargetView>(SUBJECTS.performance.targetCreate, actor, {
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  @Get(':id/decomposition')
  @Requires('read', 'Target')
  @ApiOperation({ summary: 'A target, its parts, and a warning when the parts do not add up to it' })
  decomposition(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
  ): Promise<TargetDecompositionView> {
    return this.rpc.request(SUBJECTS.performance.targetDecomposition, actor, { id });
  }

  @Patch(':id')
  @Requires('update', 'Target')
  @ApiOperation({
    summary: 'Change the value, challenge or parent; If-Match with the version is required (412 when stale)',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateTargetDto)) body: UpdateTargetDto,
  ): Promise<TargetView> {
    return this.rpc.request<TargetView>(SUBJECTS.performance.targetUpdate, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Delete(':id')
  @HttpCode(204)
  @Requires('delete', 'Target')
  @ApiOperation({ summary: 'Remove a target (If-Match optional); its parts are detached, not removed' })
  @ApiHeader({ name: 'If-Match', required: false })
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPathParam('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.rpc.request(SUBJECTS.performance.targetDelete, actor, {
      id,
      expectedVersion: optionalIfMatch(ifMatch),
    });
  }
}
