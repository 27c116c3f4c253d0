/**
 * Who takes over a leaver's document (issue 6, point 7; DESIGN §5 staff departure): the successor named for the
 * document's account when the departure splits the accounts, else the one successor for everything.
 */
export function successorOf(
  accountId: string | null,
  departure: { successorId: string; successorsByAccount?: Record<string, string> | null },
): string {
  return (accountId && departure.successorsByAccount?.[accountId]) || departure.successorId;
}
