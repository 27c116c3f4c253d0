import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor, KamError } from '@app/contracts';
import { ActorContextService } from '../organisation/actor-context.service';
import { WorkspaceSettingsService } from '../workspace/workspace-settings.service';
import { PerformanceMetricsService } from './performance-metrics.service';
import { MemberMetricsRow } from './metrics.sql';

const WS = randomUUID();
const LED = randomUUID();
const t0 = new Date('2026-10-31T16:00:00Z');
const t1 = new Date('2026-11-30T16:00:00Z');

/** What the one statement answers for a member: zeros, in the given team. */
const row = (id: string, team: string | null, known = true): MemberMetricsRow => ({
  id,
  known,
  team_id: team,
  t0,
  t1,
  sales: '0',
  orders: 0,
  crm_sales: '0',
  crm_orders: 0,
  new_accounts: 0,
  revisits_due: 0,
  revisits_done: 0,
  revisits_on_time: 0,
  satisfaction_avg: null,
  satisfaction_count: 0,
  complaints_received: 0,
  complaints_resolved: 0,
  complaints_in_sla: 0,
  tasks_due: 0,
  tasks_on_time: 0,
});

function build(teamOf: (id: string) => string | null = () => LED, known = true) {
  const query = jest.fn((_sql: string, params: unknown[]) =>
    Promise.resolve((params[1] as string[]).map((id) => row(id, teamOf(id), known))),
  );
  const ds = { query } as unknown as DataSource;
  const actors = {
    resolve: (actor: Actor) => Promise.resolve({ ctx: { actor, teamIds: [LED], ledTeamIds: [LED] } }),
  } as unknown as ActorContextService;
  const settings = {
    cached: () => Promise.resolve({ timeZone: 'Asia/Shanghai' }),
  } as unknown as WorkspaceSettingsService;
  return { service: new PerformanceMetricsService(ds, actors, settings), query };
}

const actor = (kind: Actor['kind'], roles: Actor['roles'] = []): Actor => ({
  workspaceId: WS,
  memberId: randomUUID(),
  roles,
  requestId: randomUUID(),
  kind,
});

describe('the scorecard inputs of members cost one statement whatever the batch', () => {
  it.each([1, 10, 2000])('%i member(s): one SQL statement', async (n) => {
    const { service, query } = build();
    const ids = Array.from({ length: n }, () => randomUUID());
    const view = await service.members(actor('system'), { month: '2026-11', memberIds: ids });
    expect(query).toHaveBeenCalledTimes(1);
    expect(view.items).toHaveLength(n);
    expect(view).toMatchObject({ from: t0.toISOString(), to: t1.toISOString(), timeZone: 'Asia/Shanghai' });
  });

  it('a group leader is refused when one member is not in a team they lead', async () => {
    const other = randomUUID();
    const { service } = build((id) => (id === other ? randomUUID() : LED));
    await expect(
      service.members(actor('user', ['group_leader']), {
        month: '2026-11',
        memberIds: [randomUUID(), other],
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('an account manager is refused before any statement runs', async () => {
    const { service, query } = build();
    await expect(
      service.members(actor('user', ['account_manager']), { month: '2026-11', memberIds: [randomUUID()] }),
    ).rejects.toBeInstanceOf(KamError);
    expect(query).not.toHaveBeenCalled();
  });

  it('an id that is not a member of the workspace is a validation error naming memberIds', async () => {
    const { service } = build(() => null, false);
    await expect(
      service.members(actor('system'), { month: '2026-11', memberIds: [randomUUID()] }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
