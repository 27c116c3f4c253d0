import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor, isRole, KamError, Role } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { keyRolesWithin } from './api-key-rules';

export interface ApiKeyIdentity {
  id: string;
  workspaceId: string;
  /** The member the key acts as. */
  ownerId: string;
  roles: Role[];
}

export type ApiKeyRevocation = 'revoked' | 'owner_departed';

export interface ApiKeyView {
  id: string;
  name: string;
  roles: Role[];
  ownerId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedReason: ApiKeyRevocation | null;
}

interface KeyRow {
  id: string;
  name: string;
  roles: Role[];
  owner_id: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: ApiKeyRevocation | null;
}

const COLUMNS = `id, name, roles, owner_id, created_by, created_at, expires_at, last_used_at, revoked_at, revoked_reason`;
const KEY_FORMAT = /^kam_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
const DAY_MS = 24 * 3600 * 1000;

function hash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

function toView(r: KeyRow): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    roles: r.roles,
    ownerId: r.owner_id,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
    revokedReason: r.revoked_reason,
  };
}

/**
 * API keys for service callers (issue 14, point 2), scoped to a workspace and owned by the member who made them:
 * a key acts as its owner with at most the owner's roles, expires (KAM_API_KEY_DEFAULT_DAYS, at most
 * KAM_API_KEY_MAX_DAYS), shows its last use, and dies with its owner's departure. Only a SHA-256 of the secret is
 * stored (256 random bits: a slow hash adds nothing); the full key is shown once, at creation.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly ds: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async create(
    actor: Actor,
    input: { name: string; roles: Role[]; expiresInDays?: number },
  ): Promise<{ key: string; view: ApiKeyView }> {
    // A key never makes keys: whoever holds one could otherwise outlive its expiry by minting the next.
    if (actor.kind !== 'user') throw new KamError('forbidden');
    if (!input.roles.length || !input.roles.every(isRole))
      throw new KamError('validation_failed', { fields: 'roles' });
    const beyond = keyRolesWithin(actor.roles, input.roles);
    if (beyond.length) throw new KamError('api_key_roles_exceed', { roles: beyond.join(', ') });
    const days = input.expiresInDays ?? this.config.KAM_API_KEY_DEFAULT_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > this.config.KAM_API_KEY_MAX_DAYS)
      throw new KamError('validation_failed', { fields: 'expiresInDays' }, [
        {
          field: 'expiresInDays',
          message: `expiresInDays must be a whole number of days from 1 to ${this.config.KAM_API_KEY_MAX_DAYS}`,
        },
      ]);
    const id = randomUUID().replace(/-/g, '');
    const secret = randomBytes(32).toString('base64url');
    const rows: KeyRow[] = await this.ds.query(
      `INSERT INTO api_keys (id, workspace_id, name, roles, secret_hash, owner_id, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, now() + $7 * interval '1 millisecond')
       RETURNING ${COLUMNS}`,
      [id, actor.workspaceId, input.name, input.roles, hash(secret), actor.memberId, days * DAY_MS],
    );
    return { key: `kam_${id}_${secret}`, view: toView(rows[0]) };
  }

  /** The key's identity, or 401: unknown, wrong secret, revoked or expired keys look the same. */
  async verify(key: string): Promise<ApiKeyIdentity> {
    const m = KEY_FORMAT.exec(key);
    if (!m) throw new KamError('token_invalid');
    const rows: {
      workspace_id: string;
      owner_id: string;
      roles: Role[];
      secret_hash: Buffer;
      usable: boolean;
    }[] = await this.ds.query(
      `SELECT workspace_id, owner_id, roles, secret_hash, (revoked_at IS NULL AND expires_at > now()) AS usable
       FROM api_keys WHERE id = $1`,
      [m[1]],
    );
    const row = rows[0];
    if (!row || !timingSafeEqual(row.secret_hash, hash(m[2])) || !row.usable)
      throw new KamError('token_invalid');
    void this.ds
      .query(
        `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [m[1]],
      )
      .catch(() => undefined);
    return { id: m[1], workspaceId: row.workspace_id, ownerId: row.owner_id, roles: row.roles };
  }

  /** The workspace's keys for an admin; a member's own keys for anyone else. */
  async list(actor: Actor, seesAll: boolean): Promise<ApiKeyView[]> {
    const rows: KeyRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM api_keys WHERE workspace_id = $1 AND ($2::boolean OR owner_id = $3::uuid)
       ORDER BY created_at, id`,
      [actor.workspaceId, seesAll, actor.memberId],
    );
    return rows.map(toView);
  }

  async revoke(actor: Actor, id: string, any: boolean): Promise<void> {
    const res: [unknown[], number] = await this.ds.query(
      `UPDATE api_keys SET revoked_at = now(), revoked_reason = 'revoked', revoked_by = $3
       WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL AND ($4::boolean OR owner_id = $3::uuid)`,
      [id, actor.workspaceId, actor.memberId, any],
    );
    if (!res[1]) throw new KamError('not_found');
  }

  /**
   * Staff departure: every key of the leaver still usable is revoked; answers every key the departure revoked (also
   * those revoked by an earlier call or at first use after the departure), for the handover report.
   */
  async revokeForDeparture(workspaceId: string, memberId: string): Promise<ApiKeyView[]> {
    await this.ds.query(
      `UPDATE api_keys SET revoked_at = now(), revoked_reason = 'owner_departed'
       WHERE workspace_id = $1 AND owner_id = $2 AND revoked_at IS NULL`,
      [workspaceId, memberId],
    );
    const rows: KeyRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM api_keys WHERE workspace_id = $1 AND owner_id = $2 AND revoked_reason = 'owner_departed'
       ORDER BY created_at, id`,
      [workspaceId, memberId],
    );
    return rows.map(toView);
  }
}
