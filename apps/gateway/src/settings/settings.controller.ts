import { Body, Controller, Get, Headers, Patch } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { Actor, SUBJECTS } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { versionFromIfMatch } from '../http/preconditions';
import { VersionETag } from '../http/version-etag';

export class UpdateSettingsDto {
  @ApiProperty({
    description:
      'Settings to change: timeZone, tierLadder, categories, qualification, evaluationWeights, protectedTopTiers, revisitAssignee, complaintSla, discountAuthorityPct',
    example: { timeZone: 'Asia/Shanghai', discountAuthorityPct: 10 },
  })
  @IsObject()
  changes: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: ['policy', 'abc', 'strategic'],
    description: 'Replace the ladder with a preset',
  })
  @IsOptional()
  @IsIn(['policy', 'abc', 'strategic'])
  tierLadderPreset?: string;

  @ApiPropertyOptional({
    description: 'Old tier key → new tier key, required for every dropped tier still in use',
    example: { silver: 'c' },
  })
  @IsOptional()
  @IsObject()
  tierMapping?: Record<string, string>;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

interface SettingsView {
  workspaceId: string;
  version: number;
  settings: Record<string, unknown>;
}

@ApiTags('settings')
@ApiBearerAuth()
@Controller('api/v1/settings')
export class SettingsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @Requires('read', 'Settings')
  @ApiOperation({ summary: "The workspace's settings; the ETag is their version" })
  @VersionETag()
  get(@CurrentActor() actor: Actor): Promise<SettingsView> {
    return this.rpc.request<SettingsView>(SUBJECTS.accounts.settingsGet, actor, {});
  }

  @Get('history')
  @Requires('read', 'Settings')
  history(@CurrentActor() actor: Actor): Promise<unknown[]> {
    return this.rpc.request(SUBJECTS.accounts.settingsHistory, actor, {});
  }

  @Patch()
  @Requires('update', 'Settings')
  @ApiOperation({
    summary: 'Change settings (director or admin); a ladder change maps every dropped tier in use',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  update(
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateSettingsDto)) body: UpdateSettingsDto,
  ): Promise<SettingsView> {
    return this.rpc.request<SettingsView>(SUBJECTS.accounts.settingsUpdate, actor, {
      expectedVersion: versionFromIfMatch(ifMatch),
      ...body,
    });
  }
}
