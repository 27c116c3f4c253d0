export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  url: string;
  /** Name used in connection names, logs and durable consumer names, e.g. 'account-management'. */
  serviceName: string;
  /** Queue group for request handlers; set for services, not for the gateway. */
  queueGroup?: string;
  /** Timeout of every request this process makes. */
  requestTimeoutMs: number;
  /**
   * The app's own NATS user (KAM_NATS_USER / KAM_NATS_PASSWORD, ADR 0018); its inboxes are `_INBOX.<user>.…`.
   * Without them the connection is anonymous (a NATS of the operator's that asks for no credentials).
   */
  credentials?: { user: string; password: string };
}
