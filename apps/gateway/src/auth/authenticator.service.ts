import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { Actor, KamError } from '@app/contracts';
import { TokenService } from './token.service';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { localeOf } from '../problem/locale';

/** Turns a request's credentials into the actor envelope (DESIGN §3), or a 401. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
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
    return {
      workspaceId: claims.workspaceId,
      memberId: claims.sub,
      roles: claims.roles,
      requestId,
      locale,
      kind: 'user',
    };
  }
}

/** An API key acts as a pseudo-member whose id is derived from the key id (a UUID, for uniform envelopes). */
export function apiKeyMemberId(keyId: string): string {
  return `${keyId.slice(0, 8)}-${keyId.slice(8, 12)}-${keyId.slice(12, 16)}-${keyId.slice(16, 20)}-${keyId.slice(20, 32)}`;
}
