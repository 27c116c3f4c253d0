import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CreateDocumentFields,
  DocumentDownloadView,
  DocumentView,
  KamError,
  ListDocumentsQuery,
  MemberContextView,
  Page,
  TRANSFER_OBJECT_NAME,
  UploadedFileRef,
  validationError,
} from '@app/contracts';
import { KamAbility, subject } from '@app/authz';
import { decodeCursor, encodeCursor } from '@app/persistence';
import { TransferBucket } from '@app/messaging';
import { AccessLogWriter } from '../access-log/access-log.writer';
import { ContentCorruptError, MasterKeyMissingError, open, seal } from '../keys/envelope-crypto';
import { KEY_RING, KeyRing } from '../keys/key-ring';
import { classifyUpload, safeBaseName } from './content-type';
import { DocumentAccess } from './document-access';
import { DOCUMENT_COLUMNS, DocumentRow, toDocumentView, VERSION_COLUMNS, VersionRow } from './document.sql';
import { pdfOpens, watermarkPdf, watermarkText } from './watermark';

export const DOCUMENT_MAX_BYTES = Symbol('DOCUMENT_MAX_BYTES');

interface CheckedFile {
  content: Buffer;
  fileName: string;
  mimeType: string;
  type: string;
}

/**
 * Documents (issue 6): upload (a new document or a new version), list, view and download, every one through the
 * access path of DocumentAccess (conditions in SQL) and written to the access log. Content is encrypted with a
 * data key per version (keys/envelope-crypto) and checked against its SHA-256 on every read.
 */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger('documents');

  constructor(
    private readonly ds: DataSource,
    private readonly access: DocumentAccess,
    private readonly log: AccessLogWriter,
    private readonly bucket: TransferBucket,
    @Inject(KEY_RING) private readonly keys: KeyRing,
    @Inject(DOCUMENT_MAX_BYTES) private readonly maxBytes: number,
  ) {}

  /** The uploaded bytes (taken out of the transfer bucket whatever happens next), checked. */
  private async takeFile(file: UploadedFileRef): Promise<CheckedFile> {
    if (!TRANSFER_OBJECT_NAME.test(file.objectName) || !file.objectName.startsWith('up.'))
      throw validationError([{ field: 'file.objectName', message: 'not an upload' }]);
    const content = await this.bucket.take(file.objectName);
    if (!content) throw new KamError('document_file_required');
    const checked = this.check(file.fileName, content);
    // A PDF must open, or its downloads could not carry the watermark.
    if (checked.type === 'pdf' && !(await pdfOpens(content)))
      throw new KamError('document_malformed', { type: 'PDF' });
    return checked;
  }

  private check(rawName: string, content: Buffer): CheckedFile {
    if (content.length === 0) throw new KamError('document_empty');
    if (content.length > this.maxBytes) throw new KamError('payload_too_large');
    const safe = safeBaseName(rawName);
    if ('problem' in safe) throw new KamError('document_file_name_invalid', { reason: safe.problem });
    const c = classifyUpload(safe.name, content);
    if (!c.ok && c.error === 'mismatch')
      throw new KamError('document_type_mismatch', { declared: `.${c.declared}`, detected: c.detected });
    if (!c.ok) throw new KamError('document_type_unsupported');
    return { content, fileName: c.fileName, mimeType: c.mimeType, type: c.type };
  }

  /** A refused attempt goes to the access log, in a transaction of its own. */
  async denied(
    actor: Actor,
    attempted: string,
    documentId: string | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.log.append({
      workspaceId: actor.workspaceId,
      memberId: actor.memberId,
      action: 'denied',
      subject: 'document',
      documentId,
      details: { attempted, roles: actor.roles, requestId: actor.requestId, ...details },
    });
  }

  async create(actor: Actor, fields: CreateDocumentFields, file: UploadedFileRef): Promise<DocumentView> {
    let checked: CheckedFile;
    try {
      checked = await this.takeFile(file);
    } catch (e) {
      await this.bucket.discard(file.objectName).catch(() => undefined);
      throw e;
    }
    const member = await this.member(actor);
    const ability = await this.access.ability(actor, member);
    if (!ability.can('create', 'Document')) {
      await this.denied(actor, 'upload', null);
      throw new KamError('forbidden').markAudited();
    }
    // Everything about the new document is checked before anything is written (issue 14, point 9).
    const related = fields.accountId ? await this.access.relations(actor, [fields.accountId]) : [];
    if (fields.accountId && !related.length)
      throw new KamError('account_not_found', { id: fields.accountId });
    const ownerId = fields.ownerId ?? actor.memberId;
    if (ownerId !== actor.memberId && !(await this.access.isActiveMember(actor, ownerId)))
      throw validationError([
        { field: 'ownerId', message: 'ownerId must be an active member of this workspace' },
      ]);
    // The uploader must be able to read what they file (a confidential report given to a colleague, a secret one
    // by whoever may not read secrets): otherwise it would be stored out of their sight.
    const readable = related.length ? await this.access.ability(actor, member, related) : ability;
    const newDocument = {
      classification: fields.classification,
      ownerId,
      accountId: fields.accountId ?? null,
      grantMemberIds: [],
      grantTeamIds: [],
      grantRoles: [],
    };
    if (!readable.can('read', subject('Document', newDocument) as Parameters<KamAbility['can']>[1])) {
      await this.denied(actor, 'upload', null, { ownerId, classification: fields.classification });
      throw new KamError('forbidden');
    }
    const id = randomUUID();
    await this.ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO documents (id, workspace_id, kind, classification, title, owner_id, account_id,
                                retention_until, current_version, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)`,
        [
          id,
          actor.workspaceId,
          fields.kind,
          fields.classification,
          fields.title,
          ownerId,
          fields.accountId ?? null,
          fields.retentionUntil ?? null,
          actor.memberId,
        ],
      );
      await this.insertVersion(m, actor, id, 1, checked);
    });
    return this.viewOf(actor, id, false);
  }

  async addVersion(actor: Actor, id: string, file: UploadedFileRef): Promise<DocumentView> {
    let checked: CheckedFile;
    try {
      checked = await this.takeFile(file);
    } catch (e) {
      await this.bucket.discard(file.objectName).catch(() => undefined);
      throw e;
    }
    const ability = await this.abilityOf(actor);
    await this.ds.transaction(async (m) => {
      const doc = await this.load(m, actor, ability, id, 'add_version', true);
      await this.authorizeUpdate(m, actor, ability, doc, 'add_version');
      const next = doc.current_version + 1;
      await this.insertVersion(m, actor, id, next, checked);
      await m.query(`UPDATE documents SET current_version = $2, updated_at = now() WHERE id = $1`, [
        id,
        next,
      ]);
    });
    return this.viewOf(actor, id, false);
  }

  private async insertVersion(
    m: EntityManager,
    actor: Actor,
    documentId: string,
    versionNo: number,
    f: CheckedFile,
  ): Promise<void> {
    const versionId = randomUUID();
    const sealed = seal(f.content, this.keys.current, versionId);
    await m.query(
      `INSERT INTO document_versions (id, workspace_id, document_id, version_no, file_name, mime_type, size_bytes,
                                      sha256, key_id, wrapped_key, iv, auth_tag, uploaded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        versionId,
        actor.workspaceId,
        documentId,
        versionNo,
        f.fileName,
        f.mimeType,
        f.content.length,
        sealed.sha256,
        sealed.keyId,
        sealed.wrappedKey,
        sealed.iv,
        sealed.authTag,
        actor.memberId,
      ],
    );
    await m.query(
      `INSERT INTO document_contents (version_id, workspace_id, ciphertext) VALUES ($1, $2, $3)`,
      [versionId, actor.workspaceId, sealed.ciphertext],
    );
    await this.log.appendIn(m, {
      workspaceId: actor.workspaceId,
      memberId: actor.memberId,
      action: 'upload',
      subject: 'document',
      documentId,
      details: {
        version: versionNo,
        fileName: f.fileName,
        sizeBytes: f.content.length,
        sha256: sealed.sha256,
      },
    });
  }

  /**
   * One document the caller may read. Another workspace's id, or one they may not read, is 404; the latter is
   * logged as a denied attempt.
   */
  async load(
    m: EntityManager,
    actor: Actor,
    ability: KamAbility,
    id: string,
    attempted: string,
    lock = false,
  ): Promise<DocumentRow> {
    const read = this.access.where(ability, 'read', 2);
    const rows: (DocumentRow & { allowed: boolean })[] = await m.query(
      `SELECT ${DOCUMENT_COLUMNS}, (${read?.sql ?? 'FALSE'}) AS allowed FROM documents d
       WHERE d.id = $1 AND d.workspace_id = $2 ${lock ? 'FOR UPDATE OF d' : ''}`,
      [id, actor.workspaceId, ...(read?.values ?? [])],
    );
    if (!rows[0]) throw new KamError('document_not_found', { id });
    if (!rows[0].allowed) {
      await this.denied(actor, attempted, id);
      throw new KamError('document_not_found', { id }).markAudited();
    }
    return rows[0];
  }

  private async authorizeUpdate(
    m: EntityManager,
    actor: Actor,
    ability: KamAbility,
    doc: DocumentRow,
    attempted: string,
  ): Promise<void> {
    const upd = this.access.where(ability, 'update', 1);
    const ok: unknown[] = upd
      ? await m.query(`SELECT 1 FROM documents d WHERE d.id = $1 AND (${upd.sql})`, [doc.id, ...upd.values])
      : [];
    if (!ok.length) {
      await this.denied(actor, attempted, doc.id);
      throw new KamError('forbidden').markAudited();
    }
  }

  /** Used by grants: the document, readable (else 404) and changeable (else 403) by the caller. */
  async loadForUpdate(m: EntityManager, actor: Actor, id: string, attempted: string): Promise<DocumentRow> {
    const ability = await this.abilityOf(actor);
    // ADR 0003: roles that may change no document at all (security officer, admin) get 403, whatever the id.
    if (!ability.can('update', 'Document')) {
      await this.denied(actor, attempted, null, { documentId: id });
      throw new KamError('forbidden').markAudited();
    }
    const doc = await this.load(m, actor, ability, id, attempted);
    await this.authorizeUpdate(m, actor, ability, doc, attempted);
    return doc;
  }

  private async viewOf(actor: Actor, id: string, logView: boolean): Promise<DocumentView> {
    const ability = await this.abilityOf(actor);
    const doc = await this.load(this.ds.manager, actor, ability, id, 'view');
    const versions: VersionRow[] = await this.ds.query(
      `SELECT ${VERSION_COLUMNS} FROM document_versions v WHERE v.document_id = $1 ORDER BY v.version_no`,
      [id],
    );
    if (logView)
      await this.log.append({
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'view',
        subject: 'document',
        documentId: id,
        details: { classification: doc.classification, requestId: actor.requestId },
      });
    const owners: { from_owner: string; to_owner: string; reason: string; at: Date }[] = await this.ds.query(
      `SELECT from_owner, to_owner, reason, at FROM document_owner_history
       WHERE document_id = $1 AND workspace_id = $2 ORDER BY at, id`,
      [id, actor.workspaceId],
    );
    return {
      ...toDocumentView(doc, versions),
      ownerHistory: owners.map((o) => ({
        fromOwner: o.from_owner,
        toOwner: o.to_owner,
        reason: o.reason,
        at: o.at.toISOString(),
      })),
    };
  }

  get(actor: Actor, id: string): Promise<DocumentView> {
    return this.viewOf(actor, id, true);
  }

  /** Documents the caller may read, newest first (the permission condition is part of the query). */
  async list(actor: Actor, query: ListDocumentsQuery): Promise<Page<DocumentView>> {
    const ability = await this.abilityOf(actor);
    const values: unknown[] = [actor.workspaceId];
    const read = this.access.where(ability, 'read', values.length);
    if (!read) return { items: [], nextCursor: null };
    values.push(...read.values);
    const where = ['d.workspace_id = $1', `(${read.sql})`];
    const eq = (col: string, v: unknown) => {
      values.push(v);
      where.push(`${col} = $${values.length}`);
    };
    if (query.kind) eq('d.kind', query.kind);
    if (query.classification) eq('d.classification', query.classification);
    if (query.accountId) eq('d.account_id', query.accountId);
    if (query.ownerId) eq('d.owner_id', query.ownerId);
    if (query.cursor) {
      const c = decodeCursor(query.cursor, 'timestamp');
      values.push(c.value, c.id);
      where.push(`(d.created_at, d.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    const limit = query.limit ?? 50;
    values.push(limit + 1);
    const rows: DocumentRow[] = await this.ds.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE ${where.join(' AND ')}
       ORDER BY d.created_at DESC, d.id DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toDocumentView(r)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
    };
  }

  /**
   * Decrypts one version, checks its hash, stamps the watermark with the access-log entry of this download, and
   * leaves the bytes in the transfer bucket for the gateway.
   */
  async download(actor: Actor, id: string, version?: number): Promise<DocumentDownloadView> {
    const member = await this.member(actor);
    const ability = await this.access.ability(actor, member);
    const doc = await this.load(this.ds.manager, actor, ability, id, 'download');
    const r = await this.render(actor, member, doc, version ?? doc.current_version, 'download', {});
    const objectName = `down.${randomUUID()}`;
    await this.bucket.put(objectName, r.content);
    return {
      objectName,
      fileName: r.fileName,
      mimeType: r.mimeType,
      sizeBytes: r.content.length,
      version: r.version,
      accessLogEntryId: r.entryId,
    };
  }

  /**
   * One version of a document the caller may read, decrypted, checked against its hash, and stamped with the
   * access-log entry of this download (or export) — the one way document content leaves the service.
   */
  async render(
    actor: Actor,
    member: MemberContextView | null,
    doc: DocumentRow,
    versionNo: number,
    action: 'download' | 'export',
    details: Record<string, unknown>,
  ): Promise<{ content: Buffer; fileName: string; mimeType: string; version: number; entryId: string }> {
    const id = doc.id;
    const rows: (VersionRow & { ciphertext: Buffer })[] = await this.ds.query(
      `SELECT ${VERSION_COLUMNS}, c.ciphertext FROM document_versions v
       JOIN document_contents c ON c.version_id = v.id
       WHERE v.document_id = $1 AND v.version_no = $2 AND v.workspace_id = $3`,
      [id, versionNo, actor.workspaceId],
    );
    const v = rows[0];
    if (!v) throw new KamError('document_version_not_found', { version: versionNo });
    let plain: Buffer;
    try {
      plain = open(
        {
          ciphertext: v.ciphertext,
          iv: v.iv,
          authTag: v.auth_tag,
          wrappedKey: v.wrapped_key,
          keyId: v.key_id,
          sha256: v.sha256,
        },
        this.keys.byId,
        v.id,
      );
    } catch (e) {
      if (e instanceof MasterKeyMissingError)
        throw new KamError('document_key_unavailable', { keyId: e.keyId });
      if (!(e instanceof ContentCorruptError)) throw e;
      this.logger.error(`document ${id} version ${versionNo} is corrupt: ${e.message}`);
      await this.log.append({
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'corrupt',
        subject: 'document',
        documentId: id,
        details: { version: versionNo, reason: e.message, requestId: actor.requestId },
      });
      throw new KamError('document_corrupt');
    }
    const at = new Date();
    const entryId = await this.log.append({
      workspaceId: actor.workspaceId,
      memberId: actor.memberId,
      action,
      subject: 'document',
      documentId: id,
      details: {
        version: versionNo,
        classification: doc.classification,
        requestId: actor.requestId,
        ...details,
      },
      at,
    });
    const mark = {
      memberName: member?.name ?? actor.memberId,
      memberId: actor.memberId,
      at: at.toISOString(),
      entryId,
    };
    let out = plain;
    if (v.mime_type.startsWith('text/')) out = watermarkText(plain, mark);
    else if (v.mime_type === 'application/pdf') {
      try {
        out = await watermarkPdf(plain, mark);
      } catch (e) {
        // Never hand out an unmarked copy of a PDF: a file pdf-lib cannot read is refused.
        this.logger.error(`document ${id} version ${versionNo}: watermark failed: ${(e as Error).message}`);
        throw new KamError('document_corrupt');
      }
    }
    return { content: out, fileName: v.file_name, mimeType: v.mime_type, version: versionNo, entryId };
  }

  async abilityOf(actor: Actor): Promise<KamAbility> {
    return this.access.ability(actor, await this.member(actor));
  }

  /** The caller's member record; a departed member's attempt is denied and logged. */
  async member(actor: Actor): Promise<MemberContextView | null> {
    try {
      return await this.access.member(actor);
    } catch (e) {
      if (e instanceof KamError && e.code === 'member_departed') {
        await this.denied(actor, 'access', null);
        throw e.markAudited();
      }
      throw e;
    }
  }
}
