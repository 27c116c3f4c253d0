import { EntityManager } from 'typeorm';
import { Actor } from '@app/contracts';

/** One entry of the evaluation's audit trail (append-only table `audit_trail`). */
export interface AuditEntry {
  entity: string;
  entityId: string;
  action: string;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Records changes in the caller's transaction, so a change and its audit entry commit together. */
export async function audit(
  m: EntityManager,
  actor: Actor,
  entries: AuditEntry | AuditEntry[],
): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  await m.query(
    `INSERT INTO audit_trail (workspace_id, entity, entity_id, action, actor_id, reason, before, after)
     SELECT $1, e.entity, e.entity_id, e.action, $2, e.reason, e.before, e.after
       FROM jsonb_to_recordset($3::jsonb)
         AS e(entity text, entity_id text, action text, reason text, before jsonb, after jsonb)`,
    [
      actor.workspaceId,
      actor.kind === 'system' ? null : actor.memberId,
      JSON.stringify(
        list.map((e) => ({
          entity: e.entity,
          entity_id: e.entityId,
          action: e.action,
          reason: e.reason ?? null,
          before: e.before ?? null,
          after: e.after ?? null,
        })),
      ),
    ],
  );
}
