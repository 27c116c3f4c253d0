import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  CreateTeamDto,
  DepartureDto,
  HandoverReport,
  ListMembersQuery,
  MemberView,
  SUBJECTS,
  TeamView,
  UpdateTeamDto,
  UpsertMemberDto,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { versionFromIfMatch } from '../http/preconditions';
import { uuidParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('api/v1')
export class OrganisationController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('members')
  @Requires('read', 'Member')
  listMembers(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListMembersQuery)) query: ListMembersQuery,
  ): Promise<MemberView[]> {
    return this.rpc.request(SUBJECTS.accounts.memberList, actor, { query });
  }

  @Get('members/:id')
  @Requires('read', 'Member')
  @VersionETag()
  getMember(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<MemberView> {
    return this.rpc.request<MemberView>(SUBJECTS.accounts.memberGet, actor, { id });
  }

  @Put('members/:id')
  @Requires('update', 'Member')
  @ApiOperation({
    summary: "Create or update a member under the CRM's workspace member id (roles, team, manager)",
  })
  upsertMember(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(UpsertMemberDto)) body: UpsertMemberDto,
  ): Promise<MemberView> {
    return this.rpc.request(SUBJECTS.accounts.memberUpsert, actor, { id, data: body });
  }

  @Post('members/:id/departure')
  @HttpCode(200)
  @Requires('handover', 'Member')
  @ApiOperation({
    summary:
      'Staff departure: every account the leaver owns or assists, their teams and reports move to the successor in one ' +
      'transaction; the member is marked departed; answers the handover report. Running it again changes nothing.',
  })
  depart(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(DepartureDto)) body: DepartureDto,
  ): Promise<HandoverReport> {
    return this.rpc.request(SUBJECTS.accounts.memberDepart, actor, { id, data: body }, { timeoutMs: 15000 });
  }

  @Get('members/:id/handover-report')
  @Requires('read', 'Member')
  report(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<HandoverReport> {
    return this.rpc.request(SUBJECTS.accounts.memberHandoverReport, actor, { id });
  }

  @Get('teams')
  @Requires('read', 'Team')
  listTeams(@CurrentActor() actor: Actor): Promise<TeamView[]> {
    return this.rpc.request(SUBJECTS.accounts.teamList, actor, {});
  }

  @Post('teams')
  @HttpCode(201)
  @Requires('create', 'Team')
  createTeam(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(CreateTeamDto)) body: CreateTeamDto,
  ): Promise<TeamView> {
    return this.rpc.request(SUBJECTS.accounts.teamCreate, actor, { data: body });
  }

  @Patch('teams/:id')
  @Requires('update', 'Team')
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  updateTeam(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateTeamDto)) body: UpdateTeamDto,
  ): Promise<TeamView> {
    return this.rpc.request<TeamView>(SUBJECTS.accounts.teamUpdate, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }
}
