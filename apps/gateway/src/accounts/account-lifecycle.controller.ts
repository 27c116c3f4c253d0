import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  AccountView,
  Actor,
  AssignAccountDto,
  ChangeTierDto,
  EvaluateAccountDto,
  KamError,
  ListTierChangesQuery,
  MoveStageDto,
  SUBJECTS,
  TierChangeView,
  TierDecisionDto,
  TimelineEntry,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from './dto-pipe';
import { uuidParam } from '../http/path-params';
import { etagOf, versionFromIfMatch } from '../http/preconditions';
import { VersionETag } from '../http/version-etag';
import { ArchiveView } from '../access-log/archive-view';

@ApiTags('accounts')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class AccountLifecycleController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('accounts/:id/tier')
  @Requires('changeTier', 'Account')
  @ApiOperation({
    summary: 'Change the tier with a reason; 202 when a downgrade from a top tier waits for the director',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  async changeTier(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(ChangeTierDto)) body: ChangeTierDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ account: AccountView; change: TierChangeView }> {
    const r = await this.rpc.request<{ account: AccountView; change: TierChangeView }>(
      SUBJECTS.accounts.accountChangeTier,
      actor,
      {
        id,
        expectedVersion: versionFromIfMatch(ifMatch),
        data: body,
      },
    );
    res.status(r.change.status === 'pending' ? 202 : 200);
    res.setHeader('ETag', etagOf(r.account.version));
    return r;
  }

  @Get('tier-changes')
  @Requires('read', 'Account')
  @ApiOperation({ summary: "Tier history and the director's approval queue (?status=pending)" })
  listTierChanges(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListTierChangesQuery)) query: ListTierChangesQuery,
  ): Promise<TierChangeView[]> {
    return this.rpc.request(SUBJECTS.accounts.tierChangeList, actor, { query });
  }

  @Post('tier-changes/:id/decision')
  @HttpCode(200)
  @Requires('approveTier', 'Account')
  @ApiOperation({ summary: 'The director approves or rejects a pending downgrade' })
  decide(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(TierDecisionDto)) body: TierDecisionDto,
  ): Promise<TierChangeView> {
    return this.rpc.request(SUBJECTS.accounts.tierChangeDecide, actor, { id, data: body });
  }

  @Post('accounts/:id/stage')
  @HttpCode(200)
  @Requires('update', 'Account')
  @ApiOperation({
    summary: 'Move along the pipeline; 409 names the allowed stages; handed_over needs the handover',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  moveStage(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(MoveStageDto)) body: MoveStageDto,
  ): Promise<AccountView> {
    return this.rpc.request<AccountView>(SUBJECTS.accounts.accountMoveStage, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Put('accounts/:id/evaluation')
  @Requires('update', 'Account')
  @ApiOperation({
    summary:
      'Score scale, brand influence, market share, payment capacity and potential (0-100) → recommended tier',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  evaluate(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(EvaluateAccountDto)) body: EvaluateAccountDto,
  ): Promise<AccountView> {
    return this.rpc.request<AccountView>(SUBJECTS.accounts.accountEvaluate, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Post('accounts/:id/assignment')
  @HttpCode(200)
  @Requires('assign', 'Account')
  @ApiOperation({ summary: 'Owner, assistants, service team' })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  assign(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(AssignAccountDto)) body: AssignAccountDto,
  ): Promise<AccountView> {
    return this.rpc.request<AccountView>(SUBJECTS.accounts.accountAssign, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Get('accounts/:id/timeline')
  @ArchiveView('timeline')
  @Requires('read', 'Account')
  @ApiOperation({ summary: 'The cooperation timeline, newest first' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  timeline(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: TimelineEntry[]; nextCursor: string | null }> {
    const num = (v: string | undefined, field: string) => {
      if (v === undefined) return undefined;
      if (!/^\d{1,12}$/.test(v))
        throw new KamError('validation_failed', { fields: field }, [
          { field, message: `${field} must be a positive whole number` },
        ]);
      return Number(v);
    };
    return this.rpc.request(SUBJECTS.accounts.accountTimeline, actor, {
      id,
      before: num(cursor, 'cursor'),
      limit: num(limit, 'limit'),
    });
  }
}
