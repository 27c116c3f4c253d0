import { Injectable } from '@nestjs/common';
import {
  Actor,
  CreateContractRequest,
  CreateOrderRequest,
  DecideContractRequest,
  ListAccountCommercialRequest,
  ListContractsRequest,
  ListOrdersRequest,
  OrderSumsRequest,
  parseDto,
  SubmitContractRequest,
  SUBJECTS,
  UpdateContractRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { OrdersService } from './orders.service';
import { ContractsService } from './contracts.service';

/** NATS face of orders (sales records) and contracts. */
@Injectable()
export class CommercialHandler {
  constructor(
    private readonly orders: OrdersService,
    private readonly contracts: ContractsService,
  ) {}

  @RpcHandler(SUBJECTS.accounts.orderCreate)
  createOrder(data: unknown, actor: Actor) {
    const r = parseDto(CreateOrderRequest, data);
    return this.orders.create(actor, r.accountId, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.accounts.orderListOfAccount)
  listOrdersOfAccount(data: unknown, actor: Actor) {
    return this.orders.listOfAccount(actor, parseDto(ListAccountCommercialRequest, data).accountId);
  }

  @RpcHandler(SUBJECTS.accounts.orderList)
  listOrders(data: unknown, actor: Actor) {
    return this.orders.list(actor, parseDto(ListOrdersRequest, data).query);
  }

  @RpcHandler(SUBJECTS.accounts.orderSums)
  orderSums(data: unknown, actor: Actor) {
    return this.orders.sums(actor, parseDto(OrderSumsRequest, data));
  }

  @RpcHandler(SUBJECTS.accounts.contractCreate)
  createContract(data: unknown, actor: Actor) {
    const r = parseDto(CreateContractRequest, data);
    return this.contracts.create(actor, r.accountId, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.accounts.contractListOfAccount)
  listContractsOfAccount(data: unknown, actor: Actor) {
    return this.contracts.listOfAccount(actor, parseDto(ListAccountCommercialRequest, data).accountId);
  }

  @RpcHandler(SUBJECTS.accounts.contractList)
  listContracts(data: unknown, actor: Actor) {
    return this.contracts.list(actor, parseDto(ListContractsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.accounts.contractUpdate)
  updateContract(data: unknown, actor: Actor) {
    const r = parseDto(UpdateContractRequest, data);
    return this.contracts.update(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.contractSubmit)
  submitContract(data: unknown, actor: Actor) {
    const r = parseDto(SubmitContractRequest, data);
    return this.contracts.submit(actor, r.id, r.expectedVersion);
  }

  @RpcHandler(SUBJECTS.accounts.contractDecide)
  decideContract(data: unknown, actor: Actor) {
    const r = parseDto(DecideContractRequest, data);
    return this.contracts.decide(actor, r.id, r.data);
  }
}
