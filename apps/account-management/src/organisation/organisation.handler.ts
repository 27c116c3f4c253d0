import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Role,
  Actor,
  CreateTeamRequest,
  DepartureRequest,
  IdRequest,
  ListMembersRequest,
  MemberAuthCheckReply,
  MemberContextRequest,
  MemberRosterRequest,
  parseDto,
  SUBJECTS,
  TeamContextRequest,
  UpdateTeamRequest,
  UpsertMemberRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { OrganisationService } from './organisation.service';
import { HandoverService } from './handover.service';
import { MemberDirectoryService } from './member-directory.service';

@Injectable()
export class OrganisationHandler {
  constructor(
    private readonly ds: DataSource,
    private readonly org: OrganisationService,
    private readonly handover: HandoverService,
    private readonly directory: MemberDirectoryService,
  ) {}

  /** Lets the gateway refuse a departed member's token, and hold a caller to the roles the member has. */
  @RpcHandler(SUBJECTS.accounts.memberAuthCheck)
  async authCheck(_data: unknown, actor: Actor): Promise<MemberAuthCheckReply> {
    const rows: { status: string; roles: Role[] }[] = await this.ds.query(
      `SELECT status, roles FROM members WHERE id = $1 AND workspace_id = $2`,
      [actor.memberId, actor.workspaceId],
    );
    return { known: rows.length > 0, active: rows[0]?.status === 'active', roles: rows[0]?.roles ?? [] };
  }

  @RpcHandler(SUBJECTS.accounts.memberList)
  listMembers(data: unknown, actor: Actor) {
    return this.org.listMembers(actor, parseDto(ListMembersRequest, data).query);
  }

  /** The roster by id, a page at a time, for other services (issue 5). */
  @RpcHandler(SUBJECTS.accounts.memberRoster)
  roster(data: unknown, actor: Actor) {
    return this.directory.roster(actor, parseDto(MemberRosterRequest, data));
  }

  /** What another service needs to rebuild a member's ActorContext (issue 5). */
  @RpcHandler(SUBJECTS.accounts.memberContext)
  memberContext(data: unknown, actor: Actor) {
    return this.directory.context(actor, parseDto(MemberContextRequest, data).memberId);
  }

  /** Whether a team is one of the workspace's, for another service (issue 14: instead of the caller's team list). */
  @RpcHandler(SUBJECTS.accounts.teamContext)
  teamContext(data: unknown, actor: Actor) {
    return this.directory.team(actor, parseDto(TeamContextRequest, data).teamId);
  }

  @RpcHandler(SUBJECTS.accounts.memberGet)
  getMember(data: unknown, actor: Actor) {
    return this.org.getMember(actor, parseDto(IdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.accounts.memberUpsert)
  upsertMember(data: unknown, actor: Actor) {
    const r = parseDto(UpsertMemberRequest, data);
    return this.org.upsertMember(actor, r.id, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.memberDepart)
  depart(data: unknown, actor: Actor) {
    const r = parseDto(DepartureRequest, data);
    return this.handover.depart(actor, r.id, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.memberHandoverReport)
  report(data: unknown, actor: Actor) {
    return this.handover.report(actor, parseDto(IdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.accounts.teamList)
  listTeams(_data: unknown, actor: Actor) {
    return this.org.listTeams(actor);
  }

  @RpcHandler(SUBJECTS.accounts.teamCreate)
  createTeam(data: unknown, actor: Actor) {
    return this.org.createTeam(actor, parseDto(CreateTeamRequest, data).data);
  }

  @RpcHandler(SUBJECTS.accounts.teamUpdate)
  updateTeam(data: unknown, actor: Actor) {
    const r = parseDto(UpdateTeamRequest, data);
    return this.org.updateTeam(actor, r.id, r.expectedVersion, r.data);
  }
}
