import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CreateExportRequestDto,
  DecideExportRequestDto,
  DocumentExportView,
  ExportDocumentsDto,
  ExportRequestView,
  KamError,
  MemberContextView,
  ListExportRequestsQuery,
  RedeemExportReply,
  RedeemExportRequest,
  validationError,
} from '@app/contracts';
import { KamAbility } from '@app/authz';
import { TransferBucket } from '@app/messaging';
import { AccessLogWriter } from '../access-log/access-log.writer';
import { DocumentAccess } from '../documents/document-access';
import { DOCUMENT_COLUMNS, DocumentRow } from '../documents/document.sql';
import { DocumentsService } from '../documents/documents.service';
import { EXPORT_DOWNLOAD_WINDOW_MS, ExportAttempt, needsApproval, whyNotUsable } from './export-rules';
import { ZipEntry, zipStream } from './zip';

export const EXPORT_APPROVAL_THRESHOLD = Symbol('EXPORT_APPROVAL_THRESHOLD');

interface RequestRow {
  id: string;
  kind: ExportRequestView['kind'];
  requester_id: string;
  document_ids: string[];
  account_filters: Record<string, unknown> | null;
  item_count: number | null;
  includes_secret: boolean;
  reason: string;
  status: ExportRequestView['status'];
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  expires_at: Date | null;
  used_at: Date | null;
  created_at: Date;
}

const COLUMNS = `id, kind, requester_id, document_ids, account_filters, item_count, includes_secret, reason, status,
  decided_by, decided_at, decision_note, expires_at, used_at, created_at`;

function toView(r: RequestRow): ExportRequestView {
  return {
    id: r.id,
    kind: r.kind,
    requesterId: r.requester_id,
    documentIds: r.document_ids,
    accountFilters: r.account_filters,
    itemCount: r.item_count ?? 0,
    includesSecret: r.includes_secret,
    reason: r.reason,
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at?.toISOString() ?? null,
    decisionNote: r.decision_note,
    expiresAt: r.expires_at?.toISOString() ?? null,
    usedAt: r.used_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

/** Zip entry names: numbered (two documents may share a file name), nothing path-like. */
const entryName = (i: number, fileName: string) =>
  `${String(i + 1).padStart(3, '0')}-${fileName.replace(/[/\\]/g, '_')}`;

/**
 * Export controls (issue 6, point 5): a bulk export — more documents than the threshold, any secret document, or an
 * account CSV over the threshold — needs an export request (who, what, why) that the director approves; the
 * requester then downloads once within the window. Requests, decisions, downloads and refusals are access-logged.
 */
@Injectable()
export class ExportRequestsService {
  constructor(
    private readonly ds: DataSource,
    private readonly documents: DocumentsService,
    private readonly access: DocumentAccess,
    private readonly log: AccessLogWriter,
    private readonly bucket: TransferBucket,
    @Inject(EXPORT_APPROVAL_THRESHOLD) private readonly threshold: number,
  ) {}

  /** The documents, each readable by the caller (else 404, and a denied entry), in the order asked. */
  private async readable(
    m: EntityManager,
    actor: Actor,
    ability: KamAbility,
    ids: string[],
    attempted: string,
  ): Promise<DocumentRow[]> {
    const read = this.access.where(ability, 'read', 1);
    const rows: (DocumentRow & { allowed: boolean })[] = await m.query(
      `SELECT ${DOCUMENT_COLUMNS}, (${read?.sql ?? 'FALSE'}) AS allowed FROM documents d
       WHERE d.workspace_id = $1 AND d.id = ANY($${2 + (read?.values.length ?? 0)}::uuid[])`,
      [actor.workspaceId, ...(read?.values ?? []), ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      const r = byId.get(id);
      if (!r) throw new KamError('document_not_found', { id });
      if (!r.allowed) {
        await this.documents.denied(actor, attempted, id);
        throw new KamError('document_not_found', { id }).markAudited();
      }
    }
    return ids.map((id) => byId.get(id)!);
  }

  async create(actor: Actor, dto: CreateExportRequestDto): Promise<ExportRequestView> {
    const ability = await this.documents.abilityOf(actor);
    let documentIds: string[] = [];
    let itemCount: number | null = null;
    let includesSecret = false;
    if (dto.kind === 'documents') {
      if (!dto.documentIds?.length || dto.accountFilters)
        throw validationError([
          {
            field: 'documentIds',
            message: 'an export of documents names its documents, and no account filters',
          },
        ]);
      documentIds = [...new Set(dto.documentIds.map((i) => i.toLowerCase()))];
      const docs = await this.readable(this.ds.manager, actor, ability, documentIds, 'export_request');
      itemCount = docs.length;
      includesSecret = docs.some((d) => d.classification === 'secret');
    } else if (!dto.accountFilters || dto.documentIds)
      throw validationError([
        {
          field: 'accountFilters',
          message: 'an export of accounts names its filters ({} for all), no documents',
        },
      ]);
    return this.ds.transaction(async (m) => {
      const rows: RequestRow[] = await m.query(
        `INSERT INTO export_requests (id, workspace_id, kind, requester_id, document_ids, account_filters, item_count,
                                      includes_secret, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        [
          randomUUID(),
          actor.workspaceId,
          dto.kind,
          actor.memberId,
          documentIds,
          dto.kind === 'accounts' ? JSON.stringify(dto.accountFilters) : null,
          itemCount,
          includesSecret,
          dto.reason,
        ],
      );
      await this.log.appendIn(m, {
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'export_request',
        subject: dto.kind,
        details: {
          exportRequestId: rows[0].id,
          documentIds,
          accountFilters: dto.accountFilters ?? null,
          reason: dto.reason,
          requestId: actor.requestId,
        },
      });
      return toView(rows[0]);
    });
  }

  /** The director sees every request of the workspace; anyone else their own. */
  async list(actor: Actor, query: ListExportRequestsQuery): Promise<ExportRequestView[]> {
    const ability = await this.documents.abilityOf(actor);
    const values: unknown[] = [actor.workspaceId];
    const where = ['workspace_id = $1'];
    if (!ability.can('approve', 'Document')) {
      values.push(actor.memberId);
      where.push(`requester_id = $${values.length}`);
    }
    if (query.status) {
      values.push(query.status);
      where.push(`status = $${values.length}`);
    }
    const rows: RequestRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM export_requests WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT 200`,
      values,
    );
    return rows.map(toView);
  }

  async get(actor: Actor, id: string): Promise<ExportRequestView> {
    const ability = await this.documents.abilityOf(actor);
    const rows: RequestRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM export_requests WHERE id = $1 AND workspace_id = $2`,
      [id, actor.workspaceId],
    );
    const r = rows[0];
    if (!r || (r.requester_id !== actor.memberId && !ability.can('approve', 'Document')))
      throw new KamError('export_request_not_found', { id });
    return toView(r);
  }

  async decide(actor: Actor, id: string, dto: DecideExportRequestDto): Promise<ExportRequestView> {
    const ability = await this.documents.abilityOf(actor);
    if (!ability.can('approve', 'Document')) {
      await this.documents.denied(actor, 'decide_export', null, { exportRequestId: id });
      throw new KamError('forbidden').markAudited();
    }
    return this.ds.transaction(async (m) => {
      const found: RequestRow[] = await m.query(
        `SELECT ${COLUMNS} FROM export_requests WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
        [id, actor.workspaceId],
      );
      if (!found[0]) throw new KamError('export_request_not_found', { id });
      if (found[0].status !== 'pending')
        throw new KamError('export_request_decided', { status: found[0].status });
      if (found[0].requester_id === actor.memberId) {
        await this.documents.denied(actor, 'decide_export', null, {
          exportRequestId: id,
          reason: 'own_request',
        });
        throw new KamError('own_request').markAudited();
      }
      const approve = dto.decision === 'approve';
      const [rows]: [RequestRow[], number] = await m.query(
        `UPDATE export_requests SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4,
                expires_at = CASE WHEN $5::boolean THEN now() + $6 * interval '1 millisecond' END
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          approve ? 'approved' : 'rejected',
          actor.memberId,
          dto.note ?? null,
          approve,
          EXPORT_DOWNLOAD_WINDOW_MS,
        ],
      );
      await this.log.appendIn(m, {
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'export_decision',
        subject: rows[0].kind,
        details: {
          exportRequestId: id,
          decision: dto.decision,
          requesterId: rows[0].requester_id,
          note: dto.note ?? null,
          expiresAt: rows[0].expires_at?.toISOString() ?? null,
        },
      });
      return toView(rows[0]);
    });
  }

  /** Locks the request and uses it up for this attempt, or refuses (409 naming why, and a denied entry). */
  private async useUp(m: EntityManager, actor: Actor, id: string, attempt: ExportAttempt): Promise<void> {
    const rows: RequestRow[] = await m.query(
      `SELECT ${COLUMNS} FROM export_requests WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
      [id, actor.workspaceId],
    );
    const r = rows[0];
    if (!r) {
      await this.documents.denied(actor, 'export', null, { exportRequestId: id, reason: 'not found' });
      throw new KamError('export_request_not_found', { id }).markAudited();
    }
    const why = whyNotUsable(
      {
        kind: r.kind,
        requesterId: r.requester_id,
        status: r.status,
        expiresAt: r.expires_at,
        usedAt: r.used_at,
        documentIds: r.document_ids,
        accountFilters: r.account_filters,
      },
      attempt,
    );
    if (why) {
      await this.documents.denied(actor, 'export', null, { exportRequestId: id, reason: why });
      throw new KamError('export_request_not_usable', { reason: why }).markAudited();
    }
    await m.query(`UPDATE export_requests SET used_at = now() WHERE id = $1`, [id]);
  }

  /**
   * A zip of the current versions of the documents, each watermarked with its own access-log entry. Over the
   * threshold or with a secret document it needs an approved request of the caller naming exactly these documents;
   * the request is used up only when the zip is complete.
   *
   * The zip is streamed into the transfer bucket as it is written: one document is decrypted and watermarked only
   * when the previous one has gone out, so the service holds one document (and the central directory) at a time,
   * whatever the size of the export.
   */
  async exportDocuments(actor: Actor, dto: ExportDocumentsDto): Promise<DocumentExportView> {
    const member = await this.documents.member(actor);
    const ability = await this.access.ability(actor, member);
    const ids = [...new Set(dto.documentIds.map((i) => i.toLowerCase()))];
    const docs = await this.readable(this.ds.manager, actor, ability, ids, 'export');
    const secret = docs.some((d) => d.classification === 'secret');
    if (!dto.exportRequestId && needsApproval(docs.length, secret, this.threshold)) {
      await this.documents.denied(actor, 'export', null, {
        documentIds: ids,
        reason: 'approval required',
        count: docs.length,
      });
      throw new KamError('export_approval_required', {
        count: docs.length,
        threshold: this.threshold,
      }).markAudited();
    }
    const exportId = randomUUID();
    const objectName = `down.${randomUUID()}`;
    const build = async (): Promise<DocumentExportView> => {
      const entryIds: string[] = [];
      const sizeBytes = await this.bucket.putStream(
        objectName,
        zipStream(
          this.rendered(
            actor,
            member,
            docs,
            { exportId, exportRequestId: dto.exportRequestId ?? null },
            entryIds,
          ),
        ),
      );
      return {
        objectName,
        fileName: `documents-${new Date().toISOString().slice(0, 10)}.zip`,
        sizeBytes,
        documentCount: docs.length,
        exportRequestId: dto.exportRequestId ?? null,
        accessLogEntryIds: entryIds,
      };
    };
    const requestId = dto.exportRequestId;
    if (!requestId) return build();
    // The approval is used up with the zip: a failed build leaves it unused (and no object in the bucket).
    try {
      return await this.ds.transaction(async (m) => {
        await this.useUp(m, actor, requestId, {
          kind: 'documents',
          memberId: actor.memberId,
          now: new Date(),
          documentIds: ids,
        });
        return build();
      });
    } catch (e) {
      await this.bucket.discard(objectName).catch(() => undefined);
      throw e;
    }
  }

  /**
   * The zip entries of an export, each document decrypted and watermarked (with its access-log entry, collected in
   * `entryIds`) only when the zip writer asks for it. One expression per document: no local of this generator keeps
   * a rendered file alive while the next one is rendered.
   */
  private async *rendered(
    actor: Actor,
    member: MemberContextView | null,
    docs: DocumentRow[],
    details: Record<string, unknown>,
    entryIds: string[],
  ): AsyncGenerator<ZipEntry> {
    for (const [i, d] of docs.entries()) yield await this.entry(actor, member, i, d, details, entryIds);
  }

  private async entry(
    actor: Actor,
    member: MemberContextView | null,
    i: number,
    d: DocumentRow,
    details: Record<string, unknown>,
    entryIds: string[],
  ): Promise<ZipEntry> {
    const r = await this.documents.render(actor, member, d, d.current_version, 'export', details);
    entryIds.push(r.entryId);
    return { name: entryName(i, r.fileName), data: r.content, modified: new Date() };
  }

  /**
   * An account CSV export over the threshold (asked by account-management as a system caller, naming the member
   * who exports): uses up their approved request, or refuses and logs the attempt under their name.
   */
  async redeemAccounts(caller: Actor, r: RedeemExportRequest): Promise<RedeemExportReply> {
    const actor: Actor = {
      workspaceId: caller.workspaceId,
      memberId: r.memberId.toLowerCase(),
      roles: r.roles,
      requestId: caller.requestId,
      ...(caller.locale ? { locale: caller.locale } : {}),
    };
    if (!r.id) {
      await this.log.append({
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'denied',
        subject: 'accounts',
        details: {
          attempted: 'export',
          reason: 'approval required',
          filters: r.accountFilters,
          rowCount: r.rowCount ?? null,
          requestId: actor.requestId,
        },
      });
      throw new KamError('export_approval_required', { count: r.rowCount ?? '?', threshold: this.threshold });
    }
    const id = r.id;
    await this.ds.transaction(async (m) => {
      await this.useUp(m, actor, id, {
        kind: 'accounts',
        memberId: actor.memberId,
        now: new Date(),
        accountFilters: r.accountFilters,
      });
      await this.log.appendIn(m, {
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'export',
        subject: 'accounts',
        details: {
          exportRequestId: id,
          filters: r.accountFilters,
          rowCount: r.rowCount ?? null,
          requestId: actor.requestId,
        },
      });
    });
    return { exportRequestId: id };
  }
}
