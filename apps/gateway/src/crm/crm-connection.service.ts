import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KamError } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { open, parseCrmSecretKey, seal } from './crm-secrets';

/** What the admin sees of a connection: never the API key or the webhook secret. */
export interface CrmConnectionView {
  baseUrl: string;
  apiKeySet: true;
  webhookSecretSet: true;
  webhookUrl: string;
  updatedBy: string;
  updatedAt: string;
}

/** A connection with its secrets opened, for the webhook check and the sync only (never logged). */
export interface CrmConnection {
  workspaceId: string;
  baseUrl: string;
  apiKey: string;
  webhookSecret: string;
}

/** The CRM connection of each workspace, in the gateway's schema; the secrets sealed with AES-256-GCM. */
@Injectable()
export class CrmConnectionService {
  private readonly key: Buffer | undefined;

  constructor(
    private readonly ds: DataSource,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.key = config.KAM_CRM_SECRET_KEY ? parseCrmSecretKey(config.KAM_CRM_SECRET_KEY) : undefined;
  }

  private requireKey(): Buffer {
    if (!this.key) throw new KamError('crm_secret_key_missing');
    return this.key;
  }

  /** Creates or replaces the connection; a secret left out keeps the stored one. */
  async put(
    workspaceId: string,
    input: { baseUrl: string; apiKey?: string; webhookSecret?: string },
    memberId: string,
  ): Promise<CrmConnectionView> {
    const key = this.requireKey();
    const sealedKey = input.apiKey ? seal(key, input.apiKey, workspaceId) : null;
    const sealedSecret = input.webhookSecret ? seal(key, input.webhookSecret, workspaceId) : null;
    const rows: unknown[] = await this.ds.query(
      `INSERT INTO crm_connections (workspace_id, base_url, api_key_sealed, webhook_secret_sealed, updated_by)
       SELECT $1, $2, $3, $4, $5 WHERE $3::bytea IS NOT NULL AND $4::bytea IS NOT NULL
       ON CONFLICT (workspace_id) DO UPDATE SET base_url = EXCLUDED.base_url,
         api_key_sealed = EXCLUDED.api_key_sealed, webhook_secret_sealed = EXCLUDED.webhook_secret_sealed,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING workspace_id`,
      [workspaceId, input.baseUrl, sealedKey, sealedSecret, memberId],
    );
    if (!rows.length) {
      const res: [unknown[], number] = await this.ds.query(
        `UPDATE crm_connections SET base_url = $2, api_key_sealed = coalesce($3, api_key_sealed),
           webhook_secret_sealed = coalesce($4, webhook_secret_sealed), updated_by = $5, updated_at = now()
         WHERE workspace_id = $1`,
        [workspaceId, input.baseUrl, sealedKey, sealedSecret, memberId],
      );
      if (!res[1])
        throw new KamError('validation_failed', { fields: 'apiKey, webhookSecret' }, [
          { field: 'apiKey', message: 'a new connection needs apiKey and webhookSecret' },
        ]);
    }
    return (await this.view(workspaceId))!;
  }

  async view(workspaceId: string): Promise<CrmConnectionView | undefined> {
    const rows: { base_url: string; updated_by: string; updated_at: Date }[] = await this.ds.query(
      `SELECT base_url, updated_by, updated_at FROM crm_connections WHERE workspace_id = $1`,
      [workspaceId],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      baseUrl: r.base_url,
      apiKeySet: true,
      webhookSecretSet: true,
      webhookUrl: `/webhooks/twenty/${workspaceId}`,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at.toISOString(),
    };
  }

  /** The connection with its secrets, or undefined when the workspace has none (or no key is configured). */
  async get(workspaceId: string): Promise<CrmConnection | undefined> {
    if (!this.key) return undefined;
    const rows: { base_url: string; api_key_sealed: Buffer; webhook_secret_sealed: Buffer }[] =
      await this.ds.query(
        `SELECT base_url, api_key_sealed, webhook_secret_sealed FROM crm_connections WHERE workspace_id = $1`,
        [workspaceId],
      );
    const r = rows[0];
    if (!r) return undefined;
    return {
      workspaceId,
      baseUrl: r.base_url,
      apiKey: open(this.key, r.api_key_sealed, workspaceId),
      webhookSecret: open(this.key, r.webhook_secret_sealed, workspaceId),
    };
  }

  async workspaces(): Promise<string[]> {
    const rows: { workspace_id: string }[] = await this.ds.query(`SELECT workspace_id FROM crm_connections`);
    return rows.map((r) => r.workspace_id);
  }
}
