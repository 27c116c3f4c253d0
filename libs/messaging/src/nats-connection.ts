import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { connect, NatsConnection, Events, DebugEvents } from 'nats';
import { MESSAGING_OPTIONS, MessagingOptions } from './tokens';

/**
 * One NATS connection per process. It reconnects forever; while NATS is away, requests fail fast as 503
 * (their timeout), and pending publishes are buffered by the client.
 */
@Injectable()
export class NatsConnectionService implements OnApplicationShutdown {
  private readonly logger = new Logger('nats');
  private nc?: NatsConnection;
  private connecting?: Promise<NatsConnection>;

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  async connection(): Promise<NatsConnection> {
    if (this.nc) return this.nc;
    this.connecting ??= this.open();
    return this.connecting;
  }

  /** The open connection, or undefined before the first connect. */
  get current(): NatsConnection | undefined {
    return this.nc;
  }

  isConnected(): boolean {
    return !!this.nc && !this.nc.isClosed() && this.connected;
  }

  private connected = false;

  private async open(): Promise<NatsConnection> {
    const nc = await connect({
      servers: this.options.url,
      name: `kam-${this.options.serviceName}-${process.pid}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: true,
      pingInterval: 5000,
      maxPingOut: 2,
      // No stack captured at every request and JetStream publish to decorate a later timeout (an Error per
      // message: an eighth of account-management's CPU relaying an import's events). Our errors name the subject.
      noAsyncTraces: true,
    });
    this.connected = true;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === Events.Disconnect) {
          this.connected = false;
          this.logger.warn('disconnected from NATS');
        } else if (s.type === Events.Reconnect) {
          this.connected = true;
          this.logger.log('reconnected to NATS');
        } else if (s.type === DebugEvents.Reconnecting) {
          this.connected = false;
        }
      }
    })();
    this.nc = nc;
    return nc;
  }

  /** Drains subscriptions (in-flight handlers finish) and closes. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.nc || this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch (e) {
      this.logger.warn(`drain failed: ${(e as Error).message}`);
    }
  }
}
