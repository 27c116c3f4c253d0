import { Injectable } from '@nestjs/common';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { Actor, KamError, parseDto, SUBJECTS } from '@app/contracts';
import { RpcHandler } from '@app/messaging';

export class NewAccountCreditsQuery {
  @IsOptional() @IsUUID() memberId?: string;
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/) month: string;
}

@Injectable()
export class CreditsHandler {
  constructor(private readonly ds: DataSource) {}

  /** New key accounts credited per member in a month (Asia/Shanghai until workspace settings land). */
  @RpcHandler(SUBJECTS.performance.newAccountCredits)
  async newAccounts(data: unknown, actor: Actor): Promise<{ memberId: string; count: number }[]> {
    if (
      !actor.roles.some((r) => ['director', 'deputy_director', 'executive', 'group_leader'].includes(r)) &&
      actor.kind !== 'system'
    )
      throw new KamError('forbidden');
    const q = parseDto(NewAccountCreditsQuery, data);
    const rows: { member_id: string; count: number }[] = await this.ds.query(
      `SELECT member_id, count(*)::int AS count FROM new_account_credits
       WHERE workspace_id = $1 AND ($2::uuid IS NULL OR member_id = $2)
         AND to_char(credited_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') = $3
       GROUP BY member_id ORDER BY member_id`,
      [actor.workspaceId, q.memberId ?? null, q.month],
    );
    return rows.map((r) => ({ memberId: r.member_id, count: r.count }));
  }
}
