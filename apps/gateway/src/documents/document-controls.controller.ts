import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  Actor,
  CreateExportRequestDto,
  DecideExportRequestDto,
  DocumentExportView,
  ExportDocumentsDto,
  ExportRequestView,
  ListExportRequestsQuery,
  PolicyAcknowledgementsView,
  PolicyAcknowledgementView,
  PolicyPublicationView,
  RunDocumentJobDto,
  SUBJECTS,
} from '@app/contracts';
import { RpcClient, TransferBucket } from '@app/messaging';
import { CurrentActor, RequiresCapability } from '../auth/auth.decorators';
import { DtoPipe } from '../accounts/dto-pipe';
import { sendTransfer } from './transfer-response';
import { uuidPathParam } from '../http/path-params';

const uuid = uuidPathParam;

/** A zip of many documents takes longer than one download. */
const EXPORT_TIMEOUT_MS = 120_000;

/**
 * Export controls and policy documents (issue 6, points 5-6): export requests decided by the director, the bulk
 * export of documents as a watermarked zip, and policies (制度) that every member acknowledges.
 */
@ApiTags('documents')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class DocumentControlsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly bucket: TransferBucket,
  ) {}

  @Post('export-requests')
  @ApiOperation({
    summary:
      'Ask the director to approve a bulk export: documents (by id) or the account CSV (its filters), with a reason',
  })
  createExportRequest(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(CreateExportRequestDto)) data: CreateExportRequestDto,
  ): Promise<ExportRequestView> {
    return this.rpc.request(SUBJECTS.documents.exportRequestCreate, actor, { data });
  }

  @Get('export-requests')
  @ApiOperation({
    summary: 'Export requests, newest first: all of them for the director, else the caller’s own',
  })
  listExportRequests(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListExportRequestsQuery)) query: ListExportRequestsQuery,
  ): Promise<ExportRequestView[]> {
    return this.rpc.request(SUBJECTS.documents.exportRequestList, actor, { query });
  }

  @Get('export-requests/:id')
  @ApiOperation({ summary: 'One export request (its requester or the director)' })
  getExportRequest(
    @CurrentActor() actor: Actor,
    @Param('id', uuid('id')) id: string,
  ): Promise<ExportRequestView> {
    return this.rpc.request(SUBJECTS.documents.exportRequestGet, actor, { id });
  }

  @Post('export-requests/:id/decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The director approves or rejects; an approval is good for one download within 24 hours',
  })
  decideExportRequest(
    @CurrentActor() actor: Actor,
    @Param('id', uuid('id')) id: string,
    @Body(new DtoPipe(DecideExportRequestDto)) data: DecideExportRequestDto,
  ): Promise<ExportRequestView> {
    return this.rpc.request(SUBJECTS.documents.exportRequestDecide, actor, { id, data });
  }

  @Post('documents/export')
  @HttpCode(200)
  @ApiProduces('application/zip')
  @ApiOperation({
    summary:
      'A zip of the documents (current versions, each watermarked and access-logged); over the threshold or with ' +
      'a secret document only with an approved export request',
  })
  async exportDocuments(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(ExportDocumentsDto)) data: ExportDocumentsDto,
    @Res() res: Response,
  ): Promise<void> {
    const v = await this.rpc.request<DocumentExportView>(
      SUBJECTS.documents.documentExport,
      actor,
      { data },
      { timeoutMs: EXPORT_TIMEOUT_MS },
    );
    // Streamed from the bucket as the client reads: the gateway never holds the whole zip.
    await sendTransfer(this.bucket, v.objectName, res, {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${v.fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Document-Count': String(v.documentCount),
      ...(v.exportRequestId ? { 'X-Export-Request': v.exportRequestId } : {}),
    });
  }

  @Post('documents/:id/publish')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Publish the current version of a policy (制度); every active member must acknowledge it (director)',
  })
  publish(@CurrentActor() actor: Actor, @Param('id', uuid('id')) id: string): Promise<PolicyPublicationView> {
    return this.rpc.request(SUBJECTS.documents.policyPublish, actor, { id });
  }

  @Post('documents/:id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge the latest published version of a policy (the first time stands)' })
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param('id', uuid('id')) id: string,
  ): Promise<PolicyAcknowledgementView> {
    return this.rpc.request(SUBJECTS.documents.policyAcknowledge, actor, { id });
  }

  @Get('documents/:id/acknowledgements')
  @ApiOperation({ summary: 'Who has acknowledged the latest published version of a policy, and who has not' })
  acknowledgements(
    @CurrentActor() actor: Actor,
    @Param('id', uuid('id')) id: string,
  ): Promise<PolicyAcknowledgementsView> {
    return this.rpc.request(SUBJECTS.documents.policyAcknowledgements, actor, { id });
  }

  @Post('admin/jobs/documents/policy-reminders/run')
  @HttpCode(200)
  @RequiresCapability('jobs:console')
  @ApiOperation({
    summary: 'Run the daily reminder of unacknowledged policies now (as of `asOf`) and wait for it',
  })
  runPolicyReminders(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(RunDocumentJobDto)) body: RunDocumentJobDto,
  ): Promise<{ policies: number; reminders: number }> {
    return this.rpc.request(
      SUBJECTS.documents.runPolicyReminders,
      actor,
      { data: body },
      { timeoutMs: 130_000 },
    );
  }
}
