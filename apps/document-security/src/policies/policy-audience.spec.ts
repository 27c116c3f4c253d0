import { AudienceMember, dayIn, policyAudience, splitAcknowledged } from './policy-audience';

const m = (
  memberId: string,
  roles: AudienceMember['roles'],
  status: AudienceMember['status'] = 'active',
) => ({
  memberId,
  name: memberId,
  roles,
  status,
});

describe('every active member of the department acknowledges a published policy', () => {
  it.each<[string, AudienceMember, boolean]>([
    ['an account manager', m('am', ['account_manager']), true],
    ['the director', m('d', ['director']), true],
    ['a clerk', m('c', ['clerk']), true],
    ['an executive', m('x', ['executive']), true],
    ['a member who has left', m('gone', ['account_manager'], 'departed'), false],
    ['an administrator only', m('adm', ['admin']), false],
    ['a security officer only', m('sec', ['security_officer']), false],
    ['a security officer who is also a clerk', m('sc', ['security_officer', 'clerk']), true],
  ])('%s: %s', (_name, member, expected) => {
    expect(policyAudience([member]).length === 1).toBe(expected);
  });

  it('splits the audience into who has acknowledged and who has not', () => {
    const at = new Date('2026-11-27T01:00:00Z');
    const r = splitAcknowledged([m('a', ['clerk']), m('b', ['clerk'])], new Map([['b', at]]));
    expect(r.acknowledged.map((x) => [x.memberId, x.acknowledgedAt])).toEqual([['b', at]]);
    expect(r.pending.map((x) => x.memberId)).toEqual(['a']);
  });
});

describe('the day of a reminder is the workspace’s day', () => {
  it.each([
    ['2026-11-26T16:30:00Z', '2026-11-27'],
    ['2026-11-26T15:59:59Z', '2026-11-26'],
  ])('%s in Shanghai is %s', (at, day) => {
    expect(dayIn(new Date(at), 'Asia/Shanghai')).toBe(day);
  });
});
