import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { connect, NatsConnection, Events, DebugEvents, ErrorCode, NatsError } from 'nats';
import { MESSAGING_OPTIONS, MessagingOptions } from './tokens';
import { inboxPrefixOf } from './nats-permissions';

/** The first connection failed because NATS refused the app's credentials; the message names the user only. */
export class NatsCredentialsRefused extends Error {}

/** NATS said no to who we are (a wrong or missing password, a user it does not know). */
function refusedCredentials(e: unknown): boolean {
  if (e instanceof NatsCredentialsRefused) return true;
  const code = (e as NatsError | undefined)?.code;
  return code === ErrorCode.AuthorizationViolation || code === ErrorCode.AuthenticationExpired;
}

/**
 * One NATS connection per process, as the app's own NATS user (ADR 0018). It reconnects forever; while NATS is
 * away, requests fail fast as 503 (their timeout), and pending publishes are buffered by the client. Credentials
 * that NATS refuses stop the process with a message naming the user (never the password): that is a
 * configuration to fix, not an outage to wait out.
 */
@Injectable()
export class NatsConnectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('nats');
  private nc?: NatsConnection;
  private connecting?: Promise<NatsConnection>;
  private shuttingDown = false;

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  async connection(): Promise<NatsConnection> {
    if (this.nc) return this.nc;
    this.connecting ??= this.open().catch((e: unknown) => {
      this.connecting = undefined;
      throw e;
    });
    return this.connecting;
  }

  /**
   * The first connection is made at start-up also where nothing needs it yet (the gateway connects on its first
   * request otherwise), so that refused credentials are found at once. It is not awaited: an app starts while
   * NATS is away, and connects when it comes.
   */
  onApplicationBootstrap(): void {
    this.connection().catch((e: unknown) => {
      if (refusedCredentials(e)) this.stop(e);
    });
  }

  /** Who NATS refused, for the log: the user name and the variables, never the password. */
  private refusal(e: unknown): string {
    const user = this.options.credentials?.user;
    return user
      ? `NATS refused the credentials of user "${user}" (${(e as Error).message}): check KAM_NATS_USER and KAM_NATS_PASSWORD against the NATS server's configuration`
      : `NATS requires credentials (${(e as Error).message}): set KAM_NATS_USER and KAM_NATS_PASSWORD`;
  }

  private stop(e: unknown): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.logger.fatal(e instanceof NatsCredentialsRefused ? e.message : this.refusal(e));
    process.exit(1);
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
    const creds = this.options.credentials;
    if (!creds)
      this.logger.warn(
        'KAM_NATS_USER is not set: connecting to NATS without credentials (anyone who reaches that NATS can send requests as any caller)',
      );
    let nc: NatsConnection;
    try {
      nc = await this.dial();
    } catch (e) {
      if (refusedCredentials(e)) throw new NatsCredentialsRefused(this.refusal(e));
      throw e;
    }
    return this.watch(nc);
  }

  private dial(): Promise<NatsConnection> {
    const creds = this.options.credentials;
    return connect({
      servers: this.options.url,
      ...(creds ? { user: creds.user, pass: creds.password, inboxPrefix: inboxPrefixOf(creds.user) } : {}),
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
  }

  private watch(nc: NatsConnection): NatsConnection {
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
        } else if (s.type === Events.Error && s.data === ErrorCode.PermissionsViolation) {
          // A subject this app's NATS user may not use (nats-permissions.ts, or the operator's own NATS).
          const p = s.permissionContext;
          this.logger.error(
            `NATS refused to let user "${this.options.credentials?.user ?? '(none)'}" ${p ? `${p.operation} on ${p.subject}` : 'do that'}`,
          );
        }
      }
    })();
    // The client gives up reconnecting only when the server refuses our credentials twice in a row (its
    // password was changed under us): stop, so that the supervisor restarts us with the configuration.
    void nc.closed().then((err) => {
      this.connected = false;
      if (err && refusedCredentials(err)) this.stop(err);
    });
    this.nc = nc;
    return nc;
  }

  /** Drains subscriptions (in-flight handlers finish) and closes. */
  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    if (!this.nc || this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch (e) {
      this.logger.warn(`drain failed: ${(e as Error).message}`);
    }
  }
}
