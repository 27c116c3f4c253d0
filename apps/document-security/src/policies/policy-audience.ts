import type { Role } from '@app/contracts';

/**
 * Who must acknowledge a policy (制度), as a plain rule: every active member of the department's staff. Members who
 * are only administrators or security officers read no business documents and are not asked (DESIGN §4).
 */
const NOT_STAFF: Role[] = ['admin', 'security_officer'];

export interface AudienceMember {
  memberId: string;
  name: string;
  roles: Role[];
  status: 'active' | 'departed';
}

export function policyAudience<M extends AudienceMember>(roster: M[]): M[] {
  return roster.filter((m) => m.status === 'active' && m.roles.some((r) => !NOT_STAFF.includes(r)));
}

/** Classifications a policy for everyone may have: every staff member must be able to read it. */
export const PUBLISHABLE_CLASSIFICATIONS = ['public', 'internal'];

/** The audience split into who has acknowledged the version and who has not, in roster order. */
export function splitAcknowledged<M extends AudienceMember>(
  audience: M[],
  acknowledged: Map<string, Date>,
): { acknowledged: (M & { acknowledgedAt: Date })[]; pending: M[] } {
  const done: (M & { acknowledgedAt: Date })[] = [];
  const pending: M[] = [];
  for (const m of audience) {
    const at = acknowledged.get(m.memberId);
    if (at) done.push({ ...m, acknowledgedAt: at });
    else pending.push(m);
  }
  return { acknowledged: done, pending };
}

/** `YYYY-MM-DD` of an instant in a time zone: reminders go out once per member, version and day. */
export function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
