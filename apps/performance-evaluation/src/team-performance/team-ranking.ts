/**
 * Team performance (团队绩效): completion of the team's sales target and the director's collaboration rating,
 * ranked by completion, then collaboration. Pure: no NestJS, TypeORM or NATS.
 */
import { divRoundHalfUp } from '../domain/decimal';

/** sales ÷ target in hundredths of a percent, half up (96.50% → 9650n); null without a positive target. */
export function completionHundredths(salesMinor: bigint, targetMinor: bigint | null): bigint | null {
  if (targetMinor === null || targetMinor <= 0n) return null;
  const v = divRoundHalfUp((salesMinor < 0n ? 0n : salesMinor) * 10000n, targetMinor);
  // The column is an int: an absurd over-achievement is capped rather than overflowing.
  return v > 2_000_000_000n ? 2_000_000_000n : v;
}

export interface TeamScore {
  teamId: string;
  completion: bigint | null;
  collaboration: bigint | null;
}

/**
 * Competition ranking (1, 2, 2, 4), highest completion first, then highest collaboration; a team without a
 * target or rating ranks below every team with one. Teams equal on both share a rank; ties are listed by id.
 */
export function rankTeams(teams: TeamScore[]): Map<string, number> {
  const cmp = (a: bigint | null, b: bigint | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a > b ? -1 : 1;
  const sorted = [...teams].sort(
    (a, b) =>
      cmp(a.completion, b.completion) ||
      cmp(a.collaboration, b.collaboration) ||
      (a.teamId < b.teamId ? -1 : a.teamId > b.teamId ? 1 : 0),
  );
  const ranks = new Map<string, number>();
  sorted.forEach((t, i) => {
    const prev = sorted[i - 1];
    const same =
      prev && cmp(prev.completion, t.completion) === 0 && cmp(prev.collaboration, t.collaboration) === 0;
    ranks.set(t.teamId, same ? ranks.get(prev.teamId)! : i + 1);
  });
  return ranks;
}
