import { Job } from 'bullmq';
import { CreateDueRevisitsJob } from './create-due-revisits.job';
import { RevisitSweepService } from '../revisits/revisit-sweep.service';

describe('periodic jobs can be paused (KAM_PERIODIC_JOBS=0) without pausing runs started by hand', () => {
  const sweep = { sweep: jest.fn(async () => ({ created: 3 })) } as unknown as RevisitSweepService;
  const job = (repeatJobKey?: string) =>
    ({
      name: CreateDueRevisitsJob.name,
      id: 'j1',
      repeatJobKey,
      data: { workspaceId: 'ws', asOf: '2026-11-26T00:00:00Z' },
    }) as unknown as Job;

  beforeEach(() => jest.clearAllMocks());

  it.each([
    ['a scheduled run while paused is skipped', false, 'sched-1', false],
    ['a scheduled run while enabled runs', true, 'sched-1', true],
    ['a run enqueued by hand while paused still runs', false, undefined, true],
  ])('%s', async (_name, periodic, repeatJobKey, runs) => {
    const result = await new CreateDueRevisitsJob(sweep, periodic).process(job(repeatJobKey));
    expect((sweep.sweep as jest.Mock).mock.calls.length).toBe(runs ? 1 : 0);
    if (!runs) expect(result).toEqual({ skipped: 'KAM_PERIODIC_JOBS=0' });
  });
});
