import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppendAccessLogRequest,
  AppendAccessLogResult,
  KamError,
  parseDto,
  SUBJECTS,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { AccessLogWriter } from './access-log.writer';

/** NATS face of the access log for other services: they record accesses to what they own (system callers only). */
@Injectable()
export class AccessLogHandler {
  constructor(private readonly log: AccessLogWriter) {}

  @RpcHandler(SUBJECTS.documents.accessLogAppend)
  async append(data: unknown, actor: Actor): Promise<AppendAccessLogResult> {
    if (actor.kind !== 'system') throw new KamError('forbidden');
    const r = parseDto(AppendAccessLogRequest, data);
    const id = await this.log.append({
      id: r.id,
      workspaceId: actor.workspaceId,
      memberId: r.memberId,
      action: r.action,
      subject: r.subject,
      documentId: r.documentId ?? null,
      details: r.details ?? {},
    });
    return { id };
  }
}
