import { EntityManager } from 'typeorm';
import { CreateRecordDto, FieldError } from '@app/contracts';

/** Record kinds that name their attendees: customer care activities and customer trainings (客户关怀, 客户培训). */
export const KINDS_WITH_ATTENDEES: readonly string[] = ['care', 'training'];

/**
 * What is wrong with a record's attendees: only care and training have them; customer attendees are contacts of
 * this account (or a name), staff attendees active members of this workspace.
 */
export async function attendeeProblems(
  m: EntityManager,
  workspaceId: string,
  accountId: string,
  dto: CreateRecordDto,
): Promise<FieldError[]> {
  const a = dto.attendees;
  if (!a) return [];
  if (!KINDS_WITH_ATTENDEES.includes(dto.kind))
    return [{ field: 'attendees', message: 'only care and training records have attendees' }];
  const errors: FieldError[] = [];
  const customers = a.customers ?? [];
  const staff = a.staff ?? [];
  if (!customers.length && !staff.length)
    errors.push({ field: 'attendees', message: 'attendees needs at least one customer or staff attendee' });
  customers.forEach((c, i) => {
    if (!c.contactId && !c.name)
      errors.push({
        field: `attendees.customers.${i}`,
        message: 'a customer attendee needs a contactId or a name',
      });
  });
  const contactIds = [...new Set(customers.map((c) => c.contactId).filter((c): c is string => !!c))];
  if (contactIds.length) {
    const found: { id: string }[] = await m.query(
      `SELECT id FROM contacts WHERE workspace_id = $1 AND account_id = $2 AND id = ANY($3)`,
      [workspaceId, accountId, contactIds],
    );
    const known = new Set(found.map((r) => r.id));
    const unknown = contactIds.filter((c) => !known.has(c));
    if (unknown.length)
      errors.push({
        field: 'attendees.customers',
        message: `every customer attendee must be a contact of this account; not: ${unknown.join(', ')}`,
      });
  }
  if (staff.length) {
    const found: { id: string }[] = await m.query(
      `SELECT id FROM members WHERE workspace_id = $1 AND status = 'active' AND id = ANY($2)`,
      [workspaceId, staff],
    );
    const known = new Set(found.map((r) => r.id));
    const unknown = staff.filter((s) => !known.has(s));
    if (unknown.length)
      errors.push({
        field: 'attendees.staff',
        message: `every staff attendee must be an active member of this workspace; not: ${unknown.join(', ')}`,
      });
  }
  return errors;
}

/** The attendees column of a record (JSON), or null. */
export function recordAttendees(dto: CreateRecordDto): string | null {
  if (!dto.attendees || !KINDS_WITH_ATTENDEES.includes(dto.kind)) return null;
  return JSON.stringify({
    customers: (dto.attendees.customers ?? []).map((c) => ({
      ...(c.contactId ? { contactId: c.contactId } : {}),
      ...(c.name ? { name: c.name } : {}),
    })),
    staff: dto.attendees.staff ?? [],
  });
}
