/** A domain event as it travels on the stream. */
export interface DomainEvent<T = unknown> {
  id: string;
  subject: string;
  workspaceId: string;
  occurredAt: string;
  requestId?: string | null;
  payload: T;
}
