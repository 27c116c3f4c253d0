import { EntityManager } from 'typeorm';

/** The zone of a workspace this service does not know yet (DESIGN §6: the workspaces' default). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** What answers SQL: a DataSource or an EntityManager. */
type Queryable = Pick<EntityManager, 'query'>;

/** The workspace's time zone as last heard from account-management, or the default while it is not known. */
export async function storedTimeZone(q: Queryable, workspaceId: string): Promise<string> {
  const rows: { time_zone: string }[] = await q.query(
    `SELECT time_zone FROM workspaces WHERE workspace_id = $1`,
    [workspaceId],
  );
  return rows[0]?.time_zone ?? DEFAULT_TIME_ZONE;
}

/** Records the workspace's time zone; writes nothing when it is unchanged. */
export async function storeTimeZone(q: Queryable, workspaceId: string, timeZone: string): Promise<void> {
  await q.query(
    `INSERT INTO workspaces (workspace_id, time_zone) VALUES ($1, $2)
     ON CONFLICT (workspace_id) DO UPDATE SET time_zone = $2, updated_at = now()
     WHERE workspaces.time_zone IS DISTINCT FROM $2`,
    [workspaceId, timeZone],
  );
}
