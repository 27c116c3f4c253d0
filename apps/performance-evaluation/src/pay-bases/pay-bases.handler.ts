import { Injectable } from '@nestjs/common';
import { Actor, ListPayBasesRequest, parseDto, SetPayBaseRequest, SUBJECTS } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { PayBasesService } from './pay-bases.service';

/** NATS face of performance-pay bases. */
@Injectable()
export class PayBasesHandler {
  constructor(private readonly payBases: PayBasesService) {}

  @RpcHandler(SUBJECTS.performance.payBaseSet)
  set(data: unknown, actor: Actor) {
    return this.payBases.set(actor, parseDto(SetPayBaseRequest, data).data);
  }

  @RpcHandler(SUBJECTS.performance.payBaseList)
  list(data: unknown, actor: Actor) {
    return this.payBases.list(actor, parseDto(ListPayBasesRequest, data).query);
  }

  @RpcHandler(SUBJECTS.performance.payBaseMine)
  mine(_data: unknown, actor: Actor) {
    return this.payBases.mine(actor);
  }
}
