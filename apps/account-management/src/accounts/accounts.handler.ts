import { Injectable } from '@nestjs/common';
import {
  AccountView,
  Actor,
  CreateAccountRequest,
  GetAccountRequest,
  ListAccountsRequest,
  Page,
  parseDto,
  SUBJECTS,
  UpdateAccountRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { AccountsService } from './accounts.service';

/** NATS face of key accounts. Thin: validate again (never trust the edge), then the use case. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AccountsHandler {
  constructor(private readonly accounts: AccountsService) {}

  @RpcHandler(SUBJECTS.accounts.accountCreate)
  create(data: unknown, actor: Actor): Promise<AccountView> {
    const req = parseDto(CreateAccountRequest, data);
    return this.accounts.create(actor, req.account, req.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.accounts.accountGet)
  get(data: unknown, actor: Actor): Promise<AccountView> {
    // The hot path: a well-formed id skips the validator; anything else gets its full 400.
    const id = (data as { id?: unknown } | null)?.id;
    const fast = typeof id === 'string' && UUID.test(id) && Object.keys(data as object).length === 1;
    return this.accounts.get(actor, fast ? id : parseDto(GetAccountRequest, data).id);
  }

  @RpcHandler(SUBJECTS.accounts.accountList)
  list(data: unknown, actor: Actor): Promise<Page<AccountView>> {
    return this.accounts.list(actor, parseDto(ListAccountsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.accounts.accountUpdate)
  update(data: unknown, actor: Actor): Promise<AccountView> {
    const req = parseDto(UpdateAccountRequest, data);
    return this.accounts.update(actor, req.id, req.expectedVersion, req.changes);
  }
}
