import { Injectable } from '@nestjs/common';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import {
  Actor,
  AssignAccountRequest,
  ChangeTierRequest,
  EvaluateAccountRequest,
  ListTierChangesRequest,
  MoveStageRequest,
  parseDto,
  SUBJECTS,
  TierDecisionRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { AccountLifecycleService } from './account-lifecycle.service';

export class TimelineRequest {
  @IsUUID() id: string;
  @IsOptional() @IsInt() @Min(1) before?: number;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

@Injectable()
export class AccountLifecycleHandler {
  constructor(private readonly lifecycle: AccountLifecycleService) {}

  @RpcHandler(SUBJECTS.accounts.accountChangeTier)
  changeTier(data: unknown, actor: Actor) {
    const r = parseDto(ChangeTierRequest, data);
    return this.lifecycle.changeTier(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.tierChangeDecide)
  decide(data: unknown, actor: Actor) {
    const r = parseDto(TierDecisionRequest, data);
    return this.lifecycle.decide(actor, r.id, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.tierChangeList)
  listTierChanges(data: unknown, actor: Actor) {
    return this.lifecycle.listTierChanges(actor, parseDto(ListTierChangesRequest, data).query);
  }

  @RpcHandler(SUBJECTS.accounts.accountMoveStage)
  moveStage(data: unknown, actor: Actor) {
    const r = parseDto(MoveStageRequest, data);
    return this.lifecycle.moveStage(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.accountEvaluate)
  evaluate(data: unknown, actor: Actor) {
    const r = parseDto(EvaluateAccountRequest, data);
    return this.lifecycle.evaluate(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.accountAssign)
  assign(data: unknown, actor: Actor) {
    const r = parseDto(AssignAccountRequest, data);
    return this.lifecycle.assign(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.accountTimeline)
  timeline(data: unknown, actor: Actor) {
    const r = parseDto(TimelineRequest, data);
    return this.lifecycle.timeline(actor, r.id, r.before, r.limit);
  }
}
