import { KamError } from '@app/contracts';

/** Reads the row version from If-Match: `"3"`, `W/"3"` or `3`. Missing is 428; malformed is 400. */
export function versionFromIfMatch(header: string | undefined): number {
  if (header === undefined || header.trim() === '') throw new KamError('precondition_required');
  const m = /^\s*(?:W\/)?(?:"(\d{1,9})"|(\d{1,9}))\s*$/.exec(header);
  const version = m ? Number(m[1] ?? m[2]) : 0;
  if (!m || version < 1)
    throw new KamError('validation_failed', { fields: 'If-Match' }, [
      { field: 'If-Match', message: 'If-Match must be the record version, e.g. "3"' },
    ]);
  return version;
}

/** If-Match is optional on deletes and approvals: when given, it must be the current version. */
export function optionalIfMatch(ifMatch: string | undefined): number | undefined {
  return ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch);
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(header))
    throw new KamError('validation_failed', { fields: 'Idempotency-Key' }, [
      { field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-200 visible ASCII characters' },
    ]);
  return header;
}
