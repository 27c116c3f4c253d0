import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, MemberAuthCheckReply, SUBJECTS } from '@app/contracts';
import { RpcHandler } from '@app/messaging';

@Injectable()
export class OrganisationHandler {
  constructor(private readonly ds: DataSource) {}

  /** Lets the gateway refuse a departed member's token. */
  @RpcHandler(SUBJECTS.accounts.memberAuthCheck)
  async authCheck(_data: unknown, actor: Actor): Promise<MemberAuthCheckReply> {
    const rows: { status: string }[] = await this.ds.query(
      `SELECT status FROM members WHERE id = $1 AND workspace_id = $2`,
      [actor.memberId, actor.workspaceId],
    );
    return { active: rows[0]?.status === 'active' };
  }
}
