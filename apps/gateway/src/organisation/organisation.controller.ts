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
import { ApiKeysService } from '../api-keys/api-keys.service';

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('api/v1')
export class OrganisationController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly apiKeys: ApiKeysService,
  ) {}

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
  async depart(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(DepartureDto)) body: DepartureDto,
  ): Promise<HandoverReport> {
    const report = await this.rpc.request<HandoverReport>(
      SUBJECTS.accounts.memberDepart,
      actor,
      { id, data: body },
      { timeoutMs: 15000 },
    );
    return this.withRevokedKeys(actor, report);
  }

  /**
   * The gateway keeps the API keys: the departure revokes the leaver's keys here, once account-management has marked
   * them departed, and the report lists them (issue 14, point 2). A key used before this runs is refused anyway: the
   * gateway checks its owner's status on every call.
   */
  private async withRevokedKeys(actor: Actor, report: HandoverReport): Promise<HandoverReport> {
    const keys = await this.apiKeys.revokeForDeparture(actor.workspaceId, report.memberId);
    return {
      ...report,
      apiKeysRevoked: keys.map((k) => ({ id: k.id, name: k.name, roles: k.roles, revokedAt: k.revokedAt })),
    };
  }

  @Get('members/:id/handover-report')
  @Requires('read', 'Member')
  async report(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<HandoverReport> {
    const report = await this.rpc.request<HandoverReport>(SUBJECTS.accounts.memberHandoverReport, actor, {
      id,
    });
    return this.withRevokedKeys(actor, report);
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
