import { Role } from '@app/contracts';
import { AccountSubject, defineAbilityFor, RecordSubject } from '@app/authz';
import { readableTimelineWhere, redactTimeline, TIMELINE_SUBJECT, TimelineKind } from './timeline';

const ME = '11111111-1111-4111-8111-111111111111';
const SERVICE_TEAM = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

const abilityOf = (roles: Role[]) =>
  defineAbilityFor({
    actor: { workspaceId: 'ws-1', memberId: ME, roles, requestId: 'req-1' },
    teamIds: [SERVICE_TEAM],
    ledTeamIds: [],
  });

/** The kinds of record whose entries the condition lets through (the kind lists among its parameters). */
function subjectsIn(values: unknown[]): RecordSubject[] {
  const kinds = values.filter(
    (v): v is TimelineKind[] => Array.isArray(v) && v.some((k) => k in TIMELINE_SUBJECT),
  );
  return kinds.map((ks) => TIMELINE_SUBJECT[ks[0]]).sort();
}

const ALL: RecordSubject[] = [...new Set(Object.values(TIMELINE_SUBJECT))].sort();

describe('which entries of the cooperation timeline a role reads', () => {
  it.each<[string, Role, RecordSubject[] | 'none']>([
    ['a director reads every kind', 'director', ALL],
    ['an executive reads every kind', 'executive', ALL],
    ['a clerk reads every kind (amounts hidden)', 'clerk', ALL],
    [
      'customer service reads the account, its archive and service records, no contracts, orders, projects, risks or tenders',
      'customer_service',
      ['Account', 'AccountPlan', 'CommunicationRecord', 'Complaint', 'Contact', 'Revisit', 'Survey'],
    ],
    [
      'a market researcher reads the account and its contacts only',
      'market_researcher',
      ['Account', 'Contact'],
    ],
    ['a security officer reads none', 'security_officer', 'none'],
    ['an admin reads none', 'admin', 'none'],
  ])('%s', (_what, role, expected) => {
    const where = readableTimelineWhere(abilityOf([role]), 4);
    if (expected === 'none') {
      expect(where).toEqual({ sql: 'FALSE', values: [] });
      return;
    }
    expect(subjectsIn(where.values)).toEqual(expected);
    // Placeholders follow the caller's four, one per value, none skipped.
    const used = [...where.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    expect(Math.min(...used)).toBe(5);
    expect(new Set(used).size).toBe(where.values.length);
    expect(Math.max(...used)).toBe(4 + where.values.length);
  });

  it('customer service reads service records only on accounts of their service team (a condition, not TRUE)', () => {
    const where = readableTimelineWhere(abilityOf(['customer_service']), 0);
    expect(where.sql).toContain('a.service_team_id');
    expect(where.values).toContainEqual([SERVICE_TEAM]);
  });

  it('every kind of entry belongs to a kind of record', () => {
    for (const subjectName of Object.values(TIMELINE_SUBJECT)) expect(ALL).toContain(subjectName);
  });
});

describe('the redactions of each entry’s own endpoint', () => {
  const account: AccountSubject = { ownerId: 'someone-else', serviceTeamId: SERVICE_TEAM, assistantIds: [] };
  const entry = (kind: string, details: Record<string, unknown>) => ({
    seq: 1,
    at: '2026-11-26T01:00:00.000Z',
    actorId: null,
    kind,
    details,
  });

  it.each<[string, Role, string, Record<string, unknown>, string[]]>([
    [
      'a clerk sees no contract amount',
      'clerk',
      'contract_updated',
      { contractId: 'c', amount: 1, title: 'x' },
      ['amount'],
    ],
    ['a clerk sees no plan budget', 'clerk', 'plan_created', { planId: 'p', budget: 5 }, ['budget']],
    [
      'a market researcher sees no contact phone or e-mail',
      'market_researcher',
      'contact_added',
      { contactId: 'c', name: '王', phone: '1', email: 'e' },
      ['phone', 'email'],
    ],
    ['the director sees everything', 'director', 'contract_updated', { amount: 1 }, []],
    [
      'customer service sees contact details of their service team',
      'customer_service',
      'contact_added',
      { phone: '1' },
      [],
    ],
    ['nothing to hide: nothing redacted', 'clerk', 'contract_created', { title: '框架协议' }, []],
  ])('%s', (_what, role, kind, details, redacted) => {
    const [out] = redactTimeline(abilityOf([role]), account, [entry(kind, details)]);
    expect(out.redacted).toEqual(redacted);
    for (const k of Object.keys(details))
      expect(out.details[k]).toBe(redacted.includes(k) ? null : details[k]);
  });
});
