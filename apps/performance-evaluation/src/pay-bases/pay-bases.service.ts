import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  KamError,
  ListPayBasesQuery,
  MyPayBasesView,
  PayBaseView,
  SetPayBaseDto,
} from '@app/contracts';
import { PerformanceAccess } from '../access/performance-access.service';
import { audit } from '../access/audit';
import { OrganisationClient } from '../organisation/organisation.client';

const COLUMNS = `p.member_id, p.effective_month, p.amount_minor::text AS amount_minor, p.currency, p.set_by, p.set_at`;

interface PayBaseRow {
  member_id: string;
  effective_month: string;
  amount_minor: string;
  currency: string;
  set_by: string | null;
  set_at: Date;
}

const toView = (r: PayBaseRow): PayBaseView => ({
  memberId: r.member_id,
  effectiveMonth: r.effective_month,
  amountMinor: r.amount_minor,
  currency: r.currency,
  setBy: r.set_by,
  setAt: r.set_at.toISOString(),
});

/**
 * Each member's performance-pay base in effect in `month` (the latest entry effective on or before it), in
 * one query. Members without one are absent from the map.
 */
export async function payBaseFor(
  m: EntityManager,
  workspaceId: string,
  memberIds: string[],
  month: string,
): Promise<Map<string, bigint>> {
  if (!memberIds.length) return new Map();
  const rows: { member_id: string; amount_minor: string }[] = await m.query(
    `SELECT DISTINCT ON (member_id) member_id, amount_minor::text AS amount_minor
       FROM pay_bases
      WHERE workspace_id = $1 AND member_id = ANY($2::uuid[]) AND effective_month <= $3
      ORDER BY member_id, effective_month DESC`,
    [workspaceId, memberIds, month],
  );
  return new Map(rows.map((r) => [r.member_id, BigInt(r.amount_minor)]));
}

/** Performance-pay bases (绩效工资基数): set by the director, read by director, deputy and executive, and by the member. */
@Injectable()
export class PayBasesService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: PerformanceAccess,
    private readonly org: OrganisationClient,
  ) {}

  /** Sets (or replaces) the base of a member from a month on. */
  async set(actor: Actor, dto: SetPayBaseDto): Promise<PayBaseView> {
    await this.access.require(actor, 'update', 'PayBase');
    await this.org.requireMember(actor, dto.memberId);
    return this.ds.transaction(async (m) => {
      const before: PayBaseRow[] = await m.query(
        `SELECT ${COLUMNS} FROM pay_bases p WHERE p.workspace_id = $1 AND p.member_id = $2 AND p.effective_month = $3
         FOR UPDATE`,
        [actor.workspaceId, dto.memberId, dto.effectiveMonth],
      );
      const rows: PayBaseRow[] = await m.query(
        `INSERT INTO pay_bases AS p (workspace_id, member_id, effective_month, amount_minor, currency, set_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace_id, member_id, effective_month)
         DO UPDATE SET amount_minor = EXCLUDED.amount_minor, currency = EXCLUDED.currency, set_by = EXCLUDED.set_by,
                       set_at = now()
         RETURNING ${COLUMNS}`,
        [
          actor.workspaceId,
          dto.memberId,
          dto.effectiveMonth,
          dto.amountMinor,
          dto.currency ?? 'CNY',
          actor.kind === 'system' ? null : actor.memberId,
        ],
      );
      const after = toView(rows[0]);
      await audit(m, actor, {
        entity: 'pay_base',
        entityId: `${dto.memberId}:${dto.effectiveMonth}`,
        action: before[0] ? 'update' : 'create',
        before: before[0] ? toView(before[0]) : null,
        after,
      });
      return after;
    });
  }

  /** Entries, by member and newest month first; with `month`, only the one in effect per member. */
  async list(actor: Actor, query: ListPayBasesQuery): Promise<PayBaseView[]> {
    await this.access.require(actor, 'read', 'PayBase');
    const limit = query.limit ?? 500;
    const rows: PayBaseRow[] = query.month
      ? await this.ds.query(
          `SELECT DISTINCT ON (p.member_id) ${COLUMNS} FROM pay_bases p
            WHERE p.workspace_id = $1 AND ($2::uuid IS NULL OR p.member_id = $2) AND p.effective_month <= $3
            ORDER BY p.member_id, p.effective_month DESC LIMIT $4`,
          [actor.workspaceId, query.memberId ?? null, query.month, limit],
        )
      : await this.ds.query(
          `SELECT ${COLUMNS} FROM pay_bases p
            WHERE p.workspace_id = $1 AND ($2::uuid IS NULL OR p.member_id = $2)
            ORDER BY p.member_id, p.effective_month DESC LIMIT $3`,
          [actor.workspaceId, query.memberId ?? null, limit],
        );
    return rows.map(toView);
  }

  /** The caller's own bases: the one in effect this month (workspace calendar) and the history. */
  async mine(actor: Actor): Promise<MyPayBasesView> {
    if (actor.kind === 'system' || actor.kind === 'api_key') throw new KamError('forbidden');
    await this.access.resolve(actor); // refuses a departed member
    const rows: (PayBaseRow & { this_month: string })[] = await this.ds.query(
      `SELECT ${COLUMNS}, to_char(timezone(coalesce(w.time_zone, 'Asia/Shanghai'), now()), 'YYYY-MM') AS this_month
         FROM pay_bases p LEFT JOIN workspaces w ON w.workspace_id = p.workspace_id
        WHERE p.workspace_id = $1 AND p.member_id = $2
        ORDER BY p.effective_month DESC`,
      [actor.workspaceId, actor.memberId],
    );
    const current = rows.find((r) => r.effective_month <= r.this_month);
    return { current: current ? toView(current) : null, history: rows.map(toView) };
  }
}
