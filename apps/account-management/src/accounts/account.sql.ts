import { arrayColumn, column, FieldMap, via } from '@app/authz';
import { AccountEvaluation, HealthReasonView, ServiceHandover } from '@app/contracts';

/** How the Account subject's condition fields map to SQL over `accounts a`. */
export const ACCOUNT_FIELD_SQL: FieldMap = {
  ownerId: column('a.owner_id'),
  status: column('a.status'),
  serviceTeamId: column('a.service_team_id'),
  assistantIds: arrayColumn('a.assistant_ids'),
  ownerTeamId: via('a.owner_id', (cond) => `SELECT m.id FROM members m WHERE m.${cond}`, 'team_id'),
};

export const ACCOUNT_COLUMNS = `a.id, a.workspace_id, a.crm_company_id, a.name, a.tier, a.category, a.status,
  a.industry, a.region, a.owner_id, a.service_team_id, a.assistant_ids, a.annual_purchase_minor, a.currency,
  a.profit_contribution_pct, a.strategic_potential, a.evaluation, a.recommended_tier, a.service_handover,
  a.health_score, a.health_reasons, a.health_computed_at, a.version, a.created_at, a.updated_at,
  (SELECT m.team_id FROM members m WHERE m.id = a.owner_id) AS owner_team_id`;

export interface AccountRow {
  id: string;
  workspace_id: string;
  crm_company_id: string;
  name: string;
  tier: string;
  category: string;
  status: string;
  industry: string | null;
  region: string | null;
  owner_id: string;
  service_team_id: string | null;
  assistant_ids: string[];
  annual_purchase_minor: string | null;
  currency: string | null;
  profit_contribution_pct: string | null;
  strategic_potential: boolean;
  evaluation: AccountEvaluation | null;
  recommended_tier: string | null;
  service_handover: ServiceHandover | null;
  health_score: number | null;
  health_reasons: HealthReasonView[] | null;
  /** A Date, or a string when the row came through to_jsonb. */
  health_computed_at: Date | string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  owner_team_id: string | null;
}
