import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { Actor, KamError, Role, ROLES } from '@app/contracts';
import { hasCapability } from '@app/authz';
import { CurrentActor } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { ApiKeysService, ApiKeyView } from './api-keys.service';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'BI 报表同步' }) @IsString() @Length(1, 100) name: string;

  @ApiProperty({ enum: ROLES, isArray: true, description: 'At most the roles the creator holds' })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @ApiPropertyOptional({ example: 90, description: 'Days until the key expires (default 90, at most 365)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expiresInDays?: number;
}

/** Key ids are 32 hex digits (the key is `kam_<id>_<secret>`). */
const keyIdParam = {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !/^[0-9a-fA-F]{32}$/.test(value))
      throw new KamError('validation_failed', { fields: 'id' }, [
        { field: 'id', message: 'id must be an API key id (32 hex digits)' },
      ]);
    return value.toLowerCase();
  },
};

/** Keys are made, listed and revoked by people with their own token: a key never manages keys. */
function userOnly(actor: Actor): void {
  if (actor.kind !== 'user') throw new KamError('forbidden');
}

/**
 * API keys (issue 14, point 2). Every member may make keys for themselves with at most their own roles; the admin
 * (who holds only `admin`) makes integration keys. The admin lists and revokes every key of the workspace, everyone
 * else their own. `admin/api-keys` is the same resource under its older path.
 */
@ApiTags('api-keys')
@ApiBearerAuth()
@Controller(['api/v1/api-keys', 'api/v1/admin/api-keys'])
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an API key acting as you, with at most your roles; it expires; the key is shown once',
  })
  create(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(CreateApiKeyDto)) body: CreateApiKeyDto,
  ): Promise<{ key: string; view: ApiKeyView }> {
    userOnly(actor);
    return this.keys.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your keys (the admin: every key of the workspace), with expiry and last use' })
  list(@CurrentActor() actor: Actor): Promise<ApiKeyView[]> {
    userOnly(actor);
    return this.keys.list(actor, hasCapability(actor.roles, 'api-keys:manage'));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key of yours (the admin: any key of the workspace)' })
  revoke(@CurrentActor() actor: Actor, @Param('id', keyIdParam) id: string): Promise<void> {
    userOnly(actor);
    return this.keys.revoke(actor, id, hasCapability(actor.roles, 'api-keys:manage'));
  }
}
