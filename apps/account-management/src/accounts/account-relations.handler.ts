import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AccountRelationsRequest,
  AccountRelationsView,
  Actor,
  KamError,
  parseDto,
  SUBJECTS,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';

/**
 * `kam.accounts.account.relations` (issue 6): who serves each account — owner, the owner's team and its leader,
 * assistants, service team — for other services that judge access by them (document-security). System actors
 * only; accounts of other workspaces are simply absent from the answer.
 */
@Injectable()
export class AccountRelationsHandler {
  constructor(private readonly ds: DataSource) {}

  @RpcHandler(SUBJECTS.accounts.accountRelations)
  async relations(data: unknown, actor: Actor): Promise<AccountRelationsView[]> {
    if (actor.kind !== 'system') throw new KamError('forbidden');
    const { accountIds } = parseDto(AccountRelationsRequest, data);
    if (!accountIds.length) return [];
    const rows: {
      id: string;
      owner_id: string;
      owner_team_id: string | null;
      owner_leader_id: string | null;
      assistant_ids: string[];
      service_team_id: string | null;
    }[] = await this.ds.query(
      `SELECT a.id, a.owner_id, o.team_id AS owner_team_id, t.leader_id AS owner_leader_id, a.assistant_ids,
              a.service_team_id
       FROM accounts a
       LEFT JOIN members o ON o.id = a.owner_id AND o.workspace_id = a.workspace_id
       LEFT JOIN teams t ON t.id = o.team_id AND t.workspace_id = a.workspace_id
       WHERE a.workspace_id = $1 AND a.id = ANY($2::uuid[])`,
      [actor.workspaceId, accountIds],
    );
    return rows.map((r) => ({
      accountId: r.id,
      ownerId: r.owner_id,
      ownerTeamId: r.owner_team_id,
      ownerLeaderId: r.owner_leader_id,
      assistantIds: r.assistant_ids,
      serviceTeamId: r.service_team_id,
    }));
  }
}
