/**
 * Tier ladders (DESIGN §5). A ladder is ordered from the highest tier to the lowest.
 * Pure domain code: no NestJS, TypeORM or NATS.
 */
export interface Tier {
  key: string;
  label: { 'zh-CN': string; en: string };
  /** Days between revisits for accounts of this tier. */
  revisitDays: number;
  /** The lowest evaluation score (0-100) that recommends this tier. */
  minScore: number;
}

export type TierLadder = Tier[];

export const TIER_PRESETS: Record<'policy' | 'abc' | 'strategic', TierLadder> = {
  policy: [
    { key: 'gold', label: { 'zh-CN': '金牌', en: 'Gold' }, revisitDays: 14, minScore: 90 },
    { key: 'diamond', label: { 'zh-CN': '钻石', en: 'Diamond' }, revisitDays: 30, minScore: 80 },
    { key: 'platinum', label: { 'zh-CN': '铂金', en: 'Platinum' }, revisitDays: 45, minScore: 70 },
    { key: 'white_gold', label: { 'zh-CN': '白金', en: 'White gold' }, revisitDays: 60, minScore: 60 },
    { key: 'silver', label: { 'zh-CN': '银', en: 'Silver' }, revisitDays: 90, minScore: 0 },
  ],
  abc: [
    { key: 'A', label: { 'zh-CN': 'A 类', en: 'A' }, revisitDays: 30, minScore: 80 },
    { key: 'B', label: { 'zh-CN': 'B 类', en: 'B' }, revisitDays: 60, minScore: 60 },
    { key: 'C', label: { 'zh-CN': 'C 类', en: 'C' }, revisitDays: 90, minScore: 0 },
  ],
  strategic: [
    { key: 'strategic', label: { 'zh-CN': '战略', en: 'Strategic' }, revisitDays: 14, minScore: 85 },
    { key: 'key', label: { 'zh-CN': '重点', en: 'Key' }, revisitDays: 30, minScore: 65 },
    { key: 'ordinary', label: { 'zh-CN': '普通', en: 'Ordinary' }, revisitDays: 90, minScore: 0 },
  ],
};

export type TierPreset = keyof typeof TIER_PRESETS;
export const DEFAULT_LADDER = TIER_PRESETS.policy;

export function isTierOf(ladder: TierLadder, key: string): boolean {
  return ladder.some((t) => t.key === key);
}

/** 0 for the highest tier; -1 when the key is not on the ladder. */
export function tierRank(ladder: TierLadder, key: string): number {
  return ladder.findIndex((t) => t.key === key);
}

/** Problems of a ladder: at least one tier, unique keys, cadence 1-365 days, scores falling from top to bottom. */
export function ladderProblems(ladder: TierLadder): string[] {
  const problems: string[] = [];
  if (!ladder.length) problems.push('a ladder needs at least one tier');
  if (ladder.length > 10) problems.push('a ladder has at most 10 tiers');
  const keys = new Set<string>();
  ladder.forEach((t, i) => {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(t.key))
      problems.push(`tier ${i + 1}: key must be a short code such as gold`);
    if (keys.has(t.key)) problems.push(`tier ${t.key} appears twice`);
    keys.add(t.key);
    if (!t.label?.['zh-CN'] || !t.label?.en) problems.push(`tier ${t.key}: needs a zh-CN and an en label`);
    if (!Number.isInteger(t.revisitDays) || t.revisitDays < 1 || t.revisitDays > 365)
      problems.push(`tier ${t.key}: revisitDays must be 1-365`);
    if (typeof t.minScore !== 'number' || t.minScore < 0 || t.minScore > 100)
      problems.push(`tier ${t.key}: minScore must be 0-100`);
    if (i > 0 && t.minScore >= ladder[i - 1].minScore)
      problems.push(`tier ${t.key}: minScore must be below the tier above`);
  });
  if (ladder.length && ladder[ladder.length - 1].minScore !== 0)
    problems.push('the lowest tier must start at minScore 0');
  return problems;
}

/**
 * A new ladder may drop or rename tiers only if every tier still in use is mapped explicitly to a tier of the
 * new ladder. Returns the tiers in use that are neither kept nor mapped, and mappings that point nowhere.
 */
export function ladderChangeProblems(
  inUse: string[],
  next: TierLadder,
  mapping: Record<string, string>,
): { unmapped: string[]; badTargets: string[] } {
  const nextKeys = new Set(next.map((t) => t.key));
  const unmapped = inUse.filter((k) => !nextKeys.has(k) && !mapping[k]);
  const badTargets = Object.entries(mapping)
    .filter(([, to]) => !nextKeys.has(to))
    .map(([from]) => from);
  return { unmapped, badTargets };
}
