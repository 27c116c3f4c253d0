import { nextStepProblem, occurredAtProblem } from './archive';

describe('dating a communication record (visit, call, meeting …)', () => {
  const now = new Date('2026-11-20T12:00:00+08:00');

  it.each([
    ['a visit this morning', '2026-11-20T09:30:00+08:00'],
    ['a call last year', '2025-03-01T10:00:00Z'],
    ['a meeting this evening, written with a European offset', '2026-11-20T20:00:00+01:00'],
    ['exactly one day ahead', '2026-11-21T12:00:00+08:00'],
  ])('%s can be recorded', (_name, at) => {
    expect(occurredAtProblem(at, now)).toBeNull();
  });

  it.each([
    ['a visit planned for next week', '2026-11-27T09:00:00+08:00'],
    ['one minute more than a day ahead', '2026-11-21T12:01:00+08:00'],
  ])('%s cannot: a record is written after the contact took place', (_name, at) => {
    expect(occurredAtProblem(at, now)).toMatch(/more than one day in the future/);
  });
});

describe('next steps of a communication record', () => {
  it.each([
    ['no next steps at all', {}, null],
    ['next steps without a due date', { nextSteps: '提交报价' }, null],
    ['next steps with a due date', { nextSteps: '提交报价', nextStepDue: '2026-11-27' }, null],
  ])('%s is fine', (_name, r, expected) => {
    expect(nextStepProblem(r)).toBe(expected);
  });

  it('a due date without saying what is due is refused', () => {
    expect(nextStepProblem({ nextStepDue: '2026-11-27' })).toMatch(/needs nextSteps/);
  });
});
