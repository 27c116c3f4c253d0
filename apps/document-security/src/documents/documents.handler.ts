import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AddVersionRequest,
  Actor,
  CreateDocumentRequest,
  CreateGrantRequest,
  DocumentIdRequest,
  DownloadDocumentRequest,
  InvestigateRequest,
  KamError,
  ListAccessLogRequest,
  ListDocumentsRequest,
  parseDto,
  RevokeGrantRequest,
  RotateKeysResult,
  SUBJECTS,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { AccessLogService } from '../access-log/access-log.service';
import { KEY_RING, KeyRing } from '../keys/key-ring';
import { rotateDataKeys } from '../keys/rotate-keys';
import { DocumentGrantsService } from './document-grants.service';
import { DocumentSchedulesService } from './document-schedules.service';
import { DocumentsService } from './documents.service';

/** NATS face of documents, grants and the access log. Thin: validate again (never trust the edge), then the use case. */
@Injectable()
export class DocumentsHandler {
  constructor(
    private readonly ds: DataSource,
    private readonly documents: DocumentsService,
    private readonly grants: DocumentGrantsService,
    private readonly accessLog: AccessLogService,
    private readonly schedules: DocumentSchedulesService,
    @Inject(KEY_RING) private readonly keys: KeyRing,
  ) {}

  @RpcHandler(SUBJECTS.documents.documentCreate)
  async create(data: unknown, actor: Actor) {
    const r = parseDto(CreateDocumentRequest, data);
    const view = await this.documents.create(actor, r.data, r.file);
    await this.schedules.ensure(actor.workspaceId);
    return view;
  }

  @RpcHandler(SUBJECTS.documents.documentAddVersion)
  addVersion(data: unknown, actor: Actor) {
    const r = parseDto(AddVersionRequest, data);
    return this.documents.addVersion(actor, r.id, r.file);
  }

  @RpcHandler(SUBJECTS.documents.documentList)
  list(data: unknown, actor: Actor) {
    return this.documents.list(actor, parseDto(ListDocumentsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.documents.documentGet)
  get(data: unknown, actor: Actor) {
    return this.documents.get(actor, parseDto(DocumentIdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.documents.documentDownload)
  download(data: unknown, actor: Actor) {
    const r = parseDto(DownloadDocumentRequest, data);
    return this.documents.download(actor, r.id, r.query.version);
  }

  @RpcHandler(SUBJECTS.documents.grantCreate)
  createGrant(data: unknown, actor: Actor) {
    const r = parseDto(CreateGrantRequest, data);
    return this.grants.create(actor, r.id, r.data);
  }

  @RpcHandler(SUBJECTS.documents.grantRevoke)
  revokeGrant(data: unknown, actor: Actor) {
    const r = parseDto(RevokeGrantRequest, data);
    return this.grants.revoke(actor, r.id, r.grantId);
  }

  @RpcHandler(SUBJECTS.documents.grantList)
  listGrants(data: unknown, actor: Actor) {
    return this.grants.list(actor, parseDto(DocumentIdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.documents.accessLogList)
  listLog(data: unknown, actor: Actor) {
    return this.accessLog.list(actor, parseDto(ListAccessLogRequest, data).query);
  }

  @RpcHandler(SUBJECTS.documents.accessLogVerify)
  verify(_data: unknown, actor: Actor) {
    return this.accessLog.verify(actor);
  }

  @RpcHandler(SUBJECTS.documents.accessLogInvestigate)
  investigate(data: unknown, actor: Actor) {
    return this.accessLog.investigate(actor, parseDto(InvestigateRequest, data).query);
  }

  /** Admin only: re-wraps every data key with the current master key (content untouched). */
  @RpcHandler(SUBJECTS.documents.keysRotate)
  rotate(_data: unknown, actor: Actor): Promise<RotateKeysResult> {
    if (actor.kind !== 'system' && !actor.roles.includes('admin')) throw new KamError('forbidden');
    return rotateDataKeys((sql, params) => this.ds.query(sql, params), this.keys);
  }
}
