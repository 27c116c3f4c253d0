import { subject as asSubject } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import { KamAbility } from './ability';
import { AccountSubject, ALL_FIELDS_OF, RecordSubject } from './subjects';

/**
 * Field redaction: every field the ability does not let the actor read is set to null and named in `redacted`.
 * `conditionView` is the row as the ability's conditions see it (with relation fields such as ownerTeamId).
 */
export function redact<T extends object>(
  ability: KamAbility,
  subjectName: RecordSubject,
  record: T,
  conditionView: AccountSubject,
): T & { redacted: string[] } {
  const all = ALL_FIELDS_OF[subjectName];
  const permitted = new Set(
    permittedFieldsOf(ability, 'read', asSubject(subjectName, { ...conditionView }), {
      fieldsFrom: (rule) => rule.fields || [...all],
    }),
  );
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  const redacted: string[] = [];
  for (const f of all) {
    if (!permitted.has(f) && f in out) {
      out[f] = null;
      redacted.push(f);
    }
  }
  return { ...(out as T), redacted };
}
