import { Role } from './roles';

/** Who is asking: sent by the gateway with every NATS message (DESIGN §3). */
export interface Actor {
  workspaceId: string;
  memberId: string;
  roles: Role[];
  requestId: string;
  /** Caller's language for messages, from Accept-Language. */
  locale?: 'zh-CN' | 'en';
  /** 'user' for a member's token, 'api_key' for a service caller, 'system' for jobs. */
  kind?: 'user' | 'api_key' | 'system';
}

/** Every request over NATS: the actor plus the payload. */
export interface Envelope<T = unknown> {
  actor: Actor;
  data: T;
}

/** Every reply over NATS: a result or a problem. */
export type Reply<T = unknown> = { ok: true; data: T } | { ok: false; error: RemoteError };

export interface RemoteError {
  code: string;
  status: number;
  detail?: string;
  params?: Record<string, unknown>;
  errors?: FieldError[];
  /** Set when the service already wrote the refusal to the access log. */
  audited?: boolean;
}

export interface FieldError {
  field: string;
  message: string;
}
