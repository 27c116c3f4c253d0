/**
 * Monthly ranking within a team and the elimination warning (三个月排名倒数第一人员,公司将进行末位淘汰;
 * DESIGN §5: a warning for the director, never automatic). Pure domain code: no NestJS, TypeORM or NATS.
 */

export interface RankEntry {
  memberId: string;
  scoreHundredths: bigint;
}

export interface RankedEntry {
  memberId: string;
  scoreHundredths: bigint;
  rank: number;
  isLast: boolean;
}

/**
 * Competition ranking by score, highest first: equal scores share a rank and the next rank skips
 * (1, 2, 2, 4). Every member tied at the lowest score is last. There is no last place when the ranking cannot
 * tell anyone apart: a team of one, or a team where everyone has the same score. Members with equal scores are
 * listed by member id so the order is stable.
 */
export function rankWithin(entries: RankEntry[]): RankedEntry[] {
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.memberId)) throw new Error(`member ${e.memberId} appears twice in the ranking`);
    ids.add(e.memberId);
  }
  const sorted = [...entries].sort((a, b) =>
    a.scoreHundredths === b.scoreHundredths
      ? a.memberId < b.memberId
        ? -1
        : a.memberId > b.memberId
          ? 1
          : 0
      : a.scoreHundredths > b.scoreHundredths
        ? -1
        : 1,
  );
  if (sorted.length === 0) return [];
  const lowest = sorted[sorted.length - 1].scoreHundredths;
  const highest = sorted[0].scoreHundredths;
  const someoneIsLast = highest !== lowest;
  let rank = 0;
  return sorted.map((e, i) => {
    if (i === 0 || e.scoreHundredths !== sorted[i - 1].scoreHundredths) rank = i + 1;
    return {
      memberId: e.memberId,
      scoreHundredths: e.scoreHundredths,
      rank,
      isLast: someoneIsLast && e.scoreHundredths === lowest,
    };
  });
}

/** The member ids in last place, from a ranking. */
export function lastPlace(ranked: RankedEntry[]): string[] {
  return ranked.filter((r) => r.isLast).map((r) => r.memberId);
}

/**
 * Members last in each of the final `months` consecutive months, given each month's last-place member ids,
 * oldest month first (a month with nobody last is an empty list and breaks the run). Nobody is a candidate
 * before there are `months` months of history. The result follows the order of the latest month.
 */
export function eliminationCandidates(lastPlaceByMonth: string[][], months = 3): string[] {
  if (!Number.isInteger(months) || months < 1)
    throw new RangeError('months must be a whole number of at least 1');
  if (lastPlaceByMonth.length < months) return [];
  const window = lastPlaceByMonth.slice(-months);
  const [latest, ...earlier] = [...window].reverse();
  return [...new Set(latest)].filter((id) => earlier.every((m) => m.includes(id)));
}
