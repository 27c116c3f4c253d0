/**
 * Scorecard criteria, automatic scoring from measured metrics, manual ratings and totals
 * (《市场部人员月度考核表》, 《员工月度考核表》, DESIGN §5). Pure domain code: no NestJS, TypeORM or NATS.
 *
 * Points are hundredths of a point as bigint (4800n = 48.00 points). Every computed score is rounded half up
 * to 0.01 point and kept within 0..maxPoints.
 */
import { clampBig, DecimalError, divRoundHalfUp, formatScaled, maxBig, parseScaled, pow10 } from './decimal';

export type CriterionGroup = 'results' | 'ability' | 'attitude' | 'workload' | 'effect';
export const CRITERION_GROUPS: readonly CriterionGroup[] = [
  'results',
  'ability',
  'attitude',
  'workload',
  'effect',
];

export const GROUP_LABELS: Record<CriterionGroup, { zh: string; en: string }> = {
  results: { zh: '业绩考评', en: 'Results' },
  ability: { zh: '能力考核', en: 'Ability' },
  attitude: { zh: '态度考核', en: 'Attitude' },
  workload: { zh: '工作量', en: 'Workload' },
  effect: { zh: '工作效果', en: 'Effect' },
};

export type Formula = 'ratio_capped' | 'rate' | 'scale';
export const FORMULAS: readonly Formula[] = ['ratio_capped', 'rate', 'scale'];

export type MetricKey =
  | 'sales_amount'
  | 'new_key_accounts'
  | 'revisit_completion'
  | 'satisfaction'
  | 'complaint_resolution'
  | 'project_on_time'
  | 'training_score';
export const METRIC_KEYS: readonly MetricKey[] = [
  'sales_amount',
  'new_key_accounts',
  'revisit_completion',
  'satisfaction',
  'complaint_resolution',
  'project_on_time',
  'training_score',
];

/**
 * Which formulas make sense for a metric: amounts and counts against a target are ratio_capped; "done of due"
 * counts are a rate; satisfaction (1-5) and training score (0-100) are read on their scale.
 */
export const METRIC_FORMULAS: Record<MetricKey, readonly Formula[]> = {
  sales_amount: ['ratio_capped'],
  new_key_accounts: ['ratio_capped'],
  revisit_completion: ['rate'],
  satisfaction: ['scale'],
  complaint_resolution: ['rate'],
  project_on_time: ['rate'],
  training_score: ['scale'],
};

/** Top of the scale of the `scale` metrics: satisfaction is 1-5, training score 0-100. */
export const SCALE_MAX: Partial<Record<MetricKey, string>> = { satisfaction: '5', training_score: '100' };

export interface CriterionDef {
  /** Stable slug, unique in a template ("sales_results", "discipline"). */
  key: string;
  name: { zh: string; en: string };
  group: CriterionGroup;
  /** Weight in points, a decimal string with at most two decimals ("60", "7.5"). A template's weights sum to 100. */
  maxPoints: string;
  /** automatic: computed from a metric; manual: rated by the group leader or director. */
  kind: 'automatic' | 'manual';
  metric?: MetricKey;
  formula?: Formula;
}

/**
 * A measured metric for one member and month. Amounts and scores are decimal strings (sales amounts in fen
 * or yuan, as long as actual and target use the same unit); rates are whole counts (done of due).
 */
export interface MetricValue {
  actual: string | null;
  target?: string | null;
  numerator?: number;
  denominator?: number;
}

export interface AutomaticScore {
  pointsHundredths: bigint | null;
  /** How the points came about, e.g. "1200000 ÷ 1500000 = 80.00%; 60.00 × 80.00% = 48.00". */
  explanation: string;
  /** The same in Chinese. */
  explanationZh: string;
  /** Why no score could be computed. */
  missing?: 'target' | 'metric';
}

/** Scale at which metric decimals are read (enough for yuan with fen, averages, percentages). */
const METRIC_SCALE = 6;
const pts = (v: bigint) => formatScaled(v, 2);

export function maxPointsHundredths(def: Pick<CriterionDef, 'maxPoints'>): bigint {
  return parseScaled(def.maxPoints, 2);
}

function readMetric(s: string): bigint | null {
  try {
    return parseScaled(s, METRIC_SCALE);
  } catch (e) {
    if (e instanceof DecimalError) return null;
    throw e;
  }
}

/** max × num ÷ den, half up, within 0..max. */
function share(maxH: bigint, num: bigint, den: bigint): bigint {
  return clampBig(divRoundHalfUp(maxH * num, den), 0n, maxH);
}

/** num ÷ den as a percentage with two decimals, for explanations. */
function pctText(num: bigint, den: bigint): string {
  return `${formatScaled(divRoundHalfUp(num * 10000n, den), 2)}%`;
}

const missingMetric = (def: CriterionDef, why = 'no measurement'): AutomaticScore => ({
  pointsHundredths: null,
  explanation: `${def.metric}: ${why} for this month`,
  explanationZh: `${def.name.zh}:本月没有数据`,
  missing: 'metric',
});

/**
 * Scores an automatic criterion from its metric:
 * - ratio_capped: maxPoints × min(actual ÷ target, 1); no target (or a target of 0) → no score, missing 'target'.
 * - rate: maxPoints × numerator ÷ denominator; a denominator of 0 means nothing was due → full points.
 * - scale: satisfaction (1-5) → maxPoints × average ÷ 5; training_score (0-100) → maxPoints × score ÷ 100.
 * No measurement → no score, missing 'metric'. Points are rounded half up to 0.01, within 0..maxPoints.
 */
export function scoreAutomatic(def: CriterionDef, value: MetricValue): AutomaticScore {
  if (def.kind !== 'automatic' || !def.metric || !def.formula)
    throw new Error(`criterion ${def.key} is not an automatic criterion with a metric and a formula`);
  const maxH = maxPointsHundredths(def);
  const max = pts(maxH);

  switch (def.formula) {
    case 'ratio_capped': {
      if (value.actual === null || value.actual === undefined) return missingMetric(def);
      const actual = readMetric(value.actual);
      if (actual === null) return missingMetric(def, `"${value.actual}" is not a number`);
      const target = value.target == null ? null : readMetric(value.target);
      if (target === null || target <= 0n)
        return {
          pointsHundredths: null,
          explanation: `${def.metric}: no target set for this month`,
          explanationZh: `${def.name.zh}:本月未设目标`,
          missing: 'target',
        };
      const p = share(maxH, maxBig(actual, 0n), target);
      const capped = actual > target ? ' (capped at 100%)' : '';
      const cappedZh = actual > target ? '(最高按100%计)' : '';
      const ratio = pctText(maxBig(actual, 0n), target);
      const used = actual > target ? '100.00%' : ratio;
      return {
        pointsHundredths: p,
        explanation: `${value.actual} ÷ ${value.target} = ${ratio}${capped}; ${max} × ${used} = ${pts(p)}`,
        explanationZh: `${value.actual} ÷ ${value.target} = ${ratio}${cappedZh};${max} × ${used} = ${pts(p)}`,
      };
    }
    case 'rate': {
      const { numerator, denominator } = value;
      if (numerator === undefined || denominator === undefined) return missingMetric(def);
      if (
        !Number.isSafeInteger(numerator) ||
        !Number.isSafeInteger(denominator) ||
        numerator < 0 ||
        denominator < 0
      )
        return missingMetric(def, `${numerator} of ${denominator} is not a count`);
      if (denominator === 0)
        return {
          pointsHundredths: maxH,
          explanation: `0 of 0: nothing was due, full points ${max}`,
          explanationZh: `本月无应完成事项,得满分 ${max}`,
        };
      const p = share(maxH, BigInt(numerator), BigInt(denominator));
      const ratio = pctText(BigInt(Math.min(numerator, denominator)), BigInt(denominator));
      return {
        pointsHundredths: p,
        explanation: `${numerator} of ${denominator} = ${ratio}; ${max} × ${ratio} = ${pts(p)}`,
        explanationZh: `${numerator} / ${denominator} = ${ratio};${max} × ${ratio} = ${pts(p)}`,
      };
    }
    case 'scale': {
      const top = SCALE_MAX[def.metric];
      if (!top) throw new Error(`metric ${def.metric} has no scale`);
      if (value.actual === null || value.actual === undefined) return missingMetric(def);
      const actual = readMetric(value.actual);
      if (actual === null) return missingMetric(def, `"${value.actual}" is not a number`);
      const p = share(maxH, actual, parseScaled(top, METRIC_SCALE));
      return {
        pointsHundredths: p,
        explanation: `${max} × ${value.actual} ÷ ${top} = ${pts(p)}`,
        explanationZh: `${max} × ${value.actual} ÷ ${top} = ${pts(p)}`,
      };
    }
    default:
      throw new Error(`unknown formula ${String(def.formula)}`);
  }
}

/** A manual rating ("4.5") for a criterion: null when valid, else the reason (0..maxPoints, ≤ 2 decimals). */
export function validateRating(def: CriterionDef, value: string): string | null {
  let v: bigint;
  try {
    v = parseScaled(value, 2);
  } catch (e) {
    if (e instanceof DecimalError) return `${def.key}: a rating must be a number with at most 2 decimals`;
    throw e;
  }
  const maxH = maxPointsHundredths(def);
  if (v < 0n || v > maxH) return `${def.key}: a rating must be between 0 and ${def.maxPoints}`;
  return null;
}

/** The scorecard total: the sum of the criteria's points (hundredths). */
export function totalScore(points: bigint[]): bigint {
  return points.reduce((a, p) => a + p, 0n);
}

export interface GroupTotal {
  group: CriterionGroup;
  label: { zh: string; en: string };
  pointsHundredths: bigint;
  maxPointsHundredths: bigint;
  /** Criteria of the group without points yet. */
  unscoredKeys: string[];
}

export type PointsByKey = Map<string, bigint | null | undefined> | Record<string, bigint | null | undefined>;

function pointsOf(pointsByKey: PointsByKey, key: string): bigint | null {
  const v = pointsByKey instanceof Map ? pointsByKey.get(key) : pointsByKey[key];
  return v ?? null;
}

/** Points and maximum per group (e.g. results 48/60, ability 17/20), groups in the template's order. */
export function groupTotals(defs: CriterionDef[], pointsByKey: PointsByKey): GroupTotal[] {
  const out = new Map<CriterionGroup, GroupTotal>();
  for (const def of defs) {
    let g = out.get(def.group);
    if (!g) {
      g = {
        group: def.group,
        label: GROUP_LABELS[def.group],
        pointsHundredths: 0n,
        maxPointsHundredths: 0n,
        unscoredKeys: [],
      };
      out.set(def.group, g);
    }
    g.maxPointsHundredths += maxPointsHundredths(def);
    const p = pointsOf(pointsByKey, def.key);
    if (p === null) g.unscoredKeys.push(def.key);
    else g.pointsHundredths += p;
  }
  return [...out.values()];
}

/** Keys of the criteria that have no points yet; a scorecard is complete when this is empty. */
export function unscoredCriteria(defs: CriterionDef[], pointsByKey: PointsByKey): string[] {
  return defs.filter((d) => pointsOf(pointsByKey, d.key) === null).map((d) => d.key);
}

/** Hundredths of a point as text: 4800n → "48.00". */
export function formatPoints(pointsHundredths: bigint): string {
  return pts(pointsHundredths);
}

/** Points are kept with two decimals; ONE_POINT is 1.00 point in hundredths. */
export const POINTS_SCALE = 2;
export const ONE_POINT = pow10(POINTS_SCALE);
