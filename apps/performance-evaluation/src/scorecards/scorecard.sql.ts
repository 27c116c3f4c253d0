import {
  CycleView,
  DepartmentResult,
  ScorecardItemView,
  ScorecardState,
  ScorecardView,
  SCORECARD_STATES,
} from '@app/contracts';
import { appealDeadline, CriterionGroup, formatPoints, GROUP_LABELS } from '../domain';

export interface CycleRow {
  id: string;
  workspace_id: string;
  month: string;
  status: 'open' | 'locked';
  time_zone: string;
  department: DepartmentResult | null;
  opened_at: Date;
  metrics_collected_at: Date | null;
  locked_by: string | null;
  locked_at: Date | null;
  version: number;
}

export interface ScorecardRow {
  id: string;
  workspace_id: string;
  cycle_id: string;
  month: string;
  member_id: string;
  member_name: string;
  team_id: string | null;
  rater_id: string | null;
  position: string;
  template_id: string;
  status: ScorecardState;
  metrics: Record<string, unknown>;
  total_hundredths: number | null;
  pay_base_minor: string | null;
  payout: StoredPayout | null;
  payout_minor: string | null;
  rank: number | null;
  is_last: boolean;
  published_at: Date | null;
  acknowledged_at: Date | null;
  approved_by: string | null;
  approved_at: Date | null;
  locked: boolean;
  version: number;
}

/** The payout frozen at the lock: every number of the statement, as strings (bigint does not go into JSON). */
export interface StoredPayout {
  band: string;
  ratePctHundredths: string;
  payBaseMinor: string;
  bandedMinor: string;
  modifierPct: number;
  modifierMinor: string;
  performancePayMinor: string;
  commissionMinor: string;
  commissionStatus: string | null;
  totalMinor: string;
  lines: { key: string; label?: { zh: string; en: string }; formula: string; amountMinor: string }[];
  department: DepartmentResult | null;
}

export interface ItemRow {
  scorecard_id: string;
  criterion_key: string;
  position_in_card: number;
  criterion_group: CriterionGroup;
  kind: 'automatic' | 'manual';
  name: { zh: string; en: string };
  max_hundredths: number;
  points_hundredths: number | null;
  explanation: string | null;
  explanation_zh: string | null;
  evidence: string | null;
  rated_by: string | null;
  rated_at: Date | null;
}

export const SCORECARD_COLUMNS = `s.id, s.workspace_id, s.cycle_id, s.month, s.member_id, s.member_name, s.team_id,
  s.rater_id, s.position, s.template_id, s.status, s.metrics, s.total_hundredths, s.pay_base_minor::text,
  s.payout, s.payout_minor::text, s.rank, s.is_last, s.published_at, s.acknowledged_at, s.approved_by,
  s.approved_at, s.locked, s.version`;

/** The CASL subject of a scorecard row. */
export function scorecardSubject(r: Pick<ScorecardRow, 'member_id' | 'team_id' | 'status'>) {
  return {
    memberId: r.member_id,
    teamId: r.team_id,
    published: r.status !== 'draft' && r.status !== 'rated',
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function groupName(group: string, locale: Locale): string {
  return GROUP_LABELS[group as CriterionGroup]?.[locale === 'en' ? 'en' : 'zh'] ?? group;
}

/** The reader's language: explanations and labels are stored in both. */
export type Locale = 'zh-CN' | 'en';

export function itemView(i: ItemRow, locale: Locale = 'zh-CN'): ScorecardItemView {
  return {
    criterionKey: i.criterion_key,
    group: i.criterion_group,
    groupName: groupName(i.criterion_group, locale),
    kind: i.kind,
    name: i.name,
    maxPoints: formatPoints(BigInt(i.max_hundredths)),
    points: i.points_hundredths === null ? null : formatPoints(BigInt(i.points_hundredths)),
    explanation: locale === 'en' ? i.explanation : (i.explanation_zh ?? i.explanation),
    evidence: i.evidence,
    ratedBy: i.rated_by,
    ratedAt: iso(i.rated_at),
  };
}

export function scorecardView(r: ScorecardRow, items: ItemRow[], locale: Locale = 'zh-CN'): ScorecardView {
  const groups: Record<string, bigint> = {};
  for (const i of items)
    groups[i.criterion_group] = (groups[i.criterion_group] ?? 0n) + BigInt(i.points_hundredths ?? 0);
  return {
    id: r.id,
    month: r.month,
    memberId: r.member_id,
    memberName: r.member_name,
    teamId: r.team_id,
    position: r.position,
    templateId: r.template_id,
    status: r.status,
    total: r.total_hundredths === null ? null : formatPoints(BigInt(r.total_hundredths)),
    groups: Object.fromEntries(Object.entries(groups).map(([g, v]) => [g, formatPoints(v)])),
    groupNames: Object.fromEntries(Object.keys(groups).map((g) => [g, groupName(g, locale)])),
    items: [...items].sort((a, b) => a.position_in_card - b.position_in_card).map((i) => itemView(i, locale)),
    metrics: r.metrics,
    rank: r.rank,
    isLast: r.is_last,
    publishedAt: iso(r.published_at),
    appealUntil: r.published_at ? appealDeadline(r.published_at).toISOString() : null,
    acknowledgedAt: iso(r.acknowledged_at),
    approvedAt: iso(r.approved_at),
    approvedBy: r.approved_by,
    locked: r.locked,
    version: r.version,
  };
}

export function cycleView(c: CycleRow, counts: { status: ScorecardState; n: number }[]): CycleView {
  const byStatus = Object.fromEntries(SCORECARD_STATES.map((s) => [s, 0])) as Record<ScorecardState, number>;
  for (const { status, n } of counts) byStatus[status] = n;
  return {
    id: c.id,
    month: c.month,
    status: c.status,
    timeZone: c.time_zone,
    department: c.department,
    counts: { ...byStatus, total: counts.reduce((a, b) => a + b.n, 0) },
    openedAt: c.opened_at.toISOString(),
    metricsCollectedAt: iso(c.metrics_collected_at),
    lockedAt: iso(c.locked_at),
    lockedBy: c.locked_by,
    version: c.version,
  };
}
