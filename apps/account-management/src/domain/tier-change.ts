/**
 * Manual tier changes (DESIGN §5): a reason is required; downgrading an account from one of the top tiers
 * (the top two by default) waits for the director's approval. Pure domain code.
 */
import { tierRank, TierLadder } from './tier-ladder';

export type TierChangeOutcome = 'applied' | 'pending_approval' | 'no_change';

export function tierChangeOutcome(
  ladder: TierLadder,
  from: string,
  to: string,
  opts: { protectedTopTiers: number; approverIsDirector: boolean },
): TierChangeOutcome {
  if (from === to) return 'no_change';
  const fromRank = tierRank(ladder, from);
  const toRank = tierRank(ladder, to);
  const isDowngrade = fromRank >= 0 && toRank > fromRank;
  const fromProtected = fromRank >= 0 && fromRank < opts.protectedTopTiers;
  if (isDowngrade && fromProtected && !opts.approverIsDirector) return 'pending_approval';
  return 'applied';
}
