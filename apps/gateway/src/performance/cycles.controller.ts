import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  Actor,
  CycleView,
  KamError,
  MONTH_PATTERN,
  OpenCycleDto,
  PayrollQuery,
  PayrollRow,
  PublishCycleDto,
  RankingView,
  RunPerformanceJobDto,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires, RequiresCapability } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { payrollCsv, payrollXlsx } from './payroll-file';

/** A path month that is not YYYY-MM is a 400 naming the parameter. */
export function monthParam(month: string): string {
  if (!MONTH_PATTERN.test(month))
    throw new KamError('validation_failed', { fields: 'month' }, [
      { field: 'month', message: 'month must be YYYY-MM' },
    ]);
  return month;
}

/** The monthly evaluation cycle (绩效考核): open, collect, publish, approve, lock; ranking and payroll. */
@ApiTags('performance')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class CyclesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('performance/cycles')
  @Requires('read', 'PerformanceCycle')
  @ApiOperation({ summary: 'Evaluation cycles, newest month first, with scorecard counts per state' })
  list(@CurrentActor() actor: Actor): Promise<CycleView[]> {
    return this.rpc.request(SUBJECTS.performance.cycleList, actor, {});
  }

  @Post('performance/cycles')
  @HttpCode(201)
  @Requires('create', 'PerformanceCycle')
  @ApiOperation({
    summary:
      'Open the cycle of a month and collect its metrics (the job does this on the 1st for the month before); 409 if open',
  })
  open(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(OpenCycleDto)) body: OpenCycleDto,
  ): Promise<CycleView> {
    return this.rpc.request(
      SUBJECTS.performance.cycleOpen,
      actor,
      { month: body.month },
      { timeoutMs: 120_000 },
    );
  }

  @Get('performance/cycles/:month')
  @Requires('read', 'PerformanceCycle')
  @ApiOperation({
    summary: 'One cycle: state, department result (sales against target and challenge), counts',
  })
  get(@CurrentActor() actor: Actor, @Param('month') month: string): Promise<CycleView> {
    return this.rpc.request(SUBJECTS.performance.cycleGet, actor, { month: monthParam(month) });
  }

  @Post('performance/cycles/:month/collect')
  @HttpCode(200)
  @Requires('update', 'PerformanceCycle')
  @ApiOperation({
    summary:
      'Collect the metrics again before the lock (same inputs, same result); published cards keep theirs',
  })
  collect(@CurrentActor() actor: Actor, @Param('month') month: string): Promise<CycleView> {
    return this.rpc.request(
      SUBJECTS.performance.cycleCollect,
      actor,
      { month: monthParam(month) },
      { timeoutMs: 120_000 },
    );
  }

  @Post('performance/cycles/:month/publish')
  @HttpCode(200)
  @Requires('publish', 'Scorecard')
  @ApiOperation({ summary: 'Publish every rated scorecard the caller may publish (optionally one team)' })
  publish(
    @CurrentActor() actor: Actor,
    @Param('month') month: string,
    @Body(new DtoPipe(PublishCycleDto)) body: PublishCycleDto,
  ): Promise<{ published: number }> {
    return this.rpc.request(SUBJECTS.performance.cyclePublish, actor, {
      month: monthParam(month),
      data: body,
    });
  }

  @Post('performance/cycles/:month/approve')
  @HttpCode(200)
  @Requires('approve', 'Scorecard')
  @ApiOperation({
    summary: 'Director: approve every scorecard that is acknowledged or past its 5-day appeal window',
  })
  approve(
    @CurrentActor() actor: Actor,
    @Param('month') month: string,
  ): Promise<{ approved: number; waiting: number }> {
    return this.rpc.request(SUBJECTS.performance.cycleApprove, actor, { month: monthParam(month) });
  }

  @Post('performance/cycles/:month/lock')
  @HttpCode(200)
  @Requires('lock', 'PerformanceCycle')
  @ApiOperation({
    summary: 'Director: lock the month — payouts, ranks and 末位 warnings frozen; nothing changes afterwards',
  })
  lock(@CurrentActor() actor: Actor, @Param('month') month: string): Promise<CycleView> {
    return this.rpc.request(
      SUBJECTS.performance.cycleLock,
      actor,
      { month: monthParam(month) },
      { timeoutMs: 120_000 },
    );
  }

  @Get('performance/cycles/:month/ranking')
  @Requires('read', 'Scorecard')
  @ApiOperation({ summary: 'Ranking within each position (rows the caller may see; ranks over everyone)' })
  ranking(@CurrentActor() actor: Actor, @Param('month') month: string): Promise<RankingView> {
    return this.rpc.request(SUBJECTS.performance.cycleRanking, actor, { month: monthParam(month) });
  }

  @Get('performance/cycles/:month/payroll')
  @Requires('export', 'Scorecard')
  @ApiOperation({ summary: 'Payroll export of a locked month: CSV (default), XLSX or JSON; amounts in yuan' })
  @ApiProduces(
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/json',
  )
  async payroll(
    @CurrentActor() actor: Actor,
    @Param('month') month: string,
    @Query(new DtoPipe(PayrollQuery)) query: PayrollQuery,
    @Res() res: Response,
  ): Promise<void> {
    const rows = await this.rpc.request<PayrollRow[]>(
      SUBJECTS.performance.cyclePayroll,
      actor,
      { month: monthParam(month) },
      { timeoutMs: 60_000 },
    );
    const locale = actor.locale ?? 'zh-CN';
    const format = query.format ?? 'csv';
    if (format === 'json') {
      res.json(rows);
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    if (format === 'xlsx') {
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="payroll-${month}.xlsx"`);
      res.send(await payrollXlsx(rows, month, locale));
      return;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="payroll-${month}.csv"`);
    res.send(payrollCsv(rows, locale));
  }

  @Post('admin/jobs/performance/open-cycles/run')
  @HttpCode(200)
  @RequiresCapability('jobs:console')
  @ApiOperation({
    summary: "Run the 1st-of-month job now (as of `asOf`): open the month before's cycle; wait for it",
  })
  runOpenCycles(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(RunPerformanceJobDto)) body: RunPerformanceJobDto,
  ): Promise<{ month: string; opened: boolean; scorecards: number }> {
    return this.rpc.request(
      SUBJECTS.performance.runOpenCycles,
      actor,
      { data: body },
      { timeoutMs: 130_000 },
    );
  }

  @Post('admin/jobs/performance/rating-reminders/run')
  @HttpCode(200)
  @RequiresCapability('jobs:console')
  @ApiOperation({ summary: 'Run the daily reminder of unrated scorecards now and wait for it' })
  runReminders(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(RunPerformanceJobDto)) body: RunPerformanceJobDto,
  ): Promise<{ raters: number; scorecards: number }> {
    return this.rpc.request(
      SUBJECTS.performance.runRatingReminders,
      actor,
      { data: body },
      { timeoutMs: 130_000 },
    );
  }
}
