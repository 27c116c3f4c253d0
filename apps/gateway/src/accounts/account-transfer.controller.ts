import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Logger,
  PipeTransform,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  Actor,
  ExportAccountsQuery,
  ExportPage,
  IMPORT_MAX_ACCOUNTS,
  ImportAccountsDto,
  KamError,
  ImportAccountsResult,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from './dto-pipe';
import { idempotencyKeyOf } from '../http/preconditions';
import { CSV_BOM, csvLine } from './csv';

/** A thousand accounts are checked and written in one transaction: more than a plain request's timeout. */
const IMPORT_TIMEOUT_MS = 15_000;

/** Writes a chunk, waiting when the client reads slower than we write; fails when the client went away. */
function write(res: Response, chunk: string): Promise<void> {
  if (res.destroyed) return Promise.reject(new Error('the client went away'));
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      res.off('drain', drained);
      res.off('close', closed);
      if (err) reject(err);
      else resolve();
    };
    const drained = () => done();
    const closed = () => done(new Error('the client went away'));
    res.on('drain', drained);
    res.on('close', closed);
  });
}

/** Resolves when the whole response has been handed to the operating system; false when it never was. */
function finished(res: Response): Promise<boolean> {
  if (res.writableFinished) return Promise.resolve(true);
  return new Promise((resolve) => {
    res.once('finish', () => resolve(true));
    res.once('close', () => resolve(res.writableFinished));
  });
}

/** The import body's envelope: `{ accounts: [1..1000 objects] }` and nothing else. */
class ImportEnvelopePipe implements PipeTransform<unknown, ImportAccountsDto> {
  transform(value: unknown): ImportAccountsDto {
    const bad = (field: string, message: string) =>
      new KamError('validation_failed', { fields: field }, [{ field, message }]);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw bad('(body)', 'must be a JSON object');
    const extra = Object.keys(value).filter((k) => k !== 'accounts');
    if (extra.length)
      throw new KamError(
        'validation_failed',
        { fields: extra.join(', ') },
        extra.map((field) => ({ field, message: `property ${field} should not exist` })),
      );
    const accounts = (value as { accounts?: unknown }).accounts;
    if (!Array.isArray(accounts)) throw bad('accounts', 'accounts must be an array');
    if (accounts.length < 1 || accounts.length > IMPORT_MAX_ACCOUNTS)
      throw bad('accounts', `accounts must hold 1 to ${IMPORT_MAX_ACCOUNTS} accounts`);
    const notObject = accounts.findIndex((a) => a === null || typeof a !== 'object' || Array.isArray(a));
    if (notObject >= 0) throw bad(`accounts.${notObject}`, 'each account must be a JSON object');
    return value as ImportAccountsDto;
  }
}

@ApiTags('accounts')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/accounts')
export class AccountTransferController {
  private readonly logger = new Logger('export');

  constructor(private readonly rpc: RpcClient) {}

  @Get('export')
  @Requires('export', 'Account')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary:
      'CSV of the key accounts the caller may export (the list filters apply); written to the access log',
    description:
      'UTF-8 with a byte-order mark (Excel shows Chinese correctly), a header row (Chinese unless ' +
      'Accept-Language asks for English: then field names), fields the caller may not read left empty.',
  })
  async export(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ExportAccountsQuery)) query: ExportAccountsQuery,
    @Res() res: Response,
  ): Promise<void> {
    // The first page is fetched before anything is written: a refusal is still a problem+json answer.
    let page = await this.rpc.request<ExportPage>(SUBJECTS.accounts.accountExport, actor, { query });
    const { exportId } = page;
    const day = new Date().toISOString().slice(0, 10);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="key-accounts-${day}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Export-Id', exportId);
    let rowCount = 0;
    let complete = false;
    try {
      await write(res, CSV_BOM + csvLine(page.header));
      for (;;) {
        if (page.rows.length) {
          await write(res, page.rows.map(csvLine).join(''));
          rowCount += page.rows.length;
        }
        if (!page.nextCursor) break;
        page = await this.rpc.request<ExportPage>(SUBJECTS.accounts.accountExport, actor, {
          query,
          exportId,
          cursor: page.nextCursor,
        });
      }
      res.end();
      complete = await finished(res);
    } catch (e) {
      // The status line is gone: the only honest signal left is to cut the response short.
      this.logger.warn({ exportId, rowCount, err: (e as Error).message }, 'export stopped');
      res.destroy();
    } finally {
      await this.rpc
        .request(SUBJECTS.accounts.accountExport, actor, { exportId, done: true, rowCount, complete })
        .catch((e: Error) =>
          this.logger.error({ exportId, rowCount, err: e.message }, 'export row count not recorded'),
        );
    }
  }

  @Post('import')
  @HttpCode(201)
  @Requires('create', 'Account')
  @ApiOperation({
    summary:
      'Import 1-1000 key accounts at once: all are created, or none (400 lists every bad row and field)',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ type: ImportAccountsDto })
  import(
    @CurrentActor() actor: Actor,
    // Only the envelope is checked here; every row is validated once, by account-management, which answers the
    // same 400 (row and field of every problem). Validating 1000 rows twice halved the import rate.
    @Body(new ImportEnvelopePipe()) body: ImportAccountsDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ImportAccountsResult> {
    return this.rpc.request<ImportAccountsResult>(
      SUBJECTS.accounts.accountImport,
      actor,
      { accounts: body.accounts, idempotencyKey: idempotencyKeyOf(idempotencyKey) },
      { timeoutMs: IMPORT_TIMEOUT_MS },
    );
  }
}
