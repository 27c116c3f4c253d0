import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  AccountPlanView,
  Actor,
  CommunicationRecordView,
  ContactView,
  CreateContactDto,
  CreatePlanDto,
  CreateRecordDto,
  ListRecordsQuery,
  Page,
  SUBJECTS,
  UpdateContactDto,
  UpdatePlanDto,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from './dto-pipe';
import { idempotencyKeyOf, versionFromIfMatch } from '../http/preconditions';
import { uuidParam, uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';
import { ArchiveView } from '../access-log/archive-view';

/** If-Match is optional on a delete: when given, it must be the current version. */
function optionalVersion(ifMatch: string | undefined): number | undefined {
  return ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch);
}

/** A path id that is not a UUID is a 400 naming the parameter. */
const idParam = uuidPathParam;

/** The customer archive: contacts, communication records and account plans of a key account. */
@ApiTags('archive')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class ArchiveController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('accounts/:id/contacts')
  @ArchiveView('contacts')
  @Requires('read', 'Contact')
  @ApiOperation({
    summary: "The account's contacts, primary first; phone and e-mail redacted where not allowed",
  })
  listContacts(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<Page<ContactView>> {
    return this.rpc.request(SUBJECTS.accounts.contactList, actor, { accountId: id });
  }

  @Post('accounts/:id/contacts')
  @HttpCode(201)
  @Requires('create', 'Contact')
  @ApiOperation({
    summary: 'Add a contact with their buying role; a primary contact replaces the previous one',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  createContact(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreateContactDto)) body: CreateContactDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ContactView> {
    return this.rpc.request<ContactView>(SUBJECTS.accounts.contactCreate, actor, {
      accountId: id,
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  @Patch('contacts/:contactId')
  @Requires('update', 'Contact')
  @ApiOperation({
    summary: "Change a contact; If-Match with the contact's version is required (412 when stale)",
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  updateContact(
    @CurrentActor() actor: Actor,
    @Param('contactId', idParam('contactId')) contactId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateContactDto)) body: UpdateContactDto,
  ): Promise<ContactView> {
    return this.rpc.request<ContactView>(SUBJECTS.accounts.contactUpdate, actor, {
      id: contactId,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Delete('contacts/:contactId')
  @HttpCode(204)
  @Requires('delete', 'Contact')
  @ApiOperation({ summary: 'Remove a contact (If-Match optional); the timeline keeps that it was there' })
  @ApiHeader({ name: 'If-Match', required: false })
  async deleteContact(
    @CurrentActor() actor: Actor,
    @Param('contactId', idParam('contactId')) contactId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.rpc.request(SUBJECTS.accounts.contactDelete, actor, {
      id: contactId,
      expectedVersion: optionalVersion(ifMatch),
    });
  }

  @Get('accounts/:id/records')
  @ArchiveView('records')
  @Requires('read', 'CommunicationRecord')
  @ApiOperation({ summary: 'Communication records, newest first (cursor pagination, ?kind=visit|call|…)' })
  listRecords(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Query(new DtoPipe(ListRecordsQuery)) query: ListRecordsQuery,
  ): Promise<Page<CommunicationRecordView>> {
    return this.rpc.request(SUBJECTS.accounts.recordList, actor, { accountId: id, query });
  }

  @Post('accounts/:id/records')
  @HttpCode(201)
  @Requires('create', 'CommunicationRecord')
  @ApiOperation({
    summary: 'Record a visit, call, meeting, e-mail, customer training or care activity, with next steps',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  createRecord(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreateRecordDto)) body: CreateRecordDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<CommunicationRecordView> {
    return this.rpc.request(SUBJECTS.accounts.recordCreate, actor, {
      accountId: id,
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  @Get('accounts/:id/plans')
  @ArchiveView('plans')
  @Requires('read', 'AccountPlan')
  @ApiOperation({ summary: "The account's plans, latest period first; budget redacted where not allowed" })
  listPlans(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
  ): Promise<Page<AccountPlanView>> {
    return this.rpc.request(SUBJECTS.accounts.planList, actor, { accountId: id });
  }

  @Post('accounts/:id/plans')
  @HttpCode(201)
  @Requires('create', 'AccountPlan')
  @ApiOperation({ summary: 'Create the plan of a period (one per account and period; 409 when taken)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  createPlan(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreatePlanDto)) body: CreatePlanDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<AccountPlanView> {
    return this.rpc.request<AccountPlanView>(SUBJECTS.accounts.planCreate, actor, {
      accountId: id,
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  @Patch('plans/:planId')
  @Requires('update', 'AccountPlan')
  @ApiOperation({ summary: "Change a plan; If-Match with the plan's version is required (412 when stale)" })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  updatePlan(
    @CurrentActor() actor: Actor,
    @Param('planId', idParam('planId')) planId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdatePlanDto)) body: UpdatePlanDto,
  ): Promise<AccountPlanView> {
    return this.rpc.request<AccountPlanView>(SUBJECTS.accounts.planUpdate, actor, {
      id: planId,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }
}
