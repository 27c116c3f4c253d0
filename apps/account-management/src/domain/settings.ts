/**
 * Workspace settings (issue 3): the policy's defaults, validated as a whole. Pure domain code.
 */
import {
  DEFAULT_QUALIFICATION,
  DEFAULT_WEIGHTS,
  EvaluationWeights,
  QualificationThresholds,
  weightProblems,
} from './evaluation';
import { DEFAULT_LADDER, ladderProblems, TierLadder } from './tier-ladder';

export const CATEGORY_KEYS = ['industry', 'regional', 'potential'] as const;

export interface ComplaintSlaPolicy {
  /** First response in hours for accounts in the top `topTiers` tiers, and for the others. */
  firstResponseHours: { topTiers: number; others: number };
  topTiers: number;
  /** Resolution in hours by severity. */
  resolutionHours: { high: number; medium: number; low: number };
}

export interface WorkspaceSettings {
  timeZone: string;
  tierLadder: TierLadder;
  categories: { key: (typeof CATEGORY_KEYS)[number]; label: { 'zh-CN': string; en: string } }[];
  qualification: QualificationThresholds;
  evaluationWeights: EvaluationWeights;
  /** Downgrading an account from one of the top N tiers waits for the director. */
  protectedTopTiers: number;
  /** Who is assigned the revisits that fall due. */
  revisitAssignee: 'owner' | 'service_team';
  complaintSla: ComplaintSlaPolicy;
  /** Largest discount (percent) each role may grant without approval; null = unlimited. */
  discountAuthorityPct: Record<string, number | null>;
}

export const DEFAULT_SETTINGS: WorkspaceSettings = {
  timeZone: 'Asia/Shanghai',
  tierLadder: DEFAULT_LADDER,
  categories: [
    { key: 'industry', label: { 'zh-CN': '行业大客户', en: 'Industry key account' } },
    { key: 'regional', label: { 'zh-CN': '区域大客户', en: 'Regional key account' } },
    { key: 'potential', label: { 'zh-CN': '潜力大客户', en: 'Potential key account' } },
  ],
  qualification: DEFAULT_QUALIFICATION,
  evaluationWeights: DEFAULT_WEIGHTS,
  protectedTopTiers: 2,
  revisitAssignee: 'owner',
  complaintSla: {
    firstResponseHours: { topTiers: 2, others: 4 },
    topTiers: 2,
    resolutionHours: { high: 24, medium: 48, low: 72 },
  },
  discountAuthorityPct: { account_manager: 5, group_leader: 10, deputy_director: 15, director: null },
};

/** Stored settings may predate a field: every missing field takes the default. */
export function normalizeSettings(stored: Partial<WorkspaceSettings> | null | undefined): WorkspaceSettings {
  const s = stored ?? {};
  return {
    ...DEFAULT_SETTINGS,
    ...s,
    qualification: { ...DEFAULT_SETTINGS.qualification, ...(s.qualification ?? {}) },
    evaluationWeights: { ...DEFAULT_SETTINGS.evaluationWeights, ...(s.evaluationWeights ?? {}) },
    complaintSla: { ...DEFAULT_SETTINGS.complaintSla, ...(s.complaintSla ?? {}) },
    discountAuthorityPct: { ...DEFAULT_SETTINGS.discountAuthorityPct, ...(s.discountAuthorityPct ?? {}) },
    tierLadder: (s.tierLadder ?? DEFAULT_LADDER).map((t, i, all) => ({
      ...t,
      // Ladders stored before minScore existed get evenly spaced thresholds.
      minScore:
        typeof t.minScore === 'number'
          ? t.minScore
          : i === all.length - 1
            ? 0
            : Math.round(100 - ((i + 1) * 100) / all.length),
    })),
  };
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Every problem of a settings document, each naming its field. */
export function settingsProblems(s: WorkspaceSettings): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (!isTimeZone(s.timeZone))
    out.push({ field: 'timeZone', message: `timeZone "${s.timeZone}" is not an IANA time zone` });
  for (const m of ladderProblems(s.tierLadder)) out.push({ field: 'tierLadder', message: m });
  for (const m of weightProblems(s.evaluationWeights)) out.push({ field: 'evaluationWeights', message: m });
  if (
    !Number.isInteger(s.protectedTopTiers) ||
    s.protectedTopTiers < 0 ||
    s.protectedTopTiers > s.tierLadder.length
  )
    out.push({
      field: 'protectedTopTiers',
      message: 'protectedTopTiers must be between 0 and the number of tiers',
    });
  const q = s.qualification;
  if (!Number.isInteger(q.annualPurchaseMinor) || q.annualPurchaseMinor < 0)
    out.push({
      field: 'qualification.annualPurchaseMinor',
      message: 'must be a whole number of minor units ≥ 0',
    });
  if (!/^[A-Z]{3}$/.test(q.currency))
    out.push({ field: 'qualification.currency', message: 'must be an ISO 4217 code' });
  if (
    typeof q.profitContributionPct !== 'number' ||
    q.profitContributionPct < 0 ||
    q.profitContributionPct > 100
  )
    out.push({ field: 'qualification.profitContributionPct', message: 'must be 0-100' });
  const sla = s.complaintSla;
  const hours = [
    sla.firstResponseHours.topTiers,
    sla.firstResponseHours.others,
    sla.resolutionHours.high,
    sla.resolutionHours.medium,
    sla.resolutionHours.low,
  ];
  if (hours.some((h) => typeof h !== 'number' || h <= 0 || h > 24 * 90))
    out.push({ field: 'complaintSla', message: 'every SLA must be between 0 and 2160 hours' });
  if (
    sla.resolutionHours.high > sla.resolutionHours.medium ||
    sla.resolutionHours.medium > sla.resolutionHours.low
  )
    out.push({
      field: 'complaintSla.resolutionHours',
      message: 'high severity must be resolved no later than medium, medium no later than low',
    });
  for (const [role, pct] of Object.entries(s.discountAuthorityPct)) {
    if (pct !== null && (typeof pct !== 'number' || pct < 0 || pct > 100))
      out.push({ field: `discountAuthorityPct.${role}`, message: 'must be 0-100 or null (unlimited)' });
  }
  return out;
}
