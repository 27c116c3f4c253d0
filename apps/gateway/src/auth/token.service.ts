import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, JWTPayload, SignJWT } from 'jose';
import { canonicalId, isRole, KamError, Role } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

export interface UserClaims {
  sub: string;
  workspaceId: string;
  roles: Role[];
}

/**
 * User tokens (DESIGN §6): JWT, HS256 with KAM_JWT_SECRET or RS256 from a JWKS URL;
 * claims sub, workspaceId, roles, exp (required). A token that lives longer than KAM_TOKEN_MAX_LIFETIME_HOURS
 * (from `iat`, or from now when it has none) is refused, and its ids come out in their canonical lower case.
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
    const claims = payload as JWTPayload & { workspaceId?: unknown; roles?: unknown };
    const sub = canonicalId(claims.sub);
    const workspaceId = canonicalId(claims.workspaceId);
    const roles = claims.roles;
    if (!sub || !workspaceId || !Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
      throw new KamError('token_invalid');
    }
    const exp = typeof payload.exp === 'number' ? payload.exp : 0;
    this.checkLifetime(exp, typeof payload.iat === 'number' ? payload.iat : undefined);
    return { claims: { sub, workspaceId, roles }, exp };
  }

  /** Issue 14, point 12: no token is accepted for longer than the deployment allows (24 h by default). */
  private checkLifetime(exp: number, iat: number | undefined): void {
    const max = this.config.KAM_TOKEN_MAX_LIFETIME_HOURS * 3600;
    const now = Math.floor(Date.now() / 1000);
    const tolerance = 5;
    if (
      exp - now > max + tolerance ||
      (iat !== undefined && (exp - iat > max + tolerance || iat > now + tolerance))
    )
      throw new KamError('token_lifetime_exceeded', { hours: this.config.KAM_TOKEN_MAX_LIFETIME_HOURS });
  }

  /** The longest a token may live, in seconds (the dev mint and the demo tokens stay within it). */
  get maxLifetimeSeconds(): number {
    return this.config.KAM_TOKEN_MAX_LIFETIME_HOURS * 3600;
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
