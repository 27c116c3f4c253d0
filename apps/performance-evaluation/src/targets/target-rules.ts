/**
 * Rules of a target's value and of its place in a decomposition. Pure: no NestJS, TypeORM or NATS.
 * Values are read at scale 4 (the column is numeric(20, 4)).
 */
import { tryParseScaled } from '../domain/decimal';
import { DecompositionWarning, decompositionWarnings, Period, periodProblem } from '../domain/targets';

export type Metric =
  | 'sales_amount'
  | 'new_key_accounts'
  | 'revisit_completion'
  | 'satisfaction'
  | 'complaint_resolution'
  | 'project_on_time';
export type Scope = 'department' | 'team' | 'member';

export const VALUE_SCALE = 4;
const ONE = 10_000n;

/** Metrics whose parts add up to the whole (a year's sales are its quarters' sales); rates and averages do not. */
export const ADDITIVE_METRICS: readonly Metric[] = ['sales_amount', 'new_key_accounts'];

/**
 * Why a value does not fit its metric, or null: sales amounts are whole fen and new key accounts whole counts;
 * completion and on-time rates are fractions 0..1; satisfaction is 1..5.
 */
export function valueProblem(metric: Metric, value: string): string | null {
  const v = tryParseScaled(value, VALUE_SCALE);
  if (v === null || v < 0n) return 'must be a decimal number of at most 4 decimals, 0 or more';
  if (metric === 'sales_amount' && v % ONE !== 0n) return 'a sales amount is a whole number of fen';
  if (metric === 'new_key_accounts' && v % ONE !== 0n) return 'a number of accounts is a whole number';
  if (['revisit_completion', 'complaint_resolution', 'project_on_time'].includes(metric) && v > ONE)
    return 'a rate is a fraction between 0 and 1 (0.95 = 95%)';
  if (metric === 'satisfaction' && (v < ONE || v > 5n * ONE)) return 'satisfaction is between 1 and 5';
  return null;
}

const SCOPE_RANK: Record<Scope, number> = { department: 0, team: 1, member: 2 };
const PERIOD_RANK: Record<Period['kind'], number> = { year: 0, quarter: 1, month: 2 };

/** The months (1-12) a period covers. */
function monthsOf(p: Period): [number, number] {
  if (p.kind === 'year') return [1, 12];
  if (p.kind === 'quarter') return [(p.index - 1) * 3 + 1, p.index * 3];
  return [p.index, p.index];
}

export interface TargetShape {
  scope: Scope;
  metric: Metric;
  period: Period;
}

/**
 * Why `child` cannot be a part of `parent`, or null. A part measures the same metric, is narrower in scope
 * (department → team → member) or in time (year → quarter → month) and not wider in either, and lies inside
 * the parent's period. This keeps decompositions free of cycles.
 */
export function parentProblem(parent: TargetShape, child: TargetShape): string | null {
  if (parent.metric !== child.metric) return `the parent measures ${parent.metric}, not ${child.metric}`;
  const ds = SCOPE_RANK[child.scope] - SCOPE_RANK[parent.scope];
  const dp = PERIOD_RANK[child.period.kind] - PERIOD_RANK[parent.period.kind];
  if (ds < 0 || dp < 0 || (ds === 0 && dp === 0))
    return 'a part is narrower than its parent in scope or period, and not wider in either';
  if (child.period.year !== parent.period.year) return 'a part lies in its parent’s year';
  const [pf, pt] = monthsOf(parent.period);
  const [cf, ct] = monthsOf(child.period);
  if (cf < pf || ct > pt) return 'a part lies inside its parent’s period';
  return null;
}

export { periodProblem };

export interface ChildForSum {
  id: string;
  scope: Scope;
  periodKind: Period['kind'];
  value: string;
}

export interface GroupWarning extends DecompositionWarning {
  childScope: Scope;
  childPeriodKind: Period['kind'];
  childrenSum: bigint;
}

/**
 * Whether the parts of a target add up to it, per kind of part (the teams' targets of the same period are
 * compared with the whole separately from the quarters of the department's year). Only additive metrics.
 */
export function decompositionProblems(
  parent: { metric: Metric; value: string },
  children: ChildForSum[],
): GroupWarning[] {
  if (!ADDITIVE_METRICS.includes(parent.metric)) return [];
  const whole = tryParseScaled(parent.value, VALUE_SCALE) ?? 0n;
  const groups = new Map<string, ChildForSum[]>();
  for (const c of children) {
    const key = `${c.scope}|${c.periodKind}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const out: GroupWarning[] = [];
  for (const group of groups.values()) {
    const parts = group.map((c) => ({ id: c.id, amount: tryParseScaled(c.value, VALUE_SCALE) ?? 0n }));
    const w = decompositionWarnings({ amount: whole }, parts);
    if (w)
      out.push({
        ...w,
        childScope: group[0].scope,
        childPeriodKind: group[0].periodKind,
        childrenSum: parts.reduce((a, p) => a + p.amount, 0n),
      });
  }
  return out;
}
