import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Msg, Subscription } from 'nats';
import {
  Actor,
  canonicalId,
  Envelope,
  isRole,
  isServiceCallSubject,
  isUuid,
  KamError,
  Reply,
} from '@app/contracts';
import { metrics } from '@app/observability';
import { NatsConnectionService } from './nats-connection';
import { MESSAGING_OPTIONS, MessagingOptions } from './tokens';
import { decode, encode } from './codec';
import { RPC_HANDLER } from './rpc-handler.decorator';
import { isDependencyUnavailable } from './unavailable';

type Handler = (data: unknown, actor: Actor) => unknown;

/** Every inbox starts so (nats-permissions.ts: `_INBOX.<user>`). */
const INBOX_PREFIX = '_INBOX.';

/**
 * The envelope's ids in their canonical lower case (issue 14, point 4): a service never trusts the edge to have done
 * it. A member id that is not a uuid (`system:…`) is left as it is.
 */
function canonicalActor(a: Actor): Actor {
  return {
    ...a,
    workspaceId: a.workspaceId.toLowerCase(),
    memberId: canonicalId(a.memberId) ?? a.memberId,
  };
}

function isActor(a: unknown): a is Actor {
  const x = a as Actor;
  return (
    !!x &&
    isUuid(x.workspaceId) &&
    typeof x.memberId === 'string' &&
    x.memberId.length > 0 &&
    typeof x.requestId === 'string' &&
    x.requestId.length > 0 &&
    Array.isArray(x.roles) &&
    x.roles.every(isRole)
  );
}

/**
 * Seconds a handler took, by subject and outcome (ok, error for a KamError reply, unavailable when PostgreSQL or
 * Redis is away, internal_error).
 */
export const rpcServerDuration = metrics.histogram(
  'kam_nats_handler_duration_seconds',
  'Duration of NATS request handlers in the service, by subject and outcome',
  ['subject', 'outcome'],
);

/**
 * Finds every @RpcHandler method and subscribes it in the service's queue group, so replicas share the load
 * and each request is handled once.
 */
@Injectable()
export class RpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('rpc');
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly nats: NatsConnectionService,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.queueGroup) return;
    const nc = await this.nats.connection();
    const seen = new Set<string>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const method = instance[name] as Handler;
        const subject = this.reflector.get<string | undefined>(RPC_HANDLER, method);
        if (!subject) continue;
        if (seen.has(subject)) throw new Error(`two handlers for ${subject}`);
        seen.add(subject);
        const sub = nc.subscribe(subject, {
          queue: this.options.queueGroup,
          callback: (err, msg) => {
            if (err) return this.logger.error(`subscription ${subject}: ${err.message}`);
            const p = this.handle(subject, method.bind(instance), msg);
            this.inFlight.add(p);
            void p.finally(() => this.inFlight.delete(p));
          },
        });
        this.subscriptions.push(sub);
      }
    }
    // Make sure the server has registered the subscriptions before we say we are ready.
    await nc.flush();
    this.logger.log(`listening on ${seen.size} subjects in queue group ${this.options.queueGroup}`);
  }

  /** Graceful shutdown: stop taking requests, finish the ones in hand. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.subscriptions.map((s) => s.drain()));
    await Promise.allSettled([...this.inFlight]);
  }

  private async handle(subject: string, handler: Handler, msg: Msg): Promise<void> {
    let reply: Reply;
    let requestId: string | undefined;
    const done = rpcServerDuration.startTimer();
    let outcome = 'ok';
    try {
      const env = decode<Envelope>(msg.data);
      if (!isActor(env?.actor)) throw new KamError('unauthenticated');
      requestId = env.actor.requestId;
      // What services call on each other takes only system callers: no service acts as a user (ADR 0018).
      if (env.actor.kind !== 'system' && isServiceCallSubject(subject)) {
        this.logger.warn({ msg: `${subject} takes system callers only: refused`, requestId });
        throw new KamError('forbidden');
      }
      reply = { ok: true, data: (await handler(env.data, canonicalActor(env.actor))) ?? null };
    } catch (e) {
      if (e instanceof KamError) {
        outcome = 'error';
        reply = { ok: false, error: e.toRemote() };
      } else if (isDependencyUnavailable(e)) {
        // PostgreSQL (or Redis) away for now: 503 at the gateway, never a 500.
        outcome = 'unavailable';
        this.logger.warn({ msg: `handler for ${subject}: dependency unavailable`, requestId, err: e });
        reply = {
          ok: false,
          error: new KamError('service_unavailable', { service: this.options.serviceName }).toRemote(),
        };
      } else {
        outcome = 'internal_error';
        this.logger.error({ msg: `handler for ${subject} failed`, requestId, err: e });
        reply = { ok: false, error: new KamError('internal_error').toRemote() };
      }
    }
    done({ subject, outcome });
    if (!msg.reply) return;
    // Replies go to the caller's inbox only: a request whose reply subject names something else (an event
    // subject, another service's requests) would make this service publish there under its own name.
    if (msg.reply.startsWith(INBOX_PREFIX)) msg.respond(encode(reply));
    else
      this.logger.warn({
        msg: `request on ${subject} wants its reply on a subject that is no inbox: dropped`,
        requestId,
      });
  }
}
