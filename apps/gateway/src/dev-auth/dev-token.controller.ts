import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { KamError, Role, ROLES } from '@app/contracts';
import { Public } from '../auth/auth.decorators';
import { TokenService } from '../auth/token.service';
import { DtoPipe } from '../accounts/dto-pipe';

export class DevTokenRequest {
  @ApiProperty() @IsUUID() workspaceId: string;
  @ApiProperty() @IsUUID() memberId: string;
  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ROLES, { each: true })
  roles: Role[];
  @ApiProperty({ required: false, default: 43200, description: 'At most KAM_TOKEN_MAX_LIFETIME_HOURS' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(720 * 3600)
  ttlSeconds?: number;
}

/** Whether a request reached this gateway from this machine itself, not through a proxy. */
export function isLoopbackRequest(req: Request): boolean {
  const forwarded = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host'].some(
    (h) => req.headers[h] !== undefined,
  );
  const remote = req.socket.remoteAddress ?? '';
  const loopback = /^(127\.|::1$|::ffff:127\.)/.test(remote);
  return loopback && !forwarded;
}

/**
 * Development sign-in: mints any role for any member, so it exists only when the user sets KAM_DEV_AUTH=1
 * themselves (never by default, not by `npm start`), the gateway refuses to start with it on a non-loopback
 * interface (config.ts), and a request that did not come from this machine directly is refused (issue 14, point 3).
 */
@ApiTags('dev')
@Controller('api/v1/dev')
export class DevTokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @Public()
  @HttpCode(201)
  @ApiOperation({ summary: 'Development only: mint a user token' })
  async token(
    @Req() req: Request,
    @Body(new DtoPipe(DevTokenRequest)) body: DevTokenRequest,
  ): Promise<{ token: string }> {
    if (!isLoopbackRequest(req)) throw new KamError('forbidden');
    const ttl = body.ttlSeconds ?? Math.min(43200, this.tokens.maxLifetimeSeconds);
    if (ttl > this.tokens.maxLifetimeSeconds)
      throw new KamError('validation_failed', { fields: 'ttlSeconds' }, [
        {
          field: 'ttlSeconds',
          message: `ttlSeconds must be at most ${this.tokens.maxLifetimeSeconds} (KAM_TOKEN_MAX_LIFETIME_HOURS)`,
        },
      ]);
    return {
      token: await this.tokens.sign(
        { sub: body.memberId, workspaceId: body.workspaceId, roles: body.roles },
        ttl,
      ),
    };
  }
}
