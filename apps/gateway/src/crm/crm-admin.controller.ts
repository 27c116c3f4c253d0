import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl, Length } from 'class-validator';
import { Actor, KamError } from '@app/contracts';
import { CurrentActor, RequiresCapability } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { CrmConnectionService, CrmConnectionView } from './crm-connection.service';
import { CrmJobsService } from './crm-jobs.service';
import { CrmSyncService, SyncRunView } from './crm-sync.service';

export class PutCrmConnectionDto {
  @ApiProperty({ example: 'https://crm.example.com', description: "Twenty's base URL (REST is under /rest)" })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @Length(1, 500)
  baseUrl: string;

  @ApiPropertyOptional({ description: 'Twenty API key (Settings → APIs & Webhooks); kept if left out' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  apiKey?: string;

  @ApiPropertyOptional({ description: 'The secret of the webhook created in Twenty; kept if left out' })
  @IsOptional()
  @IsString()
  @Length(8, 500)
  webhookSecret?: string;
}

/**
 * The workspace's connection to Twenty (issue 7). Admin only: the same capability as API keys, since both are
 * credentials of integrations. Secrets are write-only.
 */
@ApiTags('admin')
@ApiBearerAuth()
@RequiresCapability('api-keys:manage')
@Controller('api/v1/admin/crm')
export class CrmAdminController {
  constructor(
    private readonly connections: CrmConnectionService,
    private readonly jobs: CrmJobsService,
    private readonly sync: CrmSyncService,
  ) {}

  @Put()
  @ApiOperation({
    summary:
      'Set the Twenty connection (base URL, API key, webhook secret); secrets stored encrypted. The base URL ' +
      'must be https to a public address unless the deployment lists the host in KAM_CRM_ALLOWED_HOSTS; a ' +
      'change is told to the directors and written to the access log',
  })
  async put(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(PutCrmConnectionDto)) body: PutCrmConnectionDto,
  ): Promise<CrmConnectionView> {
    const view = await this.connections.put(actor, body);
    await this.jobs.schedule(actor.workspaceId);
    return view;
  }

  @Get()
  @ApiOperation({ summary: 'The Twenty connection without its secrets, and the last sync run' })
  async get(@CurrentActor() actor: Actor): Promise<CrmConnectionView & { sync: SyncRunView | null }> {
    const view = await this.connections.view(actor.workspaceId);
    if (!view) throw new KamError('crm_not_configured');
    return { ...view, sync: (await this.sync.state(actor.workspaceId)) ?? null };
  }

  @Post('sync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start the sync now (or let the running one go on); answers at once' })
  async start(@CurrentActor() actor: Actor): Promise<{ jobId: string }> {
    if (!(await this.connections.view(actor.workspaceId))) throw new KamError('crm_not_configured');
    return this.jobs.enqueueSync(actor.workspaceId);
  }
}
