import { entryHash, GENESIS_HASH } from './access-log-chain';
import { joinRanges, RangeResult } from './verify-range';

const h = (n: number) =>
  entryHash(
    {
      id: `e${n}`,
      workspaceId: 'w',
      seq: n,
      memberId: 'm',
      action: 'view',
      subject: 'document',
      documentId: null,
      details: {},
      at: '2026-11-27T00:00:00.000Z',
    },
    GENESIS_HASH,
  );

/** A range (from, to] that held, ending at `to` with hash h(to). */
const held = (from: number, to: number, prevHash = from ? h(from) : GENESIS_HASH): RangeResult => ({
  checked: to - from,
  firstBroken: null,
  first: to > from ? { id: `e${from + 1}`, seq: from + 1, prevHash } : null,
  end: { seq: to, hash: h(to) },
  lastId: to > from ? `e${to}` : null,
});

describe('joinRanges (the two halves of a verification)', () => {
  it.each<[string, RangeResult, RangeResult, Partial<RangeResult>]>([
    [
      'two halves that hold are one walk to the end of the second',
      held(0, 500),
      held(500, 1000),
      { checked: 1000, firstBroken: null, end: { seq: 1000, hash: h(1000) }, lastId: 'e1000' },
    ],
    [
      "the second half's first entry names another hash: broken there",
      held(0, 500),
      held(500, 1000, h(499)),
      {
        checked: 500,
        firstBroken: { id: 'e501', seq: 501, reason: 'previous hash does not match the entry before it' },
      },
    ],
    [
      'entries missing between the halves: a sequence gap at the first entry after them',
      held(0, 498),
      { ...held(500, 1000), first: { id: 'e501', seq: 501, prevHash: h(498) } },
      { firstBroken: { id: 'e501', seq: 501, reason: 'sequence gap: expected 499, found 501' } },
    ],
    [
      'a break in the first half wins over one in the second',
      { ...held(0, 500), checked: 10, firstBroken: { id: 'e11', seq: 11, reason: 'x' } },
      { ...held(500, 1000), firstBroken: { id: 'e600', seq: 600, reason: 'y' } },
      { checked: 10, firstBroken: { id: 'e11', seq: 11, reason: 'x' } },
    ],
    [
      "a break inside the second half counts the first half's entries too",
      held(0, 500),
      { ...held(500, 1000), checked: 99, firstBroken: { id: 'e600', seq: 600, reason: 'y' } },
      { checked: 599, firstBroken: { id: 'e600', seq: 600, reason: 'y' } },
    ],
    [
      'an empty second half ends the walk with the first (the head check then finds what was removed)',
      held(0, 500),
      held(500, 500),
      { checked: 500, firstBroken: null, end: { seq: 500, hash: h(500) } },
    ],
  ])('%s', (_what, a, b, expected) => {
    expect(joinRanges(a, b)).toMatchObject(expected);
  });
});
