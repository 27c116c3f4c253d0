import { Injectable } from '@nestjs/common';
import {
  Actor,
  CreateTargetRequest,
  DeleteTargetRequest,
  ListTargetsRequest,
  parseDto,
  SUBJECTS,
  TargetIdRequest,
  UpdateTargetRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { TargetsService } from './targets.service';

/** NATS face of targets. Thin: validate again (never trust the edge), then the use case. */
@Injectable()
export class TargetsHandler {
  constructor(private readonly targets: TargetsService) {}

  @RpcHandler(SUBJECTS.performance.targetList)
  list(data: unknown, actor: Actor) {
    return this.targets.list(actor, parseDto(ListTargetsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.performance.targetCreate)
  create(data: unknown, actor: Actor) {
    const r = parseDto(CreateTargetRequest, data);
    return this.targets.create(actor, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.performance.targetUpdate)
  update(data: unknown, actor: Actor) {
    const r = parseDto(UpdateTargetRequest, data);
    return this.targets.update(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.performance.targetDelete)
  async remove(data: unknown, actor: Actor) {
    const r = parseDto(DeleteTargetRequest, data);
    await this.targets.remove(actor, r.id, r.expectedVersion);
    return { deleted: true };
  }

  @RpcHandler(SUBJECTS.performance.targetDecomposition)
  decomposition(data: unknown, actor: Actor) {
    return this.targets.decomposition(actor, parseDto(TargetIdRequest, data).id);
  }
}
