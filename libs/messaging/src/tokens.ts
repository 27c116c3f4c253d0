export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  url: string;
  /** Name used in connection names, logs and durable consumer names, e.g. 'account-management'. */
  serviceName: string;
  /** Queue group for request handlers; set for services, not for the gateway. */
  queueGroup?: string;
  /** Timeout of every request this process makes. */
  requestTimeoutMs: number;
}
