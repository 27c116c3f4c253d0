import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode as NatsErrorCode, NatsError } from 'nats';
import { Actor, Envelope, KamError, Reply, SERVICES, serviceOfSubject } from '@app/contracts';
import { metrics } from '@app/observability';
import { NatsConnectionService } from './nats-connection';
import { MESSAGING_OPTIONS, MessagingOptions } from './tokens';
import { decode, encode } from './codec';

/** Seconds a NATS request took at the caller, by subject and outcome (ok, error, unavailable, failed). */
export const rpcClientDuration = metrics.histogram(
  'kam_nats_client_request_duration_seconds',
  'Duration of NATS requests as the caller sees them, by subject and outcome',
  ['subject', 'outcome'],
);

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
    const done = rpcClientDuration.startTimer();
    let outcome = 'failed';
    try {
      const reply = await this.send<T>(subject, actor, data, opts);
      outcome = reply.ok ? 'ok' : 'error';
      if (reply.ok) return reply.data;
      throw KamError.fromRemote(reply.error);
    } catch (e) {
      if (e instanceof KamError && e.code === 'service_unavailable') outcome = 'unavailable';
      throw e;
    } finally {
      // Subjects are the fixed set in SUBJECTS: a bounded label.
      done({ subject, outcome });
    }
  }

  private async send<T>(
    subject: string,
    actor: Actor,
    data: unknown,
    opts: { timeoutMs?: number },
  ): Promise<Reply<T>> {
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
    return decode<Reply<T>>(raw.data);
  }
}
