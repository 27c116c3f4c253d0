import { Injectable } from '@nestjs/common';
import { Actor, CreateTemplateRequest, parseDto, SUBJECTS, TemplateVersionsRequest } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { TemplatesService } from './templates.service';

/** NATS face of scorecard templates. */
@Injectable()
export class TemplatesHandler {
  constructor(private readonly templates: TemplatesService) {}

  @RpcHandler(SUBJECTS.performance.templateList)
  list(_data: unknown, actor: Actor) {
    return this.templates.list(actor);
  }

  @RpcHandler(SUBJECTS.performance.templateVersions)
  versions(data: unknown, actor: Actor) {
    return this.templates.versions(actor, parseDto(TemplateVersionsRequest, data).position);
  }

  @RpcHandler(SUBJECTS.performance.templateCreate)
  create(data: unknown, actor: Actor) {
    const r = parseDto(CreateTemplateRequest, data);
    return this.templates.create(actor, r.data, r.idempotencyKey);
  }
}
