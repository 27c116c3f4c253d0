import {
  canonicalFilters,
  EXPORT_DOWNLOAD_WINDOW_MS,
  ExportRequestState,
  needsApproval,
  whyNotUsable,
} from './export-rules';

describe('a bulk export needs the director’s approval first', () => {
  it.each<[string, number, boolean, number, boolean]>([
    ['100 documents at the default threshold of 100', 100, false, 100, false],
    ['101 documents at the default threshold of 100', 101, false, 100, true],
    ['a single secret document', 1, true, 100, true],
    ['three documents with a threshold of 2', 3, false, 2, true],
    ['nothing over a threshold of 0', 0, false, 0, false],
  ])('%s', (_name, count, secret, threshold, expected) => {
    expect(needsApproval(count, secret, threshold)).toBe(expected);
  });
});

describe('an approved request covers one download of what was approved, by its requester, in time', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  const approved: ExportRequestState = {
    kind: 'documents',
    requesterId: 'am1',
    status: 'approved',
    expiresAt: new Date(now.getTime() + EXPORT_DOWNLOAD_WINDOW_MS),
    usedAt: null,
    documentIds: ['A', 'b'],
    accountFilters: null,
  };
  const attempt = { kind: 'documents' as const, memberId: 'am1', now, documentIds: ['b', 'a'] };

  it.each<[string, Partial<ExportRequestState>, Partial<typeof attempt>, string | null]>([
    ['the approved documents, in any order', {}, {}, null],
    ['someone else’s approval', {}, { memberId: 'am2' }, 'it was made by someone else'],
    ['a pending request', { status: 'pending' }, {}, 'it is not decided yet'],
    ['a rejected request', { status: 'rejected' }, {}, 'it was rejected'],
    ['a second download', { usedAt: now }, {}, 'it was used already (one download per approval)'],
    ['after the window', { expiresAt: now }, {}, 'its download window has passed'],
    ['one more document than approved', {}, { documentIds: ['a', 'b', 'c'] }, 'it names other documents'],
  ])('%s', (_name, r, a, expected) => {
    expect(whyNotUsable({ ...approved, ...r }, { ...attempt, ...a })).toBe(expected);
  });

  it('an account export must use the filters the director saw (sort order aside)', () => {
    const r = { ...approved, kind: 'accounts' as const, documentIds: [], accountFilters: { tier: 'gold' } };
    const a = { kind: 'accounts' as const, memberId: 'am1', now };
    expect(whyNotUsable(r, { ...a, accountFilters: { tier: 'gold', sort: 'name' } })).toBeNull();
    expect(whyNotUsable(r, { ...a, accountFilters: {} })).toBe('it names other filters');
    expect(whyNotUsable(r, { ...a, accountFilters: { tier: 'gold', region: '华南' } })).toBe(
      'it names other filters',
    );
  });

  it('filters compare as text, whatever their order or empty values', () => {
    expect(canonicalFilters({ b: '1', a: 'x', q: '' })).toBe(canonicalFilters({ a: 'x', b: 1 }));
  });
});
