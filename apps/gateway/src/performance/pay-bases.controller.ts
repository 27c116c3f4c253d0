import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ListPayBasesQuery,
  MyPayBasesView,
  PayBaseView,
  SetPayBaseDto,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';

/** Performance-pay bases (绩效工资基数) per member, effective from a month. */
@ApiTags('performance')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/performance/pay-bases')
export class PayBasesController {
  constructor(private readonly rpc: RpcClient) {}

  @Put()
  @Requires('update', 'PayBase')
  @ApiOperation({
    summary: "Set a member's base from a month on (director); the same month again replaces it",
  })
  set(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(SetPayBaseDto)) body: SetPayBaseDto,
  ): Promise<PayBaseView> {
    return this.rpc.request(SUBJECTS.performance.payBaseSet, actor, { data: body });
  }

  @Get()
  @Requires('read', 'PayBase')
  @ApiOperation({
    summary: 'Bases (director, deputy, executive); with `month`, the one in effect per member',
  })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListPayBasesQuery)) query: ListPayBasesQuery,
  ): Promise<PayBaseView[]> {
    return this.rpc.request(SUBJECTS.performance.payBaseList, actor, { query });
  }

  @Get('me')
  @ApiOperation({ summary: "The caller's own base: the one in effect this month and the history" })
  mine(@CurrentActor() actor: Actor): Promise<MyPayBasesView> {
    return this.rpc.request(SUBJECTS.performance.payBaseMine, actor, {});
  }
}
