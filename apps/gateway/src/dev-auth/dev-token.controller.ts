import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { Role, ROLES } from '@app/contracts';
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
  @ApiProperty({ required: false, default: 43200 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(2592000)
  ttlSeconds?: number;
}

/** Exists only when KAM_DEV_AUTH=1 (set by `npm start`, never by default). */
@ApiTags('dev')
@Controller('api/v1/dev')
export class DevTokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @Public()
  @HttpCode(201)
  @ApiOperation({ summary: 'Development only: mint a user token' })
  async token(@Body(new DtoPipe(DevTokenRequest)) body: DevTokenRequest): Promise<{ token: string }> {
    return {
      token: await this.tokens.sign(
        { sub: body.memberId, workspaceId: body.workspaceId, roles: body.roles },
        body.ttlSeconds ?? 43200,
      ),
    };
  }
}
