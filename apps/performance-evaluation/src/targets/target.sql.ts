import { TargetMetric, TargetPeriodKind, TargetScope, TargetView } from '@app/contracts';
import { periodKey } from '../domain/targets';

export const TARGET_COLUMNS = `t.id, t.scope, t.scope_id, t.metric, t.period_kind, t.year, t.period_index,
  t.value::text AS value, t.challenge::text AS challenge, t.parent_id, t.version, t.created_by, t.created_at,
  t.updated_at`;

export interface TargetRow {
  id: string;
  scope: TargetScope;
  scope_id: string | null;
  metric: TargetMetric;
  period_kind: TargetPeriodKind;
  year: number;
  period_index: number;
  value: string;
  challenge: string | null;
  parent_id: string | null;
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** numeric(20,4) as text without trailing zeros: "150000000.0000" → "150000000", "0.9500" → "0.95". */
export function trimDecimal(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export function toTargetView(r: TargetRow): TargetView {
  return {
    id: r.id,
    scope: r.scope,
    scopeId: r.scope_id,
    metric: r.metric,
    periodKind: r.period_kind,
    year: r.year,
    periodIndex: r.period_index,
    period: periodKey({ kind: r.period_kind, year: r.year, index: r.period_index }),
    value: trimDecimal(r.value),
    challenge: r.challenge === null ? null : trimDecimal(r.challenge),
    parentId: r.parent_id,
    version: r.version,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
