import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { KamError } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/** The audience of an operator token: no workspace token has it, and it is signed with another secret. */
export const OPERATOR_AUDIENCE = 'kam:operator';
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The deployment operator (DESIGN §6): not a member of any workspace, never a workspace role. */
export interface Operator {
  name: string;
  /** `operator:<name>`: how the operator appears in a workspace's access log. */
  memberId: string;
}

/**
 * Operator tokens (issue 14, point 1): HS256 JWTs signed with KAM_OPERATOR_SECRET — a secret of the deployment, not
 * KAM_JWT_SECRET, so no user token can be an operator token — with `aud: kam:operator`, the operator's name as `sub`,
 * and a lifetime of at most KAM_TOKEN_MAX_LIFETIME_HOURS. `npm run kam -- operator-token` mints one from the secret.
 * Without the secret there is no operator, and the raw job console is closed to everyone.
 */
@Injectable()
export class OperatorService {
  private readonly secret?: Uint8Array;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    if (config.KAM_OPERATOR_SECRET) this.secret = new TextEncoder().encode(config.KAM_OPERATOR_SECRET);
  }

  /** Whether the token claims to be an operator's (checked by `verify`, not by this). */
  static claimsOperator(token: string): boolean {
    try {
      const aud = decodeJwt(token).aud;
      return aud === OPERATOR_AUDIENCE || (Array.isArray(aud) && aud.includes(OPERATOR_AUDIENCE));
    } catch {
      return false;
    }
  }

  async verify(token: string): Promise<Operator> {
    if (!this.secret) throw new KamError('token_invalid');
    let sub: unknown;
    let exp: number | undefined;
    let iat: number | undefined;
    try {
      ({
        payload: { sub, exp, iat },
      } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        audience: OPERATOR_AUDIENCE,
        requiredClaims: ['exp', 'sub', 'iat'],
        clockTolerance: 5,
      }));
    } catch {
      throw new KamError('token_invalid');
    }
    if (typeof sub !== 'string' || !NAME.test(sub)) throw new KamError('token_invalid');
    const max = this.config.KAM_TOKEN_MAX_LIFETIME_HOURS * 3600;
    if (exp === undefined || iat === undefined || exp - iat > max + 5)
      throw new KamError('token_lifetime_exceeded', { hours: this.config.KAM_TOKEN_MAX_LIFETIME_HOURS });
    return { name: sub, memberId: `operator:${sub}` };
  }
}

/** Signs an operator token (used by `npm run kam -- operator-token` and `npm start`). */
export function signOperatorToken(secret: string, name: string, ttlSeconds: number): Promise<string> {
  if (!NAME.test(name)) throw new Error(`operator name must match ${NAME}`);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(OPERATOR_AUDIENCE)
    .setSubject(name)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
