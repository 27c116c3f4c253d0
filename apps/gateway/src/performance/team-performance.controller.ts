import { Body, Controller, Get, Headers, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  RateCollaborationDto,
  SUBJECTS,
  TeamPerformanceQuery,
  TeamPerformanceRow,
  TeamPerformanceView,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { optionalIfMatch } from '../http/preconditions';
import { uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

/** Team performance (团队绩效): target completion, collaboration, team ranking. */
@ApiTags('performance')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/performance/teams')
export class TeamPerformanceController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @Requires('read', 'Scorecard')
  @ApiOperation({
    summary:
      "Each team's sales against its monthly target, collaboration and rank (a group leader: own teams)",
  })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(TeamPerformanceQuery)) query: TeamPerformanceQuery,
  ): Promise<TeamPerformanceView> {
    return this.rpc.request(SUBJECTS.performance.teamPerformanceList, actor, { query });
  }

  @Put(':teamId/collaboration')
  @Requires('approve', 'Scorecard')
  @ApiOperation({
    summary: "The director's collaboration rating of a team for a month (0-100); If-Match optional",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @VersionETag()
  rate(
    @CurrentActor() actor: Actor,
    @Param('teamId', uuidPathParam('teamId')) teamId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(RateCollaborationDto)) body: RateCollaborationDto,
  ): Promise<TeamPerformanceRow> {
    return this.rpc.request<TeamPerformanceRow>(SUBJECTS.performance.teamCollaborationRate, actor, {
      teamId,
      expectedVersion: optionalIfMatch(ifMatch),
      data: body,
    });
  }
}
