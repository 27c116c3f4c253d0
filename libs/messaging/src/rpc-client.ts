import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode as NatsErrorCode, NatsError } from 'nats';
import { Actor, Envelope, KamError, Reply, SERVICES, serviceOfSubject } from '@app/contracts';
import { NatsConnectionService } from './nats-connection';
import { MESSAGING_OPTIONS, MessagingOptions } from './tokens';
import { decode, encode } from './codec';

/**
 * Request-reply over NATS. Every call has a timeout; "no responders", a timeout or a lost connection
 * become `service_unavailable` (503 at the gateway) naming the service.
 */
@Injectable()
export class RpcClient {
  constructor(
    private readonly nats: NatsConnectionService,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async request<T>(
    subject: string,
    actor: Actor,
    data: unknown,
    opts: { timeoutMs?: number } = {},
  ): Promise<T> {
    const service = serviceOfSubject(subject);
    const serviceName = service ? SERVICES[service].name : subject;
    const nc = this.nats.current ?? (await this.nats.connection());
    const envelope: Envelope = { actor, data };
    let raw;
    try {
      raw = await nc.request(subject, encode(envelope), {
        // The request id travels in the envelope; no NATS headers, they cost more than they add here.
        timeout: opts.timeoutMs ?? this.options.requestTimeoutMs,
      });
    } catch (e) {
      const code = (e as NatsError).code;
      if (
        code === NatsErrorCode.NoResponders ||
        code === NatsErrorCode.Timeout ||
        code === NatsErrorCode.Disconnect ||
        code === NatsErrorCode.ConnectionClosed ||
        code === NatsErrorCode.ConnectionDraining ||
        code === NatsErrorCode.ConnectionRefused
      ) {
        throw new KamError('service_unavailable', { service: serviceName, reason: code });
      }
      // NATS carries at most 1 MB per message (a body at the gateway's limit plus the envelope may not fit).
      if (code === NatsErrorCode.MaxPayloadExceeded) throw new KamError('payload_too_large');
      throw e;
    }
    const reply = decode<Reply<T>>(raw.data);
    if (reply.ok) return reply.data;
    throw KamError.fromRemote(reply.error);
  }
}
