import { Injectable } from '@nestjs/common';
import {
  Actor,
  CompleteRevisitRequest,
  ListNotificationsRequest,
  ListRevisitsRequest,
  NotificationReadRequest,
  parseDto,
  RescheduleRevisitRequest,
  RunRevisitSweepRequest,
  SUBJECTS,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { RevisitsService } from './revisits.service';
import { NotificationsService } from './notifications.service';
import { RevisitSweepRunner } from './revisit-sweep-runner';

/** NATS face of revisits (回访), the daily sweep on demand, and the in-app notifications. */
@Injectable()
export class RevisitsHandler {
  constructor(
    private readonly revisits: RevisitsService,
    private readonly notifications: NotificationsService,
    private readonly runner: RevisitSweepRunner,
  ) {}

  @RpcHandler(SUBJECTS.accounts.revisitList)
  list(data: unknown, actor: Actor) {
    const r = parseDto(ListRevisitsRequest, data);
    return this.revisits.list(actor, r.query, r.accountId);
  }

  @RpcHandler(SUBJECTS.accounts.revisitComplete)
  complete(data: unknown, actor: Actor) {
    const r = parseDto(CompleteRevisitRequest, data);
    return this.revisits.complete(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.revisitReschedule)
  reschedule(data: unknown, actor: Actor) {
    const r = parseDto(RescheduleRevisitRequest, data);
    return this.revisits.reschedule(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.revisitRunSweep)
  runSweep(data: unknown, actor: Actor) {
    return this.runner.run(actor, parseDto(RunRevisitSweepRequest, data).data);
  }

  @RpcHandler(SUBJECTS.accounts.notificationList)
  listNotifications(data: unknown, actor: Actor) {
    return this.notifications.list(actor, parseDto(ListNotificationsRequest, data).query);
  }

  @RpcHandler(SUBJECTS.accounts.notificationRead)
  readNotification(data: unknown, actor: Actor) {
    return this.notifications.markRead(actor, parseDto(NotificationReadRequest, data).id);
  }
}
