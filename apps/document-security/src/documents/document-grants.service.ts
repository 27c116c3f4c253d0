import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor, CreateGrantDto, GrantView, isRole, KamError, validationError } from '@app/contracts';
import { AccessLogWriter } from '../access-log/access-log.writer';
import { DocumentsService } from './documents.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface GrantRow {
  id: string;
  document_id: string;
  grantee_type: GrantView['granteeType'];
  grantee_id: string;
  reason: string;
  expires_at: Date;
  granted_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

const GRANT_COLUMNS = `id, document_id, grantee_type, grantee_id, reason, expires_at, granted_by, created_at, revoked_at`;

function toGrantView(r: GrantRow): GrantView {
  return {
    id: r.id,
    documentId: r.document_id,
    granteeType: r.grantee_type,
    granteeId: r.grantee_id,
    reason: r.reason,
    expiresAt: r.expires_at.toISOString(),
    grantedBy: r.granted_by,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

/**
 * Explicit, time-limited grants (to a member, a team or a role, with a reason): they open a document of any
 * classification until they expire or are revoked. Sharing and revoking are written to the access log.
 */
/** How far ahead a grant may run (KAM_GRANT_MAX_DAYS, a year by default). */
export const GRANT_MAX_DAYS = Symbol('GRANT_MAX_DAYS');

@Injectable()
export class DocumentGrantsService {
  constructor(
    private readonly ds: DataSource,
    private readonly documents: DocumentsService,
    private readonly log: AccessLogWriter,
    @Inject(GRANT_MAX_DAYS) private readonly maxDays: number,
  ) {}

  async create(actor: Actor, documentId: string, dto: CreateGrantDto): Promise<GrantView> {
    if (dto.granteeType === 'role' ? !isRole(dto.granteeId) : !UUID.test(dto.granteeId))
      throw validationError([
        {
          field: 'granteeId',
          message: dto.granteeType === 'role' ? 'granteeId must be a role name' : 'granteeId must be a UUID',
        },
      ]);
    const expiresAt = new Date(dto.expiresAt);
    if (expiresAt.getTime() <= Date.now())
      throw validationError([{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
    // Issue 14, point 12: a grant is an exception with an end, not a second classification.
    if (expiresAt.getTime() > Date.now() + this.maxDays * 24 * 3600 * 1000)
      throw validationError([
        { field: 'expiresAt', message: `expiresAt must be at most ${this.maxDays} days ahead` },
      ]);
    return this.ds.transaction(async (m) => {
      await this.documents.loadForUpdate(m, actor, documentId, 'share');
      const rows: GrantRow[] = await m.query(
        `INSERT INTO document_grants (id, workspace_id, document_id, grantee_type, grantee_id, reason, expires_at,
                                      granted_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${GRANT_COLUMNS}`,
        [
          randomUUID(),
          actor.workspaceId,
          documentId,
          dto.granteeType,
          dto.granteeId.toLowerCase(),
          dto.reason,
          expiresAt.toISOString(),
          actor.memberId,
        ],
      );
      await this.log.appendIn(m, {
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'share',
        subject: 'document',
        documentId,
        details: {
          grantId: rows[0].id,
          granteeType: dto.granteeType,
          granteeId: rows[0].grantee_id,
          expiresAt: rows[0].expires_at.toISOString(),
          reason: dto.reason,
        },
      });
      return toGrantView(rows[0]);
    });
  }

  async revoke(actor: Actor, documentId: string, grantId: string): Promise<GrantView> {
    return this.ds.transaction(async (m) => {
      await this.documents.loadForUpdate(m, actor, documentId, 'revoke');
      // TypeORM answers an UPDATE … RETURNING with [rows, count].
      const [rows]: [GrantRow[], number] = await m.query(
        `UPDATE document_grants SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $4)
         WHERE id = $1 AND document_id = $2 AND workspace_id = $3 RETURNING ${GRANT_COLUMNS}`,
        [grantId, documentId, actor.workspaceId, actor.memberId],
      );
      if (!rows[0]) throw new KamError('grant_not_found', { id: grantId });
      await this.log.appendIn(m, {
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'revoke',
        subject: 'document',
        documentId,
        details: { grantId },
      });
      return toGrantView(rows[0]);
    });
  }

  async list(actor: Actor, documentId: string): Promise<GrantView[]> {
    await this.documents.loadForUpdate(this.ds.manager, actor, documentId, 'list_grants');
    const rows: GrantRow[] = await this.ds.query(
      `SELECT ${GRANT_COLUMNS} FROM document_grants WHERE document_id = $1 AND workspace_id = $2
       ORDER BY created_at DESC`,
      [documentId, actor.workspaceId],
    );
    return rows.map(toGrantView);
  }
}
