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

/** Many events in one statement (a bulk operation), inside the caller's transaction; returns their ids. */
export async function addAllToOutbox<T>(
  manager: EntityManager,
  events: { subject: string; workspaceId: string; payload: T; requestId?: string }[],
): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => randomUUID());
  await manager.query(
    `INSERT INTO outbox (id, subject, workspace_id, payload, request_id)
     SELECT e.id, e.subject, e.workspace_id, e.payload::jsonb, e.request_id
     FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[])
       AS e(id, subject, workspace_id, payload, request_id)`,
    [
      ids,
      events.map((e) => e.subject),
      events.map((e) => e.workspaceId),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.requestId ?? null),
    ],
  );
  return ids;
}
