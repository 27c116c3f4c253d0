import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { Actor, KamError, MemberAuthCheckReply, SUBJECTS } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { TokenService } from './token.service';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { localeOf } from '../problem/locale';

const DOCUMENT_ROUTE =
  /^\/api\/v1\/documents\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/i;

/** Turns a request's credentials into the actor envelope (DESIGN §3), or a 401. */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger(Authenticator.name);
  /** Member status answers: fresh for 2 s; used for up to 5 min when account-management cannot answer. */
  private readonly status = new Map<string, { active: boolean; at: number }>();

  constructor(
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly rpc: RpcClient,
  ) {}

  async authenticate(req: Request, bearerOverride?: string): Promise<Actor> {
    const requestId = req.id === undefined ? randomUUID() : String(req.id);
    const locale = localeOf(req.headers['accept-language']);
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey) {
      const key = await this.apiKeys.verify(apiKey);
      return {
        workspaceId: key.workspaceId,
        memberId: apiKeyMemberId(key.id),
        roles: key.roles,
        requestId,
        locale,
        kind: 'api_key',
      };
    }
    const auth = req.headers.authorization;
    let token = bearerOverride;
    if (!token && typeof auth === 'string') {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!m) throw new KamError('token_invalid');
      token = m[1];
    }
    if (!token) throw new KamError('unauthenticated');
    const claims = await this.tokens.verify(token);
    const actor: Actor = {
      workspaceId: claims.workspaceId,
      memberId: claims.sub,
      roles: claims.roles,
      requestId,
      locale,
      kind: 'user',
    };
    if (!(await this.isActive(actor))) {
      await this.logDeparted(actor, req);
      throw new KamError('member_departed');
    }
    return actor;
  }

  /**
   * Issue 6, point 7: every later attempt by a leaver is denied and logged — also the ones refused here, before any
   * service sees them. The entry names the route (never its query, which may carry a token) and the document when
   * the route is one. Best effort: when document-security cannot be reached the refusal stands all the same.
   */
  private async logDeparted(actor: Actor, req: Request): Promise<void> {
    const route = req.path ?? '';
    const doc = DOCUMENT_ROUTE.exec(route);
    try {
      await this.rpc.request(
        SUBJECTS.documents.accessLogAppend,
        {
          workspaceId: actor.workspaceId,
          memberId: 'system:gateway',
          roles: [],
          requestId: actor.requestId,
          kind: 'system',
        },
        {
          memberId: actor.memberId,
          action: 'denied',
          subject: doc ? 'document' : 'request',
          ...(doc ? { documentId: doc[1].toLowerCase() } : {}),
          details: {
            reason: 'member_departed',
            via: 'gateway',
            method: req.method,
            route: route.slice(0, 300),
          },
        },
        { timeoutMs: 1500 },
      );
    } catch (e) {
      this.logger.warn(
        { err: e instanceof Error ? e.message : String(e), requestId: actor.requestId },
        'departed member attempt not logged',
      );
    }
  }

  /** A departed member's tokens are refused here too, not only by the services that own records. */
  private async isActive(actor: Actor): Promise<boolean> {
    const key = `${actor.workspaceId}|${actor.memberId}`;
    const now = Date.now();
    const known = this.status.get(key);
    if (known && now - known.at < 2000) return known.active;
    try {
      const reply = await this.rpc.request<MemberAuthCheckReply>(
        SUBJECTS.accounts.memberAuthCheck,
        actor,
        {},
        { timeoutMs: 1500 },
      );
      if (this.status.size >= 10_000) this.status.clear();
      this.status.set(key, { active: reply.active, at: now });
      return reply.active;
    } catch (e) {
      // While account-management is down, a recent answer stands (up to 5 minutes).
      if (known && e instanceof KamError && e.code === 'service_unavailable' && now - known.at < 300_000)
        return known.active;
      throw e;
    }
  }
}

/** An API key acts as a pseudo-member whose id is derived from the key id (a UUID, for uniform envelopes). */
export function apiKeyMemberId(keyId: string): string {
  return `${keyId.slice(0, 8)}-${keyId.slice(8, 12)}-${keyId.slice(12, 16)}-${keyId.slice(16, 20)}-${keyId.slice(20, 32)}`;
}
