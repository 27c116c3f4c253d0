import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import {
  AccessLogEntryView,
  AccessLogVerification,
  Actor,
  CreateDocumentFields,
  CreateGrantDto,
  DocumentDownloadView,
  DocumentView,
  DownloadDocumentQuery,
  GrantView,
  InvestigateQuery,
  InvestigationView,
  KamError,
  ListAccessLogQuery,
  ListDocumentsQuery,
  Page,
  parseDto,
  RotateKeysResult,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient, TransferBucket } from '@app/messaging';
import { CurrentActor } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { DocumentUpload, UploadedFile } from './document-upload';
import { sendTransfer } from './transfer-response';
import { uuidPathParam } from '../http/path-params';

const uuid = uuidPathParam;

/** Uploads and downloads move up to 25 MB through the transfer bucket and AES-GCM: more than the usual timeout. */
const TRANSFER_TIMEOUT_MS = 30_000;

/**
 * Documents (issue 6): classified, encrypted at rest, versioned; every view, download, share and denied attempt
 * goes to the access log. The bytes travel through a JetStream object store, never in a NATS message (ADR 0010).
 * Permissions are decided by document-security, record by record.
 */
@ApiTags('documents')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class DocumentsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly upload: DocumentUpload,
    private readonly bucket: TransferBucket,
  ) {}

  /** Puts the file into the bucket, asks the service, and never leaves it there. */
  private async send<T>(
    subject: string,
    actor: Actor,
    file: UploadedFile,
    data: Record<string, unknown>,
  ): Promise<T> {
    const objectName = `up.${randomUUID()}`;
    await this.bucket.put(objectName, file.buffer);
    try {
      return await this.rpc.request<T>(
        subject,
        actor,
        {
          ...data,
          file: { objectName, fileName: file.originalname, declaredType: file.mimetype, size: file.size },
        },
        { timeoutMs: TRANSFER_TIMEOUT_MS },
      );
    } finally {
      await this.bucket.discard(objectName);
    }
  }

  @Post('documents')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'kind', 'classification', 'title'],
      properties: {
        file: { type: 'string', format: 'binary' },
        kind: { type: 'string' },
        classification: { type: 'string' },
        title: { type: 'string' },
        accountId: { type: 'string', format: 'uuid' },
        ownerId: { type: 'string', format: 'uuid' },
        retentionUntil: { type: 'string', format: 'date' },
      },
    },
  })
  @ApiOperation({
    summary:
      'Upload a document (multipart: file + fields); the type is sniffed from the content; 413 over the limit',
  })
  async create(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DocumentView> {
    const { file, fields } = await this.upload.receive(req, res);
    const data = parseDto(CreateDocumentFields, fields);
    const view = await this.send<DocumentView>(SUBJECTS.documents.documentCreate, actor, file, { data });
    res.status(201);
    return view;
  }

  @Post('documents/:id/versions')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Upload a new version of a document (multipart field "file")' })
  async addVersion(
    @CurrentActor() actor: Actor,
    @Param('id', uuid('id')) id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DocumentView> {
    const { file, fields } = await this.upload.receive(req, res);
    if (Object.keys(fields).length)
      throw new KamError('validation_failed', { fields: Object.keys(fields).join(', ') }, [
        { field: Object.keys(fields)[0], message: 'a new version takes only the file' },
      ]);
    const view = await this.send<DocumentView>(SUBJECTS.documents.documentAddVersion, actor, file, { id });
    res.status(201);
    return view;
  }

  @Get('documents')
  @ApiOperation({ summary: 'Documents the caller may see, newest first (cursor pagination, filters)' })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListDocumentsQuery)) query: ListDocumentsQuery,
  ): Promise<Page<DocumentView>> {
    return this.rpc.request(SUBJECTS.documents.documentList, actor, { query });
  }

  @Get('documents/:id')
  @ApiOperation({ summary: 'One document with its versions (the view is access-logged)' })
  get(@CurrentActor() actor: Actor, @Param('id', uuid('id')) id: string): Promise<DocumentView> {
    return this.rpc.request(SUBJECTS.documents.documentGet, actor, { id });
  }

  @Get('documents/:id/download')
  @ApiOperation({
    summary:
      'The latest version, or ?version=; watermarked (text/CSV/Markdown lines, PDF every page) and logged',
  })
  async download(
    @CurrentActor() actor: Actor,
    @Param('id', uuid('id')) id: string,
    @Query(new DtoPipe(DownloadDocumentQuery)) query: DownloadDocumentQuery,
    @Res() res: Response,
  ): Promise<void> {
    const v = await this.rpc.request<DocumentDownloadView>(
      SUBJECTS.documents.documentDownload,
      actor,
      { id, query },
      { timeoutMs: TRANSFER_TIMEOUT_MS },
    );
    const ascii = v.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    await sendTransfer(this.bucket, v.objectName, res, {
      'Content-Type': v.mimeType,
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(v.fileName)}`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Document-Version': String(v.version),
      'X-Access-Log-Entry': v.accessLogEntryId,
    });
  }

  @Get('documents/:id/grants')
  @ApiOperation({ summary: 'Grants of a document (for whoever may share it)' })
  grants(@CurrentActor() actor: Actor, @Param('id', uuid('id')) id: string): Promise<GrantView[]> {
    return this.rpc.request(SUBJECTS.documents.grantList, actor, { id });
  }

  @Post('documents/:id/grants')
  @ApiOperation({
    summary: 'Grant access to a member, team or role until a time, with a reason (access-logged)',
  })
  createGrant(
    @CurrentActor() actor: Actor,
    @Param('id', uuid('id')) id: string,
    @Body(new DtoPipe(CreateGrantDto)) data: CreateGrantDto,
  ): Promise<GrantView> {
    return this.rpc.request(SUBJECTS.documents.grantCreate, actor, { id, data });
  }

  @Delete('documents/:id/grants/:grantId')
  @ApiOperation({ summary: 'Revoke a grant (access-logged)' })
  revokeGrant(
    @CurrentActor() actor: Actor,
    @Param('id', uuid('id')) id: string,
    @Param('grantId', uuid('grantId')) grantId: string,
  ): Promise<GrantView> {
    return this.rpc.request(SUBJECTS.documents.grantRevoke, actor, { id, grantId });
  }

  @Get('access-log')
  @ApiOperation({ summary: 'The access log, newest first (security_officer; cursor pagination)' })
  accessLog(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListAccessLogQuery)) query: ListAccessLogQuery,
  ): Promise<Page<AccessLogEntryView>> {
    return this.rpc.request(SUBJECTS.documents.accessLogList, actor, { query });
  }

  @Get('access-log/verify')
  @ApiOperation({
    summary: "Verify the workspace's hash chain; names the first broken entry (security_officer, director)",
  })
  verify(@CurrentActor() actor: Actor): Promise<AccessLogVerification> {
    return this.rpc.request(
      SUBJECTS.documents.accessLogVerify,
      actor,
      {},
      { timeoutMs: TRANSFER_TIMEOUT_MS },
    );
  }

  @Get('access-log/investigate')
  @ApiOperation({
    summary: 'Who had it: from a watermark entry id or a document id (security_officer, director)',
  })
  investigate(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(InvestigateQuery)) query: InvestigateQuery,
  ): Promise<InvestigationView> {
    return this.rpc.request(SUBJECTS.documents.accessLogInvestigate, actor, { query });
  }

  @Post('admin/documents/rotate-keys')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-wrap every data key with the current master key (admin; content untouched)' })
  rotateKeys(@CurrentActor() actor: Actor): Promise<RotateKeysResult> {
    return this.rpc.request(SUBJECTS.documents.keysRotate, actor, {}, { timeoutMs: TRANSFER_TIMEOUT_MS });
  }
}
