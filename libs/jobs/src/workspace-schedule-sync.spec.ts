import { Logger } from '@nestjs/common';
import { ScheduledWorkspace, WorkspaceScheduleSync } from './workspace-schedule-sync';

const W1 = '11111111-1111-4111-8111-111111111111';
const W2 = '22222222-2222-4222-8222-222222222222';
const quiet = { log: () => undefined, warn: () => undefined } as unknown as Logger;

function setUp(lists: (ScheduledWorkspace[] | Error)[], failApply: string[] = []) {
  const applied: ScheduledWorkspace[] = [];
  let call = 0;
  const sync = new WorkspaceScheduleSync({
    logger: quiet,
    list: async () => {
      const next = lists[Math.min(call++, lists.length - 1)];
      if (next instanceof Error) throw next;
      return next;
    },
    apply: async (w) => {
      if (failApply.includes(w.id)) throw new Error('redis away');
      applied.push(w);
    },
  });
  return { sync, applied, calls: () => call };
}

describe('WorkspaceScheduleSync', () => {
  it.each([
    [
      'new workspaces are applied once, unchanged ones skipped',
      [[{ id: W1, timeZone: 'Asia/Shanghai' }], [{ id: W1, timeZone: 'Asia/Shanghai' }]],
      [{ id: W1, timeZone: 'Asia/Shanghai' }],
    ],
    [
      'a changed time zone is applied again',
      [[{ id: W1, timeZone: 'Asia/Shanghai' }], [{ id: W1, timeZone: 'America/New_York' }]],
      [
        { id: W1, timeZone: 'Asia/Shanghai' },
        { id: W1, timeZone: 'America/New_York' },
      ],
    ],
    [
      'a workspace provisioned later is applied at the next pass',
      [
        [{ id: W1, timeZone: 'Asia/Shanghai' }],
        [
          { id: W1, timeZone: 'Asia/Shanghai' },
          { id: W2, timeZone: 'Europe/Berlin' },
        ],
      ],
      [
        { id: W1, timeZone: 'Asia/Shanghai' },
        { id: W2, timeZone: 'Europe/Berlin' },
      ],
    ],
  ])('%s', async (_what, lists, expected) => {
    const { sync, applied } = setUp(lists);
    await sync.syncAll();
    await sync.syncAll();
    expect(applied).toEqual(expected);
  });

  it('a workspace whose upsert failed is tried again at the next pass; the others are not held up', async () => {
    const list = [
      { id: W1, timeZone: 'Asia/Shanghai' },
      { id: W2, timeZone: 'Asia/Shanghai' },
    ];
    const failing = [W1];
    const { sync, applied } = setUp([list], failing);
    expect(await sync.syncAll()).toBe(2);
    expect(applied.map((w) => w.id)).toEqual([W2]);
    failing.pop();
    await sync.syncAll();
    expect(applied.map((w) => w.id)).toEqual([W2, W1]);
  });

  it('an upsert reported through `applied` (a settings event) is not repeated by the next pass', async () => {
    const { sync, applied } = setUp([[{ id: W1, timeZone: 'Asia/Tokyo' }]]);
    sync.applied({ id: W1, timeZone: 'Asia/Tokyo' });
    expect(sync.has(W1)).toBe(true);
    await sync.syncAll();
    expect(applied).toEqual([]);
  });

  it('passes do not overlap: a second call during a pass shares it', async () => {
    const { sync, calls } = setUp([[{ id: W1, timeZone: 'Asia/Shanghai' }]]);
    const [a, b] = await Promise.all([sync.syncAll(), sync.syncAll()]);
    expect([a, b, calls()]).toEqual([1, 1, 1]);
  });

  it('without its source at start it retries in the background, then re-checks every minute', async () => {
    jest.useFakeTimers();
    try {
      const { sync, applied, calls } = setUp([
        new Error('no responders'),
        [{ id: W1, timeZone: 'Asia/Shanghai' }],
        [{ id: W1, timeZone: 'Europe/London' }],
      ]);
      expect(await sync.start()).toBe(0);
      expect(applied).toEqual([]);
      await jest.advanceTimersByTimeAsync(15_000);
      expect(applied).toEqual([{ id: W1, timeZone: 'Asia/Shanghai' }]);
      await jest.advanceTimersByTimeAsync(45_000);
      expect(calls()).toBe(3);
      expect(applied.slice(1)).toEqual([{ id: W1, timeZone: 'Europe/London' }]);
      sync.stop();
      await jest.advanceTimersByTimeAsync(120_000);
      expect(calls()).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
