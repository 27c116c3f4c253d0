import {
  CommissionLineView,
  CommissionModeApi,
  CommissionPlanView,
  CommissionStatementView,
} from '@app/contracts';

export const PLAN_COLUMNS = `p.id, p.name, p.position, p.mode, p.tiers, p.effective_from, p.status, p.approved_by,
  p.approved_at, p.version, p.created_by, p.created_at`;

export interface PlanRow {
  id: string;
  name: string;
  position: string | null;
  mode: CommissionModeApi;
  tiers: { fromMinor: string; ratePct: string }[];
  effective_from: string;
  status: CommissionPlanView['status'];
  approved_by: string | null;
  approved_at: Date | null;
  version: number;
  created_by: string | null;
  created_at: Date;
}

export const toPlanView = (r: PlanRow): CommissionPlanView => ({
  id: r.id,
  name: r.name,
  position: r.position,
  mode: r.mode,
  tiers: r.tiers,
  effectiveFrom: r.effective_from,
  status: r.status,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at?.toISOString() ?? null,
  version: r.version,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

/** Over `commission_statements s LEFT JOIN commission_plans p ON p.id = s.plan_id`. */
export const STATEMENT_COLUMNS = `s.id, s.month, s.member_id, s.team_id, s.plan_id, p.name AS plan_name, p.mode,
  s.sales_minor::text AS sales_minor, s.commission_minor::text AS commission_minor, s.lines, s.status,
  s.approved_by, s.approved_at, s.version, s.created_at`;

export interface StatementRow {
  id: string;
  month: string;
  member_id: string;
  team_id: string | null;
  plan_id: string | null;
  plan_name: string | null;
  mode: CommissionModeApi | null;
  sales_minor: string;
  commission_minor: string;
  lines: CommissionLineView[];
  status: CommissionStatementView['status'];
  approved_by: string | null;
  approved_at: Date | null;
  version: number;
  created_at: Date;
}

export const toStatementView = (r: StatementRow): CommissionStatementView => ({
  id: r.id,
  month: r.month,
  memberId: r.member_id,
  teamId: r.team_id,
  planId: r.plan_id,
  planName: r.plan_name,
  mode: r.mode,
  salesMinor: r.sales_minor,
  commissionMinor: r.commission_minor,
  currency: 'CNY',
  lines: r.lines,
  status: r.status,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at?.toISOString() ?? null,
  version: r.version,
  createdAt: r.created_at.toISOString(),
});
