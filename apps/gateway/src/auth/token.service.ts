import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, JWTPayload, SignJWT } from 'jose';
import { isRole, KamError, Role } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

export interface UserClaims {
  sub: string;
  workspaceId: string;
  roles: Role[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * User tokens (DESIGN §6): JWT, HS256 with KAM_JWT_SECRET or RS256 from a JWKS URL;
 * claims sub, workspaceId, roles, exp (required).
 */
@Injectable()
export class TokenService {
  private readonly secret?: Uint8Array;
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    if (config.KAM_JWT_SECRET) this.secret = new TextEncoder().encode(config.KAM_JWT_SECRET);
    if (config.KAM_JWKS_URL) this.jwks = createRemoteJWKSet(new URL(config.KAM_JWKS_URL));
  }

  /** Tokens already verified, until they expire (bounded): a busy client pays for one signature check. */
  private readonly verified = new Map<string, { claims: UserClaims; exp: number }>();

  async verify(token: string): Promise<UserClaims> {
    const hit = this.verified.get(token);
    if (hit && hit.exp * 1000 > Date.now()) return hit.claims;
    const { claims, exp } = await this.verifyUncached(token);
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(token, { claims, exp });
    return claims;
  }

  private async verifyUncached(token: string): Promise<{ claims: UserClaims; exp: number }> {
    let payload: JWTPayload;
    try {
      const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
        alg?: string;
      };
      const options = {
        requiredClaims: ['exp', 'sub'],
        issuer: this.config.KAM_JWT_ISSUER,
        clockTolerance: 5,
      };
      if (header.alg === 'HS256' && this.secret) {
        ({ payload } = await jwtVerify(token, this.secret, { ...options, algorithms: ['HS256'] }));
      } else if (header.alg === 'RS256' && this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256'] }));
      } else {
        throw new Error('unsupported alg');
      }
    } catch {
      throw new KamError('token_invalid');
    }
    const { sub, workspaceId, roles } = payload as JWTPayload & { workspaceId?: unknown; roles?: unknown };
    if (
      typeof sub !== 'string' ||
      !UUID.test(sub) ||
      typeof workspaceId !== 'string' ||
      !UUID.test(workspaceId) ||
      !Array.isArray(roles) ||
      roles.length === 0 ||
      !roles.every(isRole)
    ) {
      throw new KamError('token_invalid');
    }
    return { claims: { sub, workspaceId, roles }, exp: typeof payload.exp === 'number' ? payload.exp : 0 };
  }

  /** Signs an HS256 token; used by the dev-token endpoint and by `npm start` to print demo tokens. */
  async sign(claims: UserClaims, ttlSeconds: number): Promise<string> {
    if (!this.secret) throw new KamError('forbidden');
    return signUserToken(this.secret, claims, ttlSeconds);
  }
}

export function signUserToken(secret: Uint8Array, claims: UserClaims, ttlSeconds: number): Promise<string> {
  return new SignJWT({ workspaceId: claims.workspaceId, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secret);
}
