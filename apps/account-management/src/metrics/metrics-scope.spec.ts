import type { Role } from '@app/contracts';
import { metricsScope, MetricsScope, scopeCoversMembers } from './metrics-scope';

const LED = 'team-led';
const OTHER = 'team-other';

describe('who may read the monthly scorecard inputs', () => {
  it.each([
    ['performance-evaluation asking as a system caller reads everyone', 'system', [], { kind: 'all' }],
    ['a director reads everyone', 'user', ['director'], { kind: 'all' }],
    ['a deputy director reads everyone', 'user', ['deputy_director'], { kind: 'all' }],
    ['an executive reads everyone', 'user', ['executive'], { kind: 'all' }],
    ['a group leader reads the teams they lead', 'user', ['group_leader'], { kind: 'teams', teamIds: [LED] }],
    ['an account manager reads nobody here', 'user', ['account_manager'], { kind: 'none' }],
    ['a clerk reads nobody here', 'user', ['clerk'], { kind: 'none' }],
    ['an admin reads nobody here (no business data)', 'user', ['admin'], { kind: 'none' }],
    ['an API key without a reading role reads nobody', 'api_key', [], { kind: 'none' }],
    [
      'a group leader who is also executive reads everyone',
      'user',
      ['group_leader', 'executive'],
      { kind: 'all' },
    ],
  ] as [string, 'user' | 'system' | 'api_key', Role[], MetricsScope][])(
    '%s',
    (_name, kind, roles, expected) => {
      expect(metricsScope({ kind, roles }, [LED])).toEqual(expected);
    },
  );

  it.each([
    ['everyone: members of any team or none', { kind: 'all' }, [LED, OTHER, null], true],
    [
      'a group leader: all members in the teams they lead',
      { kind: 'teams', teamIds: [LED] },
      [LED, LED],
      true,
    ],
    [
      'a group leader: one member of another team refuses all',
      { kind: 'teams', teamIds: [LED] },
      [LED, OTHER],
      false,
    ],
    [
      'a group leader: a member without a team is not theirs',
      { kind: 'teams', teamIds: [LED] },
      [null],
      false,
    ],
    ['a group leader who leads no team covers nobody', { kind: 'teams', teamIds: [] }, [LED], false],
    ['no scope covers nobody', { kind: 'none' }, [LED], false],
  ] as [string, MetricsScope, (string | null)[], boolean][])('%s', (_name, scope, teams, covered) => {
    expect(scopeCoversMembers(scope, teams)).toBe(covered);
  });
});
