import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>KAM tabs</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:46rem;color:#222}
code{background:#f3f3f3;padding:0 .3em}li{margin:.3rem 0}</style></head>
<body><h1>KAM · 大客户管理</h1>
<p>These tabs embed in the CRM's record pages. 以下标签页将嵌入 CRM 的记录页面。</p>
<ul>
<li><b>Account tab 客户标签页</b>: tier, health, owner, next revisit, complaints, timeline, contacts</li>
<li><b>Performance tab 绩效标签页</b>: scorecards, payouts, ranking</li>
<li><b>Documents tab 文档标签页</b>: classified documents, access log</li>
<li><b>My work today 今日工作</b>: due revisits, SLA clocks, approvals</li>
</ul>
<p>Until they ship, the REST API serves the same data: <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;

/** Placeholder for the embedded tabs (issue 7). */
@ApiExcludeController()
@Controller('tabs')
export class TabsController {
  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return PAGE;
  }
}
