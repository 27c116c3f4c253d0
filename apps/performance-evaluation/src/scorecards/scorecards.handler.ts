import { Injectable } from '@nestjs/common';
import { IsIn, IsOptional } from 'class-validator';
import {
  Actor,
  AppealRequest,
  AuditTrailRequest,
  DecideAppealRequest,
  DecideWarningRequest,
  ListScorecardsRequest,
  parseDto,
  RateScorecardRequest,
  ScorecardActionRequest,
  ScorecardIdRequest,
  SUBJECTS,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { ScorecardsService } from './scorecards.service';

class StatusFilterRequest {
  @IsOptional() @IsIn(['open', 'decided', 'pending', 'upheld', 'rejected']) status?: string;
}

/** NATS face of one scorecard's life; thin: parse, then the service. */
@Injectable()
export class ScorecardsHandler {
  constructor(private readonly scorecards: ScorecardsService) {}

  @RpcHandler(SUBJECTS.performance.scorecardList)
  list(data: unknown, actor: Actor) {
    return this.scorecards.list(actor, parseDto(ListScorecardsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.performance.scorecardGet)
  get(data: unknown, actor: Actor) {
    return this.scorecards.get(actor, parseDto(ScorecardIdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.performance.scorecardRate)
  rate(data: unknown, actor: Actor) {
    const r = parseDto(RateScorecardRequest, data);
    return this.scorecards.rate(actor, r.id, r.expectedVersion, r.data.ratings);
  }

  @RpcHandler(SUBJECTS.performance.scorecardPublish)
  publish(data: unknown, actor: Actor) {
    return this.scorecards.publish(actor, parseDto(ScorecardActionRequest, data).id);
  }

  @RpcHandler(SUBJECTS.performance.scorecardAcknowledge)
  acknowledge(data: unknown, actor: Actor) {
    return this.scorecards.acknowledge(actor, parseDto(ScorecardActionRequest, data).id);
  }

  @RpcHandler(SUBJECTS.performance.scorecardAppeal)
  appeal(data: unknown, actor: Actor) {
    const r = parseDto(AppealRequest, data);
    return this.scorecards.appeal(actor, r.id, r.data);
  }

  @RpcHandler(SUBJECTS.performance.scorecardApprove)
  approve(data: unknown, actor: Actor) {
    return this.scorecards.approve(actor, parseDto(ScorecardActionRequest, data).id);
  }

  @RpcHandler(SUBJECTS.performance.scorecardStatement)
  statement(data: unknown, actor: Actor) {
    return this.scorecards.statement(actor, parseDto(ScorecardIdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.performance.appealList)
  appeals(data: unknown, actor: Actor) {
    return this.scorecards.appeals(actor, { status: parseDto(StatusFilterRequest, data ?? {}).status });
  }

  @RpcHandler(SUBJECTS.performance.appealDecide)
  decideAppeal(data: unknown, actor: Actor) {
    const r = parseDto(DecideAppealRequest, data);
    return this.scorecards.decideAppeal(actor, r.id, r.data);
  }

  @RpcHandler(SUBJECTS.performance.warningList)
  warnings(data: unknown, actor: Actor) {
    const status = parseDto(StatusFilterRequest, data ?? {}).status;
    return this.scorecards.warnings(actor, status === 'open' || status === 'decided' ? status : undefined);
  }

  @RpcHandler(SUBJECTS.performance.warningDecide)
  decideWarning(data: unknown, actor: Actor) {
    const r = parseDto(DecideWarningRequest, data);
    return this.scorecards.decideWarning(actor, r.id, r.data);
  }

  @RpcHandler(SUBJECTS.performance.auditTrail)
  audit(data: unknown, actor: Actor) {
    return this.scorecards.auditTrail(actor, parseDto(AuditTrailRequest, data).query);
  }
}
