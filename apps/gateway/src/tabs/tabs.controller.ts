import { Controller, Get, Headers, Inject, Param, Query, Redirect, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { KamError } from '@app/contracts';
import { Public } from '../auth/auth.decorators';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { TabAssets } from './tab-assets';
import { contentSecurityPolicy, pickLocale, renderTabPage, TAB_NAMES, TabName } from './tab-page';

/**
 * The embedded CRM tabs (issue 7): public HTML shells and their scripts and styles. They carry no data; the
 * scripts call the REST API with the user's token, which never travels in a URL to the server.
 */
@ApiExcludeController()
@Controller('tabs')
export class TabsController {
  private readonly csp: string;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly assets: TabAssets,
  ) {
    this.csp = contentSecurityPolicy(config.KAM_CRM_ORIGINS);
    this.origins = config.KAM_CRM_ORIGINS;
  }

  private readonly origins: readonly string[];

  @Get()
  @Public()
  @Redirect('/tabs/today', 302)
  index(): void {}

  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() res: Response): void {
    const asset = this.assets.get(file);
    if (!asset) throw new KamError('not_found');
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(asset.body);
  }

  @Get(':tab')
  @Public()
  page(
    @Param('tab') tab: string,
    @Query('lang') lang: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() res: Response,
  ): void {
    if (!(TAB_NAMES as readonly string[]).includes(tab)) throw new KamError('not_found');
    const html = renderTabPage({
      tab: tab as TabName,
      locale: pickLocale(typeof lang === 'string' ? lang : undefined, acceptLanguage),
      crmOrigins: this.origins,
      assetVersion: this.assets.version,
    });
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', this.csp);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Vary', 'Accept-Language');
    res.send(html);
  }
}
