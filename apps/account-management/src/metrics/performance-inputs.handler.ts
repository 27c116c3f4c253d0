import { Injectable } from '@nestjs/common';
import { Actor, MetricsMembersRequest, MetricsTeamsRequest, parseDto, SUBJECTS } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { PerformanceMetricsService } from './performance-metrics.service';

/** The monthly scorecard inputs performance-evaluation asks for (issue 5). */
@Injectable()
export class PerformanceInputsHandler {
  constructor(private readonly metrics: PerformanceMetricsService) {}

  @RpcHandler(SUBJECTS.accounts.metricsMembers)
  members(data: unknown, actor: Actor) {
    return this.metrics.members(actor, parseDto(MetricsMembersRequest, data));
  }

  @RpcHandler(SUBJECTS.accounts.metricsTeams)
  teams(data: unknown, actor: Actor) {
    return this.metrics.teams(actor, parseDto(MetricsTeamsRequest, data));
  }
}
