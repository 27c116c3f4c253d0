import { Injectable } from '@nestjs/common';
import {
  Actor,
  CreateExportRequestRequest,
  DecideExportRequestRequest,
  DocumentIdRequest,
  ExportDocumentsRequest,
  ListExportRequestsRequest,
  parseDto,
  RedeemExportRequest,
  SUBJECTS,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { ExportRequestsService } from './export-requests.service';

/** NATS face of export controls (issue 6, point 5). */
@Injectable()
export class ExportRequestsHandler {
  constructor(private readonly exports: ExportRequestsService) {}

  @RpcHandler(SUBJECTS.documents.exportRequestCreate)
  create(data: unknown, actor: Actor) {
    return this.exports.create(actor, parseDto(CreateExportRequestRequest, data).data);
  }

  @RpcHandler(SUBJECTS.documents.exportRequestList)
  list(data: unknown, actor: Actor) {
    return this.exports.list(actor, parseDto(ListExportRequestsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.documents.exportRequestGet)
  get(data: unknown, actor: Actor) {
    return this.exports.get(actor, parseDto(DocumentIdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.documents.exportRequestDecide)
  decide(data: unknown, actor: Actor) {
    const r = parseDto(DecideExportRequestRequest, data);
    return this.exports.decide(actor, r.id, r.data);
  }

  @RpcHandler(SUBJECTS.documents.exportRequestRedeem)
  redeem(data: unknown, actor: Actor) {
    return this.exports.redeemAccounts(actor, parseDto(RedeemExportRequest, data));
  }

  @RpcHandler(SUBJECTS.documents.documentExport)
  exportDocuments(data: unknown, actor: Actor) {
    return this.exports.exportDocuments(actor, parseDto(ExportDocumentsRequest, data).data);
  }
}
