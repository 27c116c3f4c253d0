import { createHash } from 'node:crypto';
import { canonicalJson, checkChain, entryHash, GENESIS_HASH, StoredEntry } from './access-log-chain';

function chain(n: number): StoredEntry[] {
  const out: StoredEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      workspaceId: 'ws',
      seq: i,
      memberId: 'm1',
      action: 'download',
      subject: 'document',
      documentId: 'd1',
      details: { version: i, file: '合同.pdf' },
      at: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(),
    };
    const hash = entryHash(e, prev);
    out.push({ ...e, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('the access log is a hash chain: an entry edited behind the service is found', () => {
  it('serialises objects the same whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, 'x'] }, b: 1 }),
    );
  });

  it.each([
    ['a view', { documentId: 'd1', details: { classification: 'secret', requestId: 'r1' } }],
    ['no document', { documentId: null, details: {} }],
    ['nested details', { documentId: null, details: { filters: { tier: ['gold', 1], q: '华为' }, n: 1.5 } }],
    ['a key left undefined', { documentId: 'd2', details: { a: undefined, b: false } }],
  ])('hashes %s as SHA-256 over the canonical JSON of its fields and the previous hash', (_, part) => {
    const e = {
      id: '00000000-0000-4000-8000-000000000001',
      workspaceId: 'ws',
      seq: 7,
      memberId: 'm1',
      action: 'view',
      subject: 'document',
      at: '2026-11-01T00:00:01.000Z',
      ...part,
    };
    const canonical = canonicalJson([
      e.id,
      e.workspaceId,
      e.seq,
      e.memberId,
      e.action,
      e.subject,
      e.documentId,
      e.details,
      e.at,
      GENESIS_HASH,
    ]);
    expect(entryHash(e, GENESIS_HASH)).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('an untouched chain verifies', () => {
    expect(checkChain(chain(5), { seq: 0, hash: GENESIS_HASH })).toMatchObject({
      ok: true,
      cursor: { seq: 5 },
    });
  });

  it.each([
    ['an edited member', (c: StoredEntry[]) => (c[2].memberId = 'someone-else'), 3, /content/],
    [
      'an edited detail',
      (c: StoredEntry[]) => ((c[2].details as { version: number }).version = 99),
      3,
      /content/,
    ],
    ['a removed entry', (c: StoredEntry[]) => c.splice(1, 1), 3, /gap/],
    [
      'a recomputed hash without relinking',
      (c: StoredEntry[]) => {
        c[1].action = 'view';
        c[1].hash = entryHash(c[1], c[1].prevHash);
      },
      3,
      /previous hash/,
    ],
  ])('%s is reported at the first broken entry', (_, tamper, seq, reason) => {
    const c = chain(5);
    tamper(c);
    const r = checkChain(c, { seq: 0, hash: GENESIS_HASH });
    expect(r).toMatchObject({ ok: false, seq });
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
