import { randomUUID } from 'node:crypto';
import { SUBJECTS } from '@app/contracts';
import { RpcClient } from './rpc-client';

/** No workspace in particular: the list is asked for by a service for all of them. */
const NO_WORKSPACE = '00000000-0000-0000-0000-000000000000';

/**
 * Every workspace with its time zone, from account-management (`kam.accounts.workspace.list`), asked by a service
 * as a system caller (`caller` names it in the envelope, e.g. `system:document-security`).
 */
export async function listWorkspaces(
  rpc: RpcClient,
  caller: string,
): Promise<{ id: string; timeZone: string }[]> {
  const list = await rpc.request<{ workspaceId: string; timeZone: string }[]>(
    SUBJECTS.accounts.workspaceList,
    { workspaceId: NO_WORKSPACE, memberId: caller, roles: [], requestId: randomUUID(), kind: 'system' },
    {},
  );
  return list.map((w) => ({ id: w.workspaceId, timeZone: w.timeZone }));
}
