import { Injectable } from '@nestjs/common';
import {
  Actor,
  ApproveByIdRequest,
  CreateCommissionPlanRequest,
  DraftStatementsRequest,
  ListCommissionPlansRequest,
  ListStatementsRequest,
  parseDto,
  SUBJECTS,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { CommissionService } from './commission.service';

/** NATS face of commission plans and statements. */
@Injectable()
export class CommissionHandler {
  constructor(private readonly commission: CommissionService) {}

  @RpcHandler(SUBJECTS.performance.commissionPlanList)
  listPlans(data: unknown, actor: Actor) {
    return this.commission.listPlans(actor, parseDto(ListCommissionPlansRequest, data).query);
  }

  @RpcHandler(SUBJECTS.performance.commissionPlanCreate)
  createPlan(data: unknown, actor: Actor) {
    const r = parseDto(CreateCommissionPlanRequest, data);
    return this.commission.createPlan(actor, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.performance.commissionPlanApprove)
  approvePlan(data: unknown, actor: Actor) {
    const r = parseDto(ApproveByIdRequest, data);
    return this.commission.approvePlan(actor, r.id, r.expectedVersion);
  }

  @RpcHandler(SUBJECTS.performance.commissionStatementDraft)
  draft(data: unknown, actor: Actor) {
    return this.commission.draft(actor, parseDto(DraftStatementsRequest, data).data.month);
  }

  @RpcHandler(SUBJECTS.performance.commissionStatementList)
  listStatements(data: unknown, actor: Actor) {
    return this.commission.listStatements(actor, parseDto(ListStatementsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.performance.commissionStatementApprove)
  approveStatement(data: unknown, actor: Actor) {
    const r = parseDto(ApproveByIdRequest, data);
    return this.commission.approveStatement(actor, r.id, r.expectedVersion);
  }
}
