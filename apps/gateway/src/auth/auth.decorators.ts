import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor } from '@app/contracts';
import { Action, Capability, SubjectName } from '@app/authz';

export const PUBLIC = 'kam:public';
export const REQUIRES = 'kam:requires';
export const CAPABILITY = 'kam:capability';

/** No token needed (health, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);

/**
 * The gateway's first filter: the caller's roles must allow the action on some record of the subject.
 * The owning service still decides record by record.
 */
export const Requires = (action: Action, subject: Exclude<SubjectName, 'all'>): MethodDecorator =>
  SetMetadata(REQUIRES, { action, subject });

/** A capability that is not about records (job console, API keys). */
export const RequiresCapability = (capability: Capability): MethodDecorator & ClassDecorator =>
  SetMetadata(CAPABILITY, capability);

/**
 * `actor`: who the request is from, once authenticated. `refusedActor`: a member the gateway identified but refused
 * (departed) — named in the access-log entry of the refusal (issue 14, point 6).
 */
export type AuthedRequest = import('express').Request & { actor?: Actor; refusedActor?: Actor };

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.actor) throw new Error('CurrentActor used on a public route');
  return req.actor;
});
