import { SetMetadata } from '@nestjs/common';

export const RPC_HANDLER = 'kam:rpc-handler';
export const EVENT_HANDLER = 'kam:event-handler';

/** Marks a provider method as the handler of a request subject. It receives (data, actor). */
export const RpcHandler = (subject: string): MethodDecorator => SetMetadata(RPC_HANDLER, subject);

export interface EventHandlerMeta {
  subject: string;
  /** Durable consumer name, unique per service; stable across restarts. */
  durable: string;
}

/** Marks a provider method as a durable, idempotent consumer of a domain event. */
export const EventHandler = (subject: string, durable: string): MethodDecorator =>
  SetMetadata(EVENT_HANDLER, { subject, durable } satisfies EventHandlerMeta);
