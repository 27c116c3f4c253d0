import { Injectable } from '@nestjs/common';
import {
  Actor,
  ExportAccountsRequest,
  ExportDoneReply,
  ExportPage,
  FieldError,
  ImportAccountsRequest,
  ImportAccountsResult,
  parseDto,
  SUBJECTS,
  validationError,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { AccountExportService } from './account-export.service';
import { AccountImportService } from './account-import.service';

/** NATS face of the CSV export (page by page) and the bulk import. */
@Injectable()
export class AccountTransferHandler {
  constructor(
    private readonly exports: AccountExportService,
    private readonly imports: AccountImportService,
  ) {}

  @RpcHandler(SUBJECTS.accounts.accountExport)
  export(data: unknown, actor: Actor): Promise<ExportPage | ExportDoneReply> {
    const r = parseDto(ExportAccountsRequest, data);
    const errors: FieldError[] = [];
    const need = (ok: boolean, field: string, message: string) => ok || errors.push({ field, message });
    if (r.done) {
      need(!!r.exportId, 'exportId', 'exportId is required to finish an export');
      need(r.rowCount !== undefined, 'rowCount', 'rowCount is required to finish an export');
      if (errors.length) throw validationError(errors);
      return this.exports.finish(actor, r.exportId!, r.rowCount!, r.complete ?? true);
    }
    need(!!r.query, 'query', 'query is required');
    need(!r.cursor || !!r.exportId, 'exportId', 'a next page needs the exportId of the first');
    need(!r.exportId || !!r.cursor, 'cursor', 'a next page needs the cursor of the previous');
    if (errors.length) throw validationError(errors);
    return this.exports.page(
      actor,
      r.query!,
      r.exportId && r.cursor ? { exportId: r.exportId, cursor: r.cursor } : undefined,
    );
  }

  @RpcHandler(SUBJECTS.accounts.accountImport)
  import(data: unknown, actor: Actor): Promise<ImportAccountsResult> {
    const r = parseDto(ImportAccountsRequest, data);
    return this.imports.import(actor, r.accounts, r.idempotencyKey);
  }
}
