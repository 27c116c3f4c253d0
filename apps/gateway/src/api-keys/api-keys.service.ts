import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isRole, KamError, Role } from '@app/contracts';

export interface ApiKeyIdentity {
  id: string;
  workspaceId: string;
  roles: Role[];
}

export interface ApiKeyView {
  id: string;
  name: string;
  roles: Role[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const KEY_FORMAT = /^kam_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

function hash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * API keys for service callers, scoped to a workspace. Only a SHA-256 of the secret is stored (the secret is
 * 256 random bits, so a slow hash adds nothing); the full key is shown once, at creation.
 */
@Injectable()
export class ApiKeysService {
  constructor(private readonly ds: DataSource) {}

  async create(
    workspaceId: string,
    name: string,
    roles: Role[],
    createdBy: string,
  ): Promise<{ key: string; view: ApiKeyView }> {
    if (!roles.length || !roles.every(isRole)) throw new KamError('validation_failed', { fields: 'roles' });
    const id = randomUUID().replace(/-/g, '');
    const secret = randomBytes(32).toString('base64url');
    const rows: { created_at: Date }[] = await this.ds.query(
      `INSERT INTO api_keys (id, workspace_id, name, roles, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at`,
      [id, workspaceId, name, roles, hash(secret), createdBy],
    );
    return {
      key: `kam_${id}_${secret}`,
      view: {
        id,
        name,
        roles,
        createdBy,
        createdAt: rows[0].created_at.toISOString(),
        lastUsedAt: null,
        revokedAt: null,
      },
    };
  }

  async verify(key: string): Promise<ApiKeyIdentity> {
    const m = KEY_FORMAT.exec(key);
    if (!m) throw new KamError('token_invalid');
    const rows: { workspace_id: string; roles: Role[]; secret_hash: Buffer; revoked_at: Date | null }[] =
      await this.ds.query(`SELECT workspace_id, roles, secret_hash, revoked_at FROM api_keys WHERE id = $1`, [
        m[1],
      ]);
    const row = rows[0];
    if (!row || row.revoked_at || !timingSafeEqual(row.secret_hash, hash(m[2])))
      throw new KamError('token_invalid');
    void this.ds
      .query(
        `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [m[1]],
      )
      .catch(() => undefined);
    return { id: m[1], workspaceId: row.workspace_id, roles: row.roles };
  }

  async list(workspaceId: string): Promise<ApiKeyView[]> {
    const rows: {
      id: string;
      name: string;
      roles: Role[];
      created_by: string;
      created_at: Date;
      last_used_at: Date | null;
      revoked_at: Date | null;
    }[] = await this.ds.query(
      `SELECT id, name, roles, created_by, created_at, last_used_at, revoked_at FROM api_keys WHERE workspace_id = $1 ORDER BY created_at`,
      [workspaceId],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      roles: r.roles,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
      lastUsedAt: r.last_used_at?.toISOString() ?? null,
      revokedAt: r.revoked_at?.toISOString() ?? null,
    }));
  }

  async revoke(workspaceId: string, id: string): Promise<void> {
    const res: [unknown[], number] = await this.ds.query(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL`,
      [id, workspaceId],
    );
    if (!res[1]) throw new KamError('not_found');
  }
}
