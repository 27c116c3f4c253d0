import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CrmConnectionChangedResult,
  CrmConnectionPart,
  KamError,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { CrmAllowList, normalHost } from './crm-address-policy';
import { CrmHttp } from './crm-http';
import { AccessRecorder } from '../access-log/access-recorder';
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

/** A change of a connection as it is told and logged: the host and what changed, never a key or a secret. */
export interface CrmConnectionChange {
  changeId: string;
  host: string;
  previousHost?: string;
  changed: CrmConnectionPart[];
}

function gatewayActor(workspaceId: string, requestId: string): Actor {
  return { workspaceId, memberId: 'system:gateway', roles: [], requestId, kind: 'system' };
}

/**
 * The CRM connection of each workspace, in the gateway's schema; the secrets sealed with AES-256-GCM. Where it
 * may point is the deployment's decision (KAM_CRM_ALLOWED_HOSTS, see crm-address-policy.ts), and every change
 * is told to the directors and written to the access log (issue 14, point 5).
 */
@Injectable()
export class CrmConnectionService implements OnModuleDestroy {
  private readonly key: Buffer | undefined;
  /** The only way to the CRM: checks every address it connects to, never follows a redirect. */
  readonly http: CrmHttp;

  constructor(
    private readonly ds: DataSource,
    private readonly rpc: RpcClient,
    private readonly recorder: AccessRecorder,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.key = config.KAM_CRM_SECRET_KEY ? parseCrmSecretKey(config.KAM_CRM_SECRET_KEY) : undefined;
    this.http = new CrmHttp(new CrmAllowList(config.KAM_CRM_ALLOWED_HOSTS));
  }

  onModuleDestroy(): void {
    this.http.close();
  }

  private requireKey(): Buffer {
    if (!this.key) throw new KamError('crm_secret_key_missing');
    return this.key;
  }

  /**
   * The base URL if the connection may point there: https to a public address, or what the deployment
   * allow-lists. Its name is resolved now, and every address is checked (each request checks again).
   */
  async allowedBaseUrl(baseUrl: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new KamError('validation_failed', { fields: 'baseUrl' }, [
        { field: 'baseUrl', message: 'baseUrl must be a URL' },
      ]);
    }
    if (url.username || url.password)
      throw new KamError('validation_failed', { fields: 'baseUrl' }, [
        { field: 'baseUrl', message: 'baseUrl must not carry a user name or password; use apiKey' },
      ]);
    const verdict = await this.http.check(url);
    if (!verdict.ok)
      throw new KamError('crm_base_url_not_allowed', { url: url.origin }, [
        {
          field: 'baseUrl',
          message:
            `${verdict.reason}: the CRM must be reached over https at a public address, ` +
            'unless the host is listed in KAM_CRM_ALLOWED_HOSTS',
        },
      ]);
    return url;
  }

  /**
   * Creates or replaces the connection; a secret left out keeps the stored one. A change (another base URL,
   * key or secret) is told to the directors and written to the access log in the same transaction: when either
   * cannot be done, the change is not made (503) and the admin tries again. Saving the same values is no change.
   */
  async put(
    actor: Actor,
    input: { baseUrl: string; apiKey?: string; webhookSecret?: string },
  ): Promise<CrmConnectionView> {
    const key = this.requireKey();
    const { workspaceId, memberId } = actor;
    const url = await this.allowedBaseUrl(input.baseUrl);
    await this.ds.transaction(async (m) => {
      // One change of a workspace's connection at a time, so each is compared with the one before it.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('crm_connection:' || $1))`, [workspaceId]);
      const rows: { base_url: string; api_key_sealed: Buffer; webhook_secret_sealed: Buffer }[] =
        await m.query(
          `SELECT base_url, api_key_sealed, webhook_secret_sealed FROM crm_connections WHERE workspace_id = $1`,
          [workspaceId],
        );
      const before = rows[0];
      if (!before && (!input.apiKey || !input.webhookSecret))
        throw new KamError('validation_failed', { fields: 'apiKey, webhookSecret' }, [
          { field: 'apiKey', message: 'a new connection needs apiKey and webhookSecret' },
        ]);
      const changed: CrmConnectionPart[] = [];
      if (!before || before.base_url !== input.baseUrl) changed.push('baseUrl');
      if (input.apiKey && (!before || open(key, before.api_key_sealed, workspaceId) !== input.apiKey))
        changed.push('apiKey');
      if (
        input.webhookSecret &&
        (!before || open(key, before.webhook_secret_sealed, workspaceId) !== input.webhookSecret)
      )
        changed.push('webhookSecret');
      if (!changed.length) return;
      // Under the lock `before` is the stored row: an unchanged secret is written back as it was.
      const sealedKey = changed.includes('apiKey')
        ? seal(key, input.apiKey!, workspaceId)
        : before!.api_key_sealed;
      const sealedSecret = changed.includes('webhookSecret')
        ? seal(key, input.webhookSecret!, workspaceId)
        : before!.webhook_secret_sealed;
      await m.query(
        `INSERT INTO crm_connections (workspace_id, base_url, api_key_sealed, webhook_secret_sealed, updated_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace_id) DO UPDATE SET base_url = EXCLUDED.base_url,
           api_key_sealed = EXCLUDED.api_key_sealed, webhook_secret_sealed = EXCLUDED.webhook_secret_sealed,
           updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [workspaceId, input.baseUrl, sealedKey, sealedSecret, memberId],
      );
      const previousHost = before ? hostOf(before.base_url) : undefined;
      const change: CrmConnectionChange = {
        changeId: randomUUID(),
        host: normalHost(url.hostname),
        ...(previousHost && previousHost !== normalHost(url.hostname) ? { previousHost } : {}),
        changed,
      };
      await this.recordChange(m, actor, change);
      await this.notifyDirectors(actor, change);
    });
    return (await this.view(workspaceId))!;
  }

  /**
   * The access-log entry of a changed connection: who changed what (the host only, never the key or the secret),
   * in the gateway's outbox in the same transaction as the change (issue 14, points 5 and 6).
   */
  private async recordChange(m: EntityManager, actor: Actor, change: CrmConnectionChange): Promise<void> {
    await this.recorder.recordIn(
      m,
      {
        workspaceId: actor.workspaceId,
        memberId: actor.memberId,
        action: 'configure',
        subject: 'crm_connection',
        method: 'PUT',
        route: '/api/v1/admin/crm',
        details: {
          host: change.host,
          ...(change.previousHost ? { previousHost: change.previousHost } : {}),
          changed: change.changed,
        },
      },
      actor.requestId,
      change.changeId,
    );
  }

  /** The directors' in-app notification (account-management keeps the notifications). */
  private async notifyDirectors(actor: Actor, change: CrmConnectionChange): Promise<void> {
    await this.rpc.request<CrmConnectionChangedResult>(
      SUBJECTS.accounts.crmConnectionChanged,
      gatewayActor(actor.workspaceId, actor.requestId),
      { ...change, changedBy: actor.memberId },
    );
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

/** The host of a stored base URL (for the messages), or the text itself when it is no URL. */
function hostOf(baseUrl: string): string {
  try {
    return normalHost(new URL(baseUrl).hostname);
  } catch {
    return baseUrl.slice(0, 300);
  }
}
