import { updateReturning } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  Actor,
  DepartureDto,
  EVENTS,
  FieldError,
  HandoverReport,
  KamError,
  MemberDepartedEvent,
  validationError,
} from '@app/contracts';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { ActorContextService } from './actor-context.service';

interface ReportRow {
  id: string;
  member_id: string;
  successor_id: string;
  performed_by: string;
  performed_at: Date;
  reason: string | null;
  accounts_moved: HandoverReport['accountsMoved'];
  teams_moved: HandoverReport['teamsMoved'];
  open_items_moved: Partial<HandoverReport['openItemsMoved']>;
}

function reportView(r: ReportRow, alreadyDone = false): HandoverReport {
  return {
    id: r.id,
    memberId: r.member_id,
    successorId: r.successor_id,
    performedBy: r.performed_by,
    performedAt: r.performed_at.toISOString(),
    reason: r.reason,
    accountsMoved: r.accounts_moved,
    teamsMoved: r.teams_moved,
    openItemsMoved: {
      revisits: r.open_items_moved?.revisits ?? 0,
      complaints: r.open_items_moved?.complaints ?? 0,
    },
    ...(alreadyDone ? { alreadyDone: true } : {}),
  };
}

/**
 * Staff departure (policy: no customer is lost when a staff member leaves). One operation, in one transaction:
 * every account the leaver owns or assists moves to a successor, the teams they lead and the members they
 * manage go to the successor, the member is marked departed (the gateway then refuses their tokens), a handover
 * report lists everything moved, and `member.departed` tells the other services to move what they hold.
 * Running it again changes nothing and answers the same report.
 */
@Injectable()
export class HandoverService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly relay: OutboxRelay,
  ) {}

  async depart(actor: Actor, memberId: string, dto: DepartureDto): Promise<HandoverReport> {
    const { ability } = await this.actors.resolve(actor);
    // Moving customers is business data: the director or deputy, not an admin.
    if (!ability.can('handover', 'Member') || !ability.can('assign', 'Account'))
      throw new KamError('forbidden');
    const report = await this.ds.transaction(async (m) => {
      const leaver: { status: string }[] = await m.query(
        `SELECT status FROM members WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
        [memberId, actor.workspaceId],
      );
      if (!leaver[0]) throw new KamError('not_found', { what: 'member' });
      if (leaver[0].status === 'departed') {
        const done: ReportRow[] = await m.query(
          `SELECT * FROM handover_reports WHERE workspace_id = $1 AND member_id = $2`,
          [actor.workspaceId, memberId],
        );
        if (done[0]) return reportView(done[0], true);
      }
      const perAccount = dto.successorsByAccount ?? {};
      const successors = [...new Set([dto.successorId, ...Object.values(perAccount)])];
      const errors: FieldError[] = [];
      if (successors.includes(memberId))
        errors.push({ field: 'successorId', message: 'the leaver cannot succeed themselves' });
      const active: { id: string }[] = await m.query(
        `SELECT id FROM members WHERE id = ANY($1) AND workspace_id = $2 AND status = 'active'`,
        [successors.filter((s) => typeof s === 'string' && /^[0-9a-f-]{36}$/i.test(s)), actor.workspaceId],
      );
      for (const s of successors) {
        if (!active.some((a) => a.id === s))
          errors.push({
            field: s === dto.successorId ? 'successorId' : 'successorsByAccount',
            message: `${s} is not an active member of this workspace`,
          });
      }
      const owned: { id: string; name: string }[] = await m.query(
        `SELECT id, name FROM accounts WHERE workspace_id = $1 AND owner_id = $2 ORDER BY name FOR UPDATE`,
        [actor.workspaceId, memberId],
      );
      for (const accountId of Object.keys(perAccount)) {
        if (!owned.some((a) => a.id === accountId))
          errors.push({
            field: `successorsByAccount.${accountId}`,
            message: 'not an account the leaver owns',
          });
      }
      if (errors.length) throw validationError(errors);

      // Set-based: one UPDATE moves every owned account to its successor, one INSERT writes their timeline.
      const ownedMoves = owned.map((a) => ({
        accountId: a.id,
        name: a.name,
        as: 'owner' as const,
        to: perAccount[a.id] ?? dto.successorId,
      }));
      if (ownedMoves.length) {
        await m.query(
          `UPDATE accounts a SET owner_id = x.to_id, version = a.version + 1, updated_at = now()
           FROM unnest($2::uuid[], $3::uuid[]) AS x(account_id, to_id)
           WHERE a.id = x.account_id AND a.workspace_id = $1`,
          [actor.workspaceId, ownedMoves.map((x) => x.accountId), ownedMoves.map((x) => x.to)],
        );
      }
      const assisted = await updateReturning<{ id: string; name: string }>(
        m,
        `UPDATE accounts SET assistant_ids = (
             SELECT coalesce(array_agg(DISTINCT x), '{}') FROM unnest(array_replace(assistant_ids, $2::uuid, $3::uuid)) AS x
             WHERE x <> owner_id),
           version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND $2::uuid = ANY(assistant_ids) RETURNING id, name`,
        [actor.workspaceId, memberId, dto.successorId],
      );
      const moved: HandoverReport['accountsMoved'] = [
        ...ownedMoves,
        ...assisted.map((a) => ({
          accountId: a.id,
          name: a.name,
          as: 'assistant' as const,
          to: dto.successorId,
        })),
      ];
      if (moved.length) {
        await m.query(
          `INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
           SELECT $1, x.account_id, $2, 'handover', jsonb_build_object('from', $3::uuid, 'to', x.to_id, 'as', x.role, 'reason', $4::text)
           FROM unnest($5::uuid[], $6::uuid[], $7::text[]) AS x(account_id, to_id, role)`,
          [
            actor.workspaceId,
            actor.memberId,
            memberId,
            dto.reason ?? null,
            moved.map((x) => x.accountId),
            moved.map((x) => x.to),
            moved.map((x) => x.as),
          ],
        );
      }
      // Open work follows the customer: to the account's new owner when the leaver owned it, else the successor.
      const openWork = (table: 'revisits' | 'complaints', column: string, open: string[]) =>
        updateReturning<{ id: string }>(
          m,
          `UPDATE ${table} w SET ${column} = CASE WHEN a.owner_id <> $2 AND a.id = ANY($4::uuid[]) THEN a.owner_id ELSE $3 END,
             version = w.version + 1, updated_at = now()
           FROM accounts a
           WHERE a.id = w.account_id AND w.workspace_id = $1 AND w.${column} = $2 AND w.status = ANY($5::text[])
           RETURNING w.id`,
          [actor.workspaceId, memberId, dto.successorId, ownedMoves.map((x) => x.accountId), open],
        );
      const revisitsMoved = await openWork('revisits', 'assignee_id', ['planned', 'overdue']);
      const complaintsMoved = await openWork('complaints', 'handler_id', [
        'open',
        'acknowledged',
        'in_progress',
        'resolved',
      ]);
      const teams = await updateReturning<{ id: string; name: string }>(
        m,
        `UPDATE teams SET leader_id = $3, version = version + 1, updated_at = now() WHERE workspace_id = $1 AND leader_id = $2 RETURNING id, name`,
        [actor.workspaceId, memberId, dto.successorId],
      );
      await m.query(`UPDATE members SET manager_id = $3 WHERE workspace_id = $1 AND manager_id = $2`, [
        actor.workspaceId,
        memberId,
        dto.successorId,
      ]);
      await m.query(
        `UPDATE members SET status = 'departed', departed_at = now(), successor_id = $3, version = version + 1, updated_at = now()
         WHERE id = $1 AND workspace_id = $2`,
        [memberId, actor.workspaceId, dto.successorId],
      );
      const rows: ReportRow[] = await m.query(
        `INSERT INTO handover_reports (id, workspace_id, member_id, successor_id, performed_by, reason, accounts_moved, teams_moved, open_items_moved)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          randomUUID(),
          actor.workspaceId,
          memberId,
          dto.successorId,
          actor.memberId,
          dto.reason ?? null,
          JSON.stringify(moved),
          JSON.stringify(teams.map((t) => ({ teamId: t.id, name: t.name, to: dto.successorId }))),
          JSON.stringify({ revisits: revisitsMoved.length, complaints: complaintsMoved.length }),
        ],
      );
      await addToOutbox<MemberDepartedEvent>(m, {
        subject: EVENTS.memberDeparted,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          memberId,
          successorId: dto.successorId,
          successorsByAccount: perAccount,
          accountIds: moved.map((x) => x.accountId),
          reportId: rows[0].id,
        },
      });
      return reportView(rows[0]);
    });
    for (const id of [memberId, dto.successorId, ...Object.values(dto.successorsByAccount ?? {})])
      this.actors.forget(id);
    this.relay.kick();
    return report;
  }

  async report(actor: Actor, memberId: string): Promise<HandoverReport> {
    const { ability } = await this.actors.resolve(actor);
    if (!ability.can('read', 'Member') || !ability.can('read', 'Account')) throw new KamError('forbidden');
    const rows: ReportRow[] = await this.ds.query(
      `SELECT * FROM handover_reports WHERE workspace_id = $1 AND member_id = $2`,
      [actor.workspaceId, memberId],
    );
    if (!rows[0]) throw new KamError('not_found', { what: 'handover report' });
    return reportView(rows[0]);
  }
}
