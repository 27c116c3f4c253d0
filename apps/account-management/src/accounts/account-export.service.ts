import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccountExportCompletedEvent,
  AccountExportedEvent,
  AccountView,
  Actor,
  EVENTS,
  EXPORT_PAGE_ROWS,
  ExportAccountsQuery,
  ExportDoneReply,
  ExportPage,
  KamError,
  RedeemExportReply,
  SUBJECTS,
} from '@app/contracts';
import { KamAbility } from '@app/authz';
import { addToOutbox, OutboxRelay, RpcClient } from '@app/messaging';
import { decodeCursor, encodeCursor } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { WorkspaceSettings } from '../domain/settings';
import { ACCOUNT_COLUMNS, AccountRow } from './account.sql';
import { AccountRepository } from './account.repository';
import { accountFilter, SORTS } from './accounts.service';

/** This service asking another on behalf of the caller's workspace and request (ADR 0018). */
function systemActorFor(caller: Actor): Actor {
  return {
    workspaceId: caller.workspaceId,
    memberId: '00000000-0000-0000-0000-000000000000',
    roles: [],
    requestId: caller.requestId,
    kind: 'system',
    ...(caller.locale ? { locale: caller.locale } : {}),
  };
}

/** Exports of more rows need an export request approved by the director (KAM_EXPORT_APPROVAL_THRESHOLD). */
export const EXPORT_APPROVAL_THRESHOLD = Symbol('EXPORT_APPROVAL_THRESHOLD');

/** NATS takes 1 MB per message: a page stops early when its rows grow past this (the rest follow). */
const PAGE_BYTES = 768 * 1024;

type ExportRow = AccountRow & { owner_name: string | null };
type Locale = 'zh-CN' | 'en';

interface Column {
  /** The header in English: the field name, so a spreadsheet can be read back by a program. */
  key: string;
  zh: string;
  /** The cell; null (a redacted or empty field) is an empty cell. */
  cell: (v: AccountView, r: ExportRow, s: WorkspaceSettings, locale: Locale) => unknown;
}

const COLUMNS: Column[] = [
  { key: 'id', zh: '客户ID', cell: (v) => v.id },
  { key: 'crmCompanyId', zh: 'CRM公司ID', cell: (v) => v.crmCompanyId },
  { key: 'name', zh: '客户名称', cell: (v) => v.name },
  { key: 'tier', zh: '等级', cell: (v) => v.tier },
  {
    key: 'tierLabel',
    zh: '等级名称',
    cell: (v, _r, s, locale) => s.tierLadder.find((t) => t.key === v.tier)?.label[locale] ?? null,
  },
  { key: 'category', zh: '类别', cell: (v) => v.category },
  { key: 'status', zh: '阶段', cell: (v) => v.status },
  { key: 'industry', zh: '行业', cell: (v) => v.industry },
  { key: 'region', zh: '区域', cell: (v) => v.region },
  { key: 'ownerId', zh: '负责人ID', cell: (v) => v.ownerId },
  { key: 'ownerName', zh: '负责人', cell: (v, r) => (v.ownerId === null ? null : r.owner_name) },
  { key: 'serviceTeamId', zh: '服务团队ID', cell: (v) => v.serviceTeamId },
  { key: 'assistantIds', zh: '助理ID', cell: (v) => v.assistantIds?.join(';') ?? null },
  { key: 'annualPurchaseMinor', zh: '年采购额(分)', cell: (v) => v.annualPurchase?.amountMinor },
  { key: 'annualPurchaseCurrency', zh: '币种', cell: (v) => v.annualPurchase?.currency },
  { key: 'profitContributionPct', zh: '利润贡献率(%)', cell: (v) => v.profitContributionPct },
  { key: 'strategicPotential', zh: '战略潜力', cell: (v) => v.strategicPotential },
  { key: 'qualified', zh: '符合大客户标准', cell: (v) => v.qualification?.qualified },
  { key: 'evaluationScore', zh: '评估得分', cell: (v) => v.evaluation?.score },
  { key: 'recommendedTier', zh: '推荐等级', cell: (v) => v.recommendedTier },
  { key: 'version', zh: '版本', cell: (v) => v.version },
  { key: 'createdAt', zh: '创建时间', cell: (v) => v.createdAt },
  { key: 'updatedAt', zh: '更新时间', cell: (v) => v.updatedAt },
];

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * The CSV export of key accounts, page by page: only accounts the caller may export (in SQL), each row
 * redacted as the caller reads it. The first page records the export for the access log, in the same
 * transaction as the read; the gateway reports the row count at the end.
 */
@Injectable()
export class AccountExportService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly settings: WorkspaceSettingsService,
    private readonly repo: AccountRepository,
    private readonly relay: OutboxRelay,
    private readonly rpc: RpcClient,
    @Inject(EXPORT_APPROVAL_THRESHOLD) private readonly approvalThreshold: number,
  ) {}

  async page(
    actor: Actor,
    query: ExportAccountsQuery,
    continuation?: { exportId: string; cursor: string },
  ): Promise<ExportPage> {
    const { ability } = await this.actors.resolve(actor);
    const settings = await this.settings.cached(actor.workspaceId);
    if (continuation) return this.read(this.ds.manager, ability, actor, query, settings, continuation);
    await this.requireApproval(ability, actor, query);
    const exportId = randomUUID();
    const page = await this.ds.transaction(async (m) => {
      // Refused (403) before anything is recorded or returned when the caller may export nothing.
      const p = await this.read(m, ability, actor, query, settings, { exportId });
      await addToOutbox<AccountExportedEvent>(m, {
        subject: EVENTS.accountExported,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          exportId,
          workspaceId: actor.workspaceId,
          memberId: actor.memberId,
          filters: JSON.parse(JSON.stringify(query)) as Record<string, unknown>,
          at: new Date().toISOString(),
        },
      });
      return p;
    });
    this.relay.kick();
    return page;
  }

  /**
   * Export controls (issue 6, ADR 0013): more rows than the threshold need an export request with these filters,
   * approved by the director. document-security keeps the requests and the access log: it uses the approval up
   * (once, by its requester, within its window) or refuses and logs the attempt. Within the threshold nothing is
   * asked, and nothing changes for the export.
   */
  private async requireApproval(
    ability: KamAbility,
    actor: Actor,
    query: ExportAccountsQuery,
  ): Promise<void> {
    const { where, values } = accountFilter(ability, actor.workspaceId, query, 'export');
    const rows: { n: number }[] = await this.ds.query(
      `SELECT count(*)::int AS n FROM accounts a WHERE ${where.join(' AND ')}`,
      values,
    );
    const count = rows[0]?.n ?? 0;
    if (count <= this.approvalThreshold) return;
    const { exportRequestId, ...filters } = query;
    // As a system caller naming the member (no service sends requests as a user: ADR 0018).
    await this.rpc.request<RedeemExportReply>(SUBJECTS.documents.exportRequestRedeem, systemActorFor(actor), {
      memberId: actor.memberId,
      roles: actor.roles,
      ...(exportRequestId ? { id: exportRequestId } : {}),
      kind: 'accounts',
      accountFilters: JSON.parse(JSON.stringify(filters)) as Record<string, unknown>,
      rowCount: count,
    });
  }

  /** The export finished (or stopped): its row count goes to the access log. */
  async finish(
    actor: Actor,
    exportId: string,
    rowCount: number,
    complete: boolean,
  ): Promise<ExportDoneReply> {
    const { ability } = await this.actors.resolve(actor);
    if (!ability.can('export', 'Account')) throw new KamError('forbidden');
    await addToOutbox<AccountExportCompletedEvent>(this.ds.manager, {
      subject: EVENTS.accountExportCompleted,
      workspaceId: actor.workspaceId,
      requestId: actor.requestId,
      payload: {
        exportId,
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        rowCount,
        complete,
        at: new Date().toISOString(),
      },
    });
    this.relay.kick();
    return { exportId, rowCount };
  }

  private async read(
    m: EntityManager,
    ability: KamAbility,
    actor: Actor,
    query: ExportAccountsQuery,
    settings: WorkspaceSettings,
    at: { exportId: string; cursor?: string },
  ): Promise<ExportPage> {
    const locale: Locale = actor.locale ?? 'zh-CN';
    const { where, values } = accountFilter(ability, actor.workspaceId, query, 'export');
    const sort = SORTS[query.sort ?? 'name'];
    if (at.cursor) {
      const c = decodeCursor(at.cursor, sort.cursor);
      const op = sort.dir === 'ASC' ? '>' : '<';
      values.push(c.value, c.id);
      where.push(`(${sort.column}, a.id) ${op} ($${values.length - 1}, $${values.length})`);
    }
    values.push(EXPORT_PAGE_ROWS + 1);
    const rows: ExportRow[] = await m.query(
      `SELECT ${ACCOUNT_COLUMNS}, (SELECT m.name FROM members m WHERE m.id = a.owner_id) AS owner_name
       FROM accounts a WHERE ${where.join(' AND ')}
       ORDER BY ${sort.column} ${sort.dir}, a.id ${sort.dir} LIMIT $${values.length}`,
      values,
    );
    const out: string[][] = [];
    let bytes = 0;
    let last: ExportRow | undefined;
    for (const r of rows.slice(0, EXPORT_PAGE_ROWS)) {
      const view = this.repo.present(ability, r, settings);
      const cells = COLUMNS.map((c) => text(c.cell(view, r, settings, locale)));
      bytes += Buffer.byteLength(JSON.stringify(cells));
      if (out.length > 0 && bytes > PAGE_BYTES) break;
      out.push(cells);
      last = r;
    }
    const more = rows.length > out.length;
    return {
      exportId: at.exportId,
      header: COLUMNS.map((c) => (locale === 'zh-CN' ? c.zh : c.key)),
      rows: out,
      nextCursor: more && last ? encodeCursor(sort.cursorOf(last), last.id) : null,
    };
  }
}
