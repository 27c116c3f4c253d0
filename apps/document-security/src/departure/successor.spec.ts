import { successorOf } from './successor';

describe("a leaver's documents go to whoever takes over their work", () => {
  const departure = { successorId: 'am2', successorsByAccount: { huawei: 'am1' } };
  it.each<[string, string | null, string]>([
    ['a document about an account handed to its own successor', 'huawei', 'am1'],
    ['a document about another account', 'zte', 'am2'],
    ['a document about no account', null, 'am2'],
  ])('%s', (_name, accountId, expected) => {
    expect(successorOf(accountId, departure)).toBe(expected);
  });

  it('without a split, everything goes to the one successor', () => {
    expect(successorOf('huawei', { successorId: 'am2' })).toBe('am2');
  });
});
