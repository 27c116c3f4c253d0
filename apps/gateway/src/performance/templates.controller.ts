import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  CreateTemplateDto,
  KamError,
  SUBJECTS,
  TEMPLATE_POSITION,
  TemplateView,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { idempotencyKeyOf } from '../http/preconditions';
import { VersionETag } from '../http/version-etag';

/** Scorecard templates (考核表) per position, versioned; the policy's defaults on first use. */
@ApiTags('performance')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/performance/templates')
export class TemplatesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @Requires('read', 'ScorecardTemplate')
  @ApiOperation({
    summary: 'The active template of every position (sales 60/20/20 and clerk 20/30/40/10 by default)',
  })
  list(@CurrentActor() actor: Actor): Promise<TemplateView[]> {
    return this.rpc.request(SUBJECTS.performance.templateList, actor, {});
  }

  @Get(':position/versions')
  @Requires('read', 'ScorecardTemplate')
  @ApiOperation({ summary: "Every version of a position's template, newest first" })
  versions(@CurrentActor() actor: Actor, @Param('position') position: string): Promise<TemplateView[]> {
    if (!TEMPLATE_POSITION.test(position))
      throw new KamError('validation_failed', { fields: 'position' }, [
        { field: 'position', message: 'position must be a slug: a-z, 0-9, _ or -' },
      ]);
    return this.rpc.request(SUBJECTS.performance.templateVersions, actor, { position });
  }

  @Post()
  @HttpCode(201)
  @Requires('create', 'ScorecardTemplate')
  @ApiOperation({
    summary:
      'The next version of a position’s template (weights add up to 100); the previous version stays, inactive',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  create(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(CreateTemplateDto)) body: CreateTemplateDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<TemplateView> {
    return this.rpc.request<TemplateView>(SUBJECTS.performance.templateCreate, actor, {
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }
}
