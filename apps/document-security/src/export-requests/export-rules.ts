/**
 * Export controls (issue 6, point 5), as plain rules: when a bulk export needs the director's approval first, and
 * whether an approved request may be used for the export in hand. No Nest, TypeORM or NATS here.
 */

/** An approved request is downloaded once, within a day of the decision. */
export const EXPORT_DOWNLOAD_WINDOW_MS = 24 * 60 * 60 * 1000;

/** More items than the threshold, or any secret document, needs an approved export request. */
export function needsApproval(count: number, includesSecret: boolean, threshold: number): boolean {
  return includesSecret || count > threshold;
}

export interface ExportRequestState {
  kind: 'documents' | 'accounts';
  requesterId: string;
  status: 'pending' | 'approved' | 'rejected';
  expiresAt: Date | null;
  usedAt: Date | null;
  documentIds: string[];
  accountFilters: Record<string, unknown> | null;
}

export interface ExportAttempt {
  kind: 'documents' | 'accounts';
  memberId: string;
  now: Date;
  documentIds?: string[];
  accountFilters?: Record<string, unknown>;
}

/** Filters that do not change which rows go out. */
const NOT_FILTERS = new Set(['sort', 'exportRequestId', 'limit', 'cursor']);

/**
 * Account filters as a comparable text: keys sorted, values as strings, empty ones and sort order left out (the
 * query string of the export and the JSON of the request then compare equal).
 */
export function canonicalFilters(filters: Record<string, unknown> | null | undefined): string {
  const entries = Object.entries(filters ?? {})
    .filter(([k, v]) => !NOT_FILTERS.has(k) && v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [k, Array.isArray(v) ? v.map(String).sort().join(',') : String(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

const sameSet = (a: string[], b: string[]) => {
  const x = new Set(a.map((s) => s.toLowerCase()));
  const y = new Set(b.map((s) => s.toLowerCase()));
  return x.size === y.size && [...x].every((v) => y.has(v));
};

/** Why the request cannot cover this export, or null when it can (and is then used up). */
export function whyNotUsable(r: ExportRequestState, a: ExportAttempt): string | null {
  if (r.requesterId !== a.memberId) return 'it was made by someone else';
  if (r.kind !== a.kind) return `it is for an export of ${r.kind}`;
  if (r.status === 'pending') return 'it is not decided yet';
  if (r.status === 'rejected') return 'it was rejected';
  if (r.usedAt) return 'it was used already (one download per approval)';
  if (!r.expiresAt || r.expiresAt.getTime() <= a.now.getTime()) return 'its download window has passed';
  if (a.kind === 'documents' && !sameSet(r.documentIds, a.documentIds ?? []))
    return 'it names other documents';
  if (a.kind === 'accounts' && canonicalFilters(r.accountFilters) !== canonicalFilters(a.accountFilters))
    return 'it names other filters';
  return null;
}
