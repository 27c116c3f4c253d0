import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { KamError } from '@app/contracts';
import {
  Action,
  actorHasCapability,
  Capability,
  defineAbilityFor,
  KamAbility,
  SubjectName,
} from '@app/authz';
import { Actor } from '@app/contracts';
import { AuthedRequest, CAPABILITY, PUBLIC, REQUIRES } from './auth.decorators';
import { Authenticator } from './authenticator.service';

/** Global guard: every route needs a valid token or API key unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const actor = await this.authenticator.authenticate(req);
    req.actor = actor;
    const capability = this.reflector.getAllAndOverride<Capability | undefined>(CAPABILITY, targets);
    if (capability && !actorHasCapability(actor, capability)) throw new KamError('forbidden');
    const requires = this.reflector.get<{ action: Action; subject: Exclude<SubjectName, 'all'> } | undefined>(
      REQUIRES,
      ctx.getHandler(),
    );
    if (requires) {
      // Without the record we only know the roles; conditions are checked by the owning service in SQL.
      const ability = this.roleAbility(actor);
      if (!ability.can(requires.action, requires.subject)) throw new KamError('forbidden');
    }
    return true;
  }

  private readonly byRoles = new Map<string, KamAbility>();

  /** The ability of a set of roles, without record conditions; the same for every member with those roles. */
  private roleAbility(actor: Actor): KamAbility {
    const key = [...actor.roles].sort().join(',');
    let ability = this.byRoles.get(key);
    if (!ability) {
      ability = defineAbilityFor({ actor, teamIds: [], ledTeamIds: [] });
      this.byRoles.set(key, ability);
    }
    return ability;
  }
}
