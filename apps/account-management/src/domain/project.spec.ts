import {
  allowedProjectMoves,
  canMoveProject,
  canRequestApproval,
  doneOnTime,
  localDate,
  PROJECT_STAGE_LIST,
  PROJECT_TRANSITIONS,
  ProjectStageFacts,
  ProjectStageName,
  projectProgress,
  projectStageBlocker,
} from './project';

describe('project stages (立项 → 计划 → 执行 → 验收 → 总结)', () => {
  const legal: [ProjectStageName, ProjectStageName][] = [
    ['initiation', 'planning'],
    ['planning', 'execution'],
    ['execution', 'acceptance'],
    ['acceptance', 'summary'],
    ['acceptance', 'execution'],
    ['summary', 'closed'],
  ];
  it.each(legal)('a project may move from %s to %s', (from, to) => {
    expect(canMoveProject(from, to)).toBe(true);
  });

  const illegal: [ProjectStageName, ProjectStageName][] = [
    ['initiation', 'execution'],
    ['initiation', 'closed'],
    ['planning', 'acceptance'],
    ['execution', 'summary'],
    ['execution', 'planning'],
    ['summary', 'acceptance'],
    ['closed', 'initiation'],
    ['planning', 'planning'],
  ];
  it.each(illegal)('a project may not jump from %s to %s', (from, to) => {
    expect(canMoveProject(from, to)).toBe(false);
  });

  it('every target is a stage; only closed is final', () => {
    for (const s of PROJECT_STAGE_LIST) {
      for (const t of PROJECT_TRANSITIONS[s]) expect(PROJECT_STAGE_LIST).toContain(t);
      expect(allowedProjectMoves(s).length === 0).toBe(s === 'closed');
    }
  });

  const ready: ProjectStageFacts = {
    approval: 'approved',
    openTasks: 0,
    acceptedByCustomer: true,
    summary: '按期交付',
    lessons: '提前锁定需求',
  };
  const blockers: [string, ProjectStageName, Partial<ProjectStageFacts>, string | null][] = [
    ['execution without approval', 'execution', { approval: 'not_requested' }, 'approval_required'],
    ['execution with approval pending', 'execution', { approval: 'pending' }, 'approval_required'],
    ['execution after a rejection', 'execution', { approval: 'rejected' }, 'approval_required'],
    ['execution approved', 'execution', {}, null],
    ['acceptance with an open task', 'acceptance', { openTasks: 1 }, 'tasks_open'],
    ['acceptance with every task done or waived', 'acceptance', {}, null],
    ['summary without acceptance', 'summary', { acceptedByCustomer: null }, 'acceptance_required'],
    [
      'summary when the customer did not accept',
      'summary',
      { acceptedByCustomer: false },
      'acceptance_required',
    ],
    ['summary accepted', 'summary', {}, null],
    ['closing without a summary', 'closed', { summary: null }, 'summary_required'],
    ['closing with a blank summary', 'closed', { summary: '  ' }, 'summary_required'],
    ['closing without lessons', 'closed', { lessons: null }, 'lessons_required'],
    ['closing with both', 'closed', {}, null],
    ['planning needs nothing', 'planning', { approval: 'not_requested', openTasks: 3 }, null],
  ];
  it.each(blockers)('%s', (_, to, over, expected) => {
    expect(projectStageBlocker(to, { ...ready, ...over })).toBe(expected);
  });

  const approvals: [ProjectStageName, ProjectStageFacts['approval'], boolean][] = [
    ['initiation', 'not_requested', true],
    ['planning', 'rejected', true],
    ['planning', 'pending', false],
    ['planning', 'approved', false],
    ['execution', 'not_requested', false],
  ];
  it.each(approvals)('in %s with approval %s, approval may be requested: %s', (stage, approval, ok) => {
    expect(canRequestApproval(stage, approval)).toBe(ok);
  });
});

describe('project progress from tasks', () => {
  const t = (progress: number, done = false, waived = false) => ({ progress, done, waived });
  const cases: [string, ReturnType<typeof t>[], number][] = [
    ['no tasks', [], 0],
    ['one half-done task', [t(50)], 50],
    ['a done task counts 100', [t(40, true), t(0)], 50],
    ['waived tasks are left out', [t(100, true), t(0, false, true)], 100],
    ['only waived tasks', [t(0, false, true)], 0],
    ['rounded', [t(10), t(0), t(0)], 3],
  ];
  it.each(cases)('%s', (_, tasks, expected) => {
    expect(projectProgress(tasks)).toBe(expected);
  });
});

describe('on time: done on or before the due date in the workspace time zone', () => {
  const cases: [string, string, string, string, boolean][] = [
    [
      'the due day, late evening in Shanghai',
      '2026-11-30T23:30:00+08:00',
      '2026-11-30',
      'Asia/Shanghai',
      true,
    ],
    [
      'after midnight in Shanghai, still the due day in UTC',
      '2026-12-01T00:30:00+08:00',
      '2026-11-30',
      'Asia/Shanghai',
      false,
    ],
    ['the same instant is on time in UTC', '2026-12-01T00:30:00+08:00', '2026-11-30', 'UTC', true],
    ['early', '2026-11-20T09:00:00+08:00', '2026-11-30', 'Asia/Shanghai', true],
  ];
  it.each(cases)('%s', (_, doneAt, dueOn, tz, expected) => {
    expect(doneOnTime(new Date(doneAt), dueOn, tz)).toBe(expected);
  });

  it('localDate gives the calendar date of the zone', () => {
    expect(localDate(new Date('2026-11-30T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-12-01');
    expect(localDate(new Date('2026-11-30T16:30:00Z'), 'UTC')).toBe('2026-11-30');
  });
});
