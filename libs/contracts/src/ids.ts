/**
 * Ids are uuids written in lower case (DESIGN §6). PostgreSQL compares uuids without regard to case while CASL and
 * JavaScript compare strings, so an id in another case could satisfy one and escape the other (a "cannot" rule on
 * `memberId` did not match the upper-case id of the same member). Every id is made canonical where it enters: the
 * token, the path, the body and query (parseDto), and the actor envelope a service receives.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** The canonical form of a uuid (lower case); undefined when `value` is not a uuid in any case. */
export function canonicalId(value: unknown): string | undefined {
  return isUuid(value) ? value.toLowerCase() : undefined;
}

/**
 * A copy of a parsed JSON value in which every string that is a uuid (in any case) is in lower case. Strings that
 * are not uuids, and every other value, are left as they are; the input is not changed.
 */
export function canonicalIds<T>(value: T): T {
  if (typeof value === 'string') return (UUID_PATTERN.test(value) ? value.toLowerCase() : value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const c = canonicalIds(v);
      if (c !== v) (copy ??= value.slice())[i] = c;
    }
    return (copy ?? value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const c = canonicalIds(v);
    if (c !== v) (copy ??= { ...(value as Record<string, unknown>) })[key] = c;
  }
  return (copy ?? value) as T;
}
