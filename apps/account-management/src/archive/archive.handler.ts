import { Injectable } from '@nestjs/common';
import {
  AccountArchiveRequest,
  Actor,
  CreateContactRequest,
  CreatePlanRequest,
  CreateRecordRequest,
  DeleteContactRequest,
  ListRecordsRequest,
  parseDto,
  SUBJECTS,
  UpdateContactRequest,
  UpdatePlanRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { ContactsService } from './contacts.service';
import { CommunicationRecordsService } from './communication-records.service';
import { AccountPlansService } from './account-plans.service';

/** NATS face of the customer archive: contacts, communication records and account plans. */
@Injectable()
export class ArchiveHandler {
  constructor(
    private readonly contacts: ContactsService,
    private readonly records: CommunicationRecordsService,
    private readonly plans: AccountPlansService,
  ) {}

  @RpcHandler(SUBJECTS.accounts.contactList)
  listContacts(data: unknown, actor: Actor) {
    return this.contacts.list(actor, parseDto(AccountArchiveRequest, data).accountId);
  }

  @RpcHandler(SUBJECTS.accounts.contactCreate)
  createContact(data: unknown, actor: Actor) {
    const r = parseDto(CreateContactRequest, data);
    return this.contacts.create(actor, r.accountId, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.accounts.contactUpdate)
  updateContact(data: unknown, actor: Actor) {
    const r = parseDto(UpdateContactRequest, data);
    return this.contacts.update(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.contactDelete)
  deleteContact(data: unknown, actor: Actor) {
    const r = parseDto(DeleteContactRequest, data);
    return this.contacts.remove(actor, r.id, r.expectedVersion);
  }

  @RpcHandler(SUBJECTS.accounts.recordList)
  listRecords(data: unknown, actor: Actor) {
    const r = parseDto(ListRecordsRequest, data);
    return this.records.list(actor, r.accountId, r.query);
  }

  @RpcHandler(SUBJECTS.accounts.recordCreate)
  createRecord(data: unknown, actor: Actor) {
    const r = parseDto(CreateRecordRequest, data);
    return this.records.create(actor, r.accountId, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.accounts.planList)
  listPlans(data: unknown, actor: Actor) {
    return this.plans.list(actor, parseDto(AccountArchiveRequest, data).accountId);
  }

  @RpcHandler(SUBJECTS.accounts.planCreate)
  createPlan(data: unknown, actor: Actor) {
    const r = parseDto(CreatePlanRequest, data);
    return this.plans.create(actor, r.accountId, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.accounts.planUpdate)
  updatePlan(data: unknown, actor: Actor) {
    const r = parseDto(UpdatePlanRequest, data);
    return this.plans.update(actor, r.id, r.expectedVersion, r.data);
  }
}
