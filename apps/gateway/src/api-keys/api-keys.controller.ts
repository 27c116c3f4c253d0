import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsString, Length } from 'class-validator';
import { Actor, Role, ROLES } from '@app/contracts';
import { CurrentActor, RequiresCapability } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { ApiKeysService, ApiKeyView } from './api-keys.service';

export class CreateApiKeyDto {
  @ApiProperty() @IsString() @Length(1, 100) name: string;
  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ROLES, { each: true })
  roles: Role[];
}

@ApiTags('admin')
@ApiBearerAuth()
@RequiresCapability('api-keys:manage')
@Controller('api/v1/admin/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key for a service caller; the key is shown once' })
  create(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(CreateApiKeyDto)) body: CreateApiKeyDto,
  ): Promise<{ key: string; view: ApiKeyView }> {
    return this.keys.create(actor.workspaceId, body.name, body.roles, actor.memberId);
  }

  @Get()
  list(@CurrentActor() actor: Actor): Promise<ApiKeyView[]> {
    return this.keys.list(actor.workspaceId);
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    return this.keys.revoke(actor.workspaceId, id);
  }
}
