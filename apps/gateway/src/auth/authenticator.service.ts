import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { Actor, KamError, MemberAuthCheckReply, Role, SUBJECTS } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { TokenService } from './token.service';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { localeOf } from '../problem/locale';
import { AuthedRequest } from './auth.decorators';

type MemberStatus = 'active' | 'departed' | 'unknown';

interface MemberCheck {
  status: MemberStatus;
  /** The roles the member holds in the workspace (account-management's record). */
  roles: Role[];
}

/** Turns a request's credentials into the actor envelope (DESIGN §3), or a 401. */
@Injectable()
export class Authenticator {
  /** Member status answers: fresh for 2 s; used for up to 5 min when account-management cannot answer. */
  private readonly status = new Map<string, MemberCheck & { at: number }>();

  constructor(
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly rpc: RpcClient,
  ) {}

  async authenticate(req: Request, bearerOverride?: string): Promise<Actor> {
    const requestId = req.id === undefined ? randomUUID() : String(req.id);
    const locale = localeOf(req.headers['accept-language']);
    const apiKey = req.headers['x-api-key'];
    let actor: Actor;
    if (typeof apiKey === 'string' && apiKey) {
      // A key acts as the member who owns it, with at most that member's roles (issue 14, point 2).
      const key = await this.apiKeys.verify(apiKey);
      actor = {
        workspaceId: key.workspaceId,
        memberId: key.ownerId,
        roles: key.roles,
        requestId,
        locale,
        kind: 'api_key',
      };
    } else {
      const auth = req.headers.authorization;
      let token = bearerOverride;
      if (!token && typeof auth === 'string') {
        const m = /^Bearer\s+(\S+)$/i.exec(auth);
        if (!m) throw new KamError('token_invalid');
        token = m[1];
      }
      if (!token) throw new KamError('unauthenticated');
      const claims = await this.tokens.verify(token);
      actor = {
        workspaceId: claims.workspaceId,
        memberId: claims.sub,
        roles: claims.roles,
        requestId,
        locale,
        kind: 'user',
      };
    }
    const { status, roles: held } = await this.checkOf(actor);
    if (status === 'unknown') throw new KamError('member_unknown');
    if (status === 'departed') {
      // The leaver's keys die with the departure, also when the departure itself did not reach us.
      if (actor.kind === 'api_key')
        await this.apiKeys.revokeForDeparture(actor.workspaceId, actor.memberId).catch(() => undefined);
      // Named in the refusal's access-log entry (issue 6 point 7, issue 14 point 6), written by whoever answers.
      (req as AuthedRequest).refusedActor = actor;
      throw new KamError('member_departed');
    }
    // A token or key acts with the roles it names that the member holds, never more (issue 14): a role given up or
    // never given is not a role, whoever signed the token. None left: refused (and in the access log).
    const roles = actor.roles.filter((r) => held.includes(r));
    if (!roles.length) {
      (req as AuthedRequest).refusedActor = actor;
      throw new KamError('forbidden');
    }
    return roles.length === actor.roles.length ? actor : { ...actor, roles };
  }

  /**
   * A departed member's tokens and keys are refused here too, not only by the services that own records; a member
   * the workspace has never had is told so (`member_unknown`).
   */
  private async checkOf(actor: Actor): Promise<MemberCheck> {
    const key = `${actor.workspaceId}|${actor.memberId}`;
    const now = Date.now();
    const known = this.status.get(key);
    if (known && now - known.at < 2000) return known;
    try {
      const reply = await this.rpc.request<MemberAuthCheckReply>(
        SUBJECTS.accounts.memberAuthCheck,
        actor,
        {},
        { timeoutMs: 1500 },
      );
      const check: MemberCheck = {
        status: !reply.known ? 'unknown' : reply.active ? 'active' : 'departed',
        roles: reply.roles ?? [],
      };
      if (this.status.size >= 10_000) this.status.clear();
      this.status.set(key, { ...check, at: now });
      return check;
    } catch (e) {
      // While account-management is down, a recent answer stands (up to 5 minutes).
      if (known && e instanceof KamError && e.code === 'service_unavailable' && now - known.at < 300_000)
        return known;
      throw e;
    }
  }
}
