import { Injectable } from '@nestjs/common';
import {
  Actor,
  CreateTrainingRequest,
  ListTrainingsRequest,
  MemberTrainingsRequest,
  parseDto,
  RecordAttendanceRequest,
  SUBJECTS,
  TrainingIdRequest,
  UpdateTrainingRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { TrainingsService } from './trainings.service';

/** NATS face of staff training. */
@Injectable()
export class TrainingsHandler {
  constructor(private readonly trainings: TrainingsService) {}

  @RpcHandler(SUBJECTS.performance.trainingList)
  list(data: unknown, actor: Actor) {
    return this.trainings.list(actor, parseDto(ListTrainingsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.performance.trainingGet)
  get(data: unknown, actor: Actor) {
    return this.trainings.get(actor, parseDto(TrainingIdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.performance.trainingOfMember)
  ofMember(data: unknown, actor: Actor) {
    return this.trainings.ofMember(actor, parseDto(MemberTrainingsRequest, data).memberId);
  }

  @RpcHandler(SUBJECTS.performance.trainingCreate)
  create(data: unknown, actor: Actor) {
    const r = parseDto(CreateTrainingRequest, data);
    return this.trainings.create(actor, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.performance.trainingUpdate)
  update(data: unknown, actor: Actor) {
    const r = parseDto(UpdateTrainingRequest, data);
    return this.trainings.update(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.performance.trainingAttendance)
  attendance(data: unknown, actor: Actor) {
    const r = parseDto(RecordAttendanceRequest, data);
    return this.trainings.recordAttendance(actor, r.id, r.expectedVersion, r.data);
  }
}
