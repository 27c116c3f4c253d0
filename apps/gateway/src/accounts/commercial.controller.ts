import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  Actor,
  ContractDecisionDto,
  ContractView,
  CreateContractDto,
  CreateOrderDto,
  ListContractsQuery,
  ListOrdersQuery,
  OrderCreated,
  OrderView,
  Page,
  SUBJECTS,
  UpdateContractDto,
} from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { CurrentActor, Requires } from '../auth/auth.decorators';
import { DtoPipe } from './dto-pipe';
import { idempotencyKeyOf, versionFromIfMatch } from '../http/preconditions';
import { uuidParam, uuidPathParam } from '../http/path-params';
import { VersionETag } from '../http/version-etag';

const contractIdParam = uuidPathParam('contractId');

/** Orders (sales records) and contracts of key accounts, with the director's discount approvals. */
@ApiTags('orders and contracts')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('api/v1')
export class CommercialController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('accounts/:id/orders')
  @Requires('read', 'Order')
  @ApiOperation({ summary: "The account's orders, newest first; amounts redacted where not allowed" })
  listAccountOrders(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
  ): Promise<Page<OrderView>> {
    return this.rpc.request(SUBJECTS.accounts.orderListOfAccount, actor, { accountId: id });
  }

  @Post('accounts/:id/orders')
  @HttpCode(201)
  @Requires('create', 'Order')
  @ApiOperation({
    summary:
      'Record an order credited to a member; a CRM opportunity already recorded answers the existing order (200)',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async createOrder(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreateOrderDto)) body: CreateOrderDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrderView> {
    const r = await this.rpc.request<OrderCreated>(SUBJECTS.accounts.orderCreate, actor, {
      accountId: id,
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
    if (!r.created) res.status(200);
    return r.order;
  }

  @Get('orders')
  @Requires('read', 'Order')
  @ApiOperation({ summary: 'Orders the caller may read (?memberId=&from=&to=, cursor pagination)' })
  listOrders(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListOrdersQuery)) query: ListOrdersQuery,
  ): Promise<Page<OrderView>> {
    return this.rpc.request(SUBJECTS.accounts.orderList, actor, { query });
  }

  @Get('accounts/:id/contracts')
  @Requires('read', 'Contract')
  @ApiOperation({ summary: "The account's contracts; amount and discount redacted where not allowed" })
  listAccountContracts(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
  ): Promise<Page<ContractView>> {
    return this.rpc.request(SUBJECTS.accounts.contractListOfAccount, actor, { accountId: id });
  }

  @Post('accounts/:id/contracts')
  @HttpCode(201)
  @Requires('create', 'Contract')
  @ApiOperation({
    summary: 'Draft a cooperation agreement, sales contract or government procurement contract',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @VersionETag()
  createContract(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body(new DtoPipe(CreateContractDto)) body: CreateContractDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ContractView> {
    return this.rpc.request<ContractView>(SUBJECTS.accounts.contractCreate, actor, {
      accountId: id,
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      data: body,
    });
  }

  @Get('contracts')
  @Requires('read', 'Contract')
  @ApiOperation({
    summary: "Contracts the caller may read; ?status=pending_approval is the director's queue",
  })
  listContracts(
    @CurrentActor() actor: Actor,
    @Query(new DtoPipe(ListContractsQuery)) query: ListContractsQuery,
  ): Promise<Page<ContractView>> {
    return this.rpc.request(SUBJECTS.accounts.contractList, actor, { query });
  }

  @Patch('contracts/:contractId')
  @Requires('update', 'Contract')
  @ApiOperation({ summary: 'Change a draft; If-Match with its version is required (412 when stale)' })
  @ApiHeader({ name: 'If-Match', required: true })
  @VersionETag()
  updateContract(
    @CurrentActor() actor: Actor,
    @Param('contractId', contractIdParam) contractId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new DtoPipe(UpdateContractDto)) body: UpdateContractDto,
  ): Promise<ContractView> {
    return this.rpc.request<ContractView>(SUBJECTS.accounts.contractUpdate, actor, {
      id: contractId,
      expectedVersion: versionFromIfMatch(ifMatch),
      data: body,
    });
  }

  @Post('contracts/:contractId/submit')
  @HttpCode(200)
  @Requires('update', 'Contract')
  @ApiOperation({
    summary: "Submit a draft: active within the signer's discount authority, else pending the director",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @VersionETag()
  submitContract(
    @CurrentActor() actor: Actor,
    @Param('contractId', contractIdParam) contractId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContractView> {
    return this.rpc.request<ContractView>(SUBJECTS.accounts.contractSubmit, actor, {
      id: contractId,
      expectedVersion: ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch),
    });
  }

  @Post('contracts/:contractId/decision')
  @HttpCode(200)
  @Requires('manage', 'Contract')
  @ApiOperation({ summary: 'The director approves or rejects a discount above the signer’s authority' })
  @VersionETag()
  decideContract(
    @CurrentActor() actor: Actor,
    @Param('contractId', contractIdParam) contractId: string,
    @Body(new DtoPipe(ContractDecisionDto)) body: ContractDecisionDto,
  ): Promise<ContractView> {
    return this.rpc.request<ContractView>(SUBJECTS.accounts.contractDecide, actor, {
      id: contractId,
      data: body,
    });
  }
}
