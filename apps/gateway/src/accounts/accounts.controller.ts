import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  AccountView,
  Actor,
  CreateAccountDto,
  ListAccountsQuery,
  Page,
  SUBJECTS,
  UpdateAccountDto,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from './dto-pipe';
import { etagOf, idempotencyKeyOf, versionFromIfMatch } from '../http/preconditions';
import { uuidParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';
import { ArchiveView } from '../access-log/archive-view';

const uuid = uuidParam;

@ApiTags('accounts')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1/accounts')
export class AccountsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @Requires('create', 'Account')
  @ApiOperation({ summary: 'Create a key account (applied once per Idempotency-Key)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async create(
    @CurrentActor() actor: Actor,
    @Body(new DtoPipe(CreateAccountDto)) body: CreateAccountDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AccountView> {
    const account = await this.rpc.request<AccountView>(SUBJECTS.accounts.accountCreate, actor, {
      account: body,
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
    });
    res.setHeader('ETag', etagOf(account.version));
    res.setHeader('Location', `/api/v1/accounts/${account.id}`);
    return account;
  }

  @Get()
  @Requires('read', 'Account')
  @ApiOperation({ summary: 'List key accounts visible to the caller (cursor pagination)' })
  list(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListAccountsQuery)) query: ListAccountsQuery,
  ): Promise<Page<AccountView>> {
    return this.rpc.request<Page<AccountView>>(SUBJECTS.accounts.accountList, actor, { query });
  }

  @Get(':id')
  @ArchiveView('account')
  @Requires('read', 'Account')
  @ApiOperation({ summary: 'Get one key account; the ETag is its version' })
  @VersionETag()
  get(@CurrentActor() actor: Actor, @Param('id', uuid) id: string): Promise<AccountView> {
    return this.rpc.request<AccountView>(SUBJECTS.accounts.accountGet, actor, { id });
  }

  @Patch(':id')
  @Requires('update', 'Account')
  @ApiOperation({ summary: 'Update a key account; If-Match with its version is required (412 when stale)' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The version from the ETag, e.g. "3"' })
  @VersionETag()
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateAccountDto)) changes: UpdateAccountDto,
  ): Promise<AccountView> {
    return this.rpc.request<AccountView>(SUBJECTS.accounts.accountUpdate, actor, {
      id,
      expectedVersion: versionFromIfMatch(ifMatch),
      changes,
    });
  }
}
