import { Injectable } from '@nestjs/common';
import { Actor, parseDto, RateCollaborationRequest, SUBJECTS, TeamPerformanceRequest } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { TeamPerformanceService } from './team-performance.service';

/** NATS face of team performance. */
@Injectable()
export class TeamPerformanceHandler {
  constructor(private readonly teams: TeamPerformanceService) {}

  @RpcHandler(SUBJECTS.performance.teamPerformanceList)
  list(data: unknown, actor: Actor) {
    return this.teams.list(actor, parseDto(TeamPerformanceRequest, data).query.month);
  }

  @RpcHandler(SUBJECTS.performance.teamCollaborationRate)
  rate(data: unknown, actor: Actor) {
    const r = parseDto(RateCollaborationRequest, data);
    return this.teams.rateCollaboration(actor, r.teamId, r.data, r.expectedVersion);
  }
}
