/**
 * Tier ladders (DESIGN §5). A ladder is ordered from the highest tier to the lowest.
 * Pure domain code: no NestJS, TypeORM or NATS.
 */
export interface Tier {
  key: string;
  label: { 'zh-CN': string; en: string };
  /** Days between revisits for accounts of this tier. */
  revisitDays: number;
}

export type TierLadder = Tier[];

export const TIER_PRESETS: Record<'policy' | 'abc' | 'strategic', TierLadder> = {
  policy: [
    { key: 'gold', label: { 'zh-CN': '金牌', en: 'Gold' }, revisitDays: 14 },
    { key: 'diamond', label: { 'zh-CN': '钻石', en: 'Diamond' }, revisitDays: 30 },
    { key: 'platinum', label: { 'zh-CN': '铂金', en: 'Platinum' }, revisitDays: 45 },
    { key: 'white_gold', label: { 'zh-CN': '白金', en: 'White gold' }, revisitDays: 60 },
    { key: 'silver', label: { 'zh-CN': '银', en: 'Silver' }, revisitDays: 90 },
  ],
  abc: [
    { key: 'A', label: { 'zh-CN': 'A 类', en: 'A' }, revisitDays: 30 },
    { key: 'B', label: { 'zh-CN': 'B 类', en: 'B' }, revisitDays: 60 },
    { key: 'C', label: { 'zh-CN': 'C 类', en: 'C' }, revisitDays: 90 },
  ],
  strategic: [
    { key: 'strategic', label: { 'zh-CN': '战略', en: 'Strategic' }, revisitDays: 14 },
    { key: 'key', label: { 'zh-CN': '重点', en: 'Key' }, revisitDays: 30 },
    { key: 'ordinary', label: { 'zh-CN': '普通', en: 'Ordinary' }, revisitDays: 90 },
  ],
};

export const DEFAULT_LADDER = TIER_PRESETS.policy;

export function isTierOf(ladder: TierLadder, key: string): boolean {
  return ladder.some((t) => t.key === key);
}

/** 0 for the highest tier; -1 when the key is not on the ladder. */
export function tierRank(ladder: TierLadder, key: string): number {
  return ladder.findIndex((t) => t.key === key);
}
