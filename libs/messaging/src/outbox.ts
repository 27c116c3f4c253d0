import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';

/**
 * Writes a domain event into the service's outbox inside the caller's transaction. The relay publishes it
 * after commit; if the transaction rolls back, the event never existed.
 */
export async function addToOutbox<T>(
  manager: EntityManager,
  event: { subject: string; workspaceId: string; payload: T; requestId?: string },
): Promise<string> {
  const id = randomUUID();
  await manager.query(
    `INSERT INTO outbox (id, subject, workspace_id, payload, request_id) VALUES ($1, $2, $3, $4, $5)`,
    [id, event.subject, event.workspaceId, JSON.stringify(event.payload), event.requestId ?? null],
  );
  return id;
}
