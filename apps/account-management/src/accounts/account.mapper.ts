import { AccountCategory, AccountStatus, AccountView } from '@app/contracts';
import { AccountSubject } from '@app/authz';
import { qualification } from '../domain/evaluation';
import { WorkspaceSettings } from '../domain/settings';
import { AccountRow } from './account.sql';

export function toView(r: AccountRow, settings: WorkspaceSettings): Omit<AccountView, 'redacted'> {
  const annualPurchase =
    r.annual_purchase_minor === null
      ? null
      : { amountMinor: Number(r.annual_purchase_minor), currency: r.currency! };
  const profitContributionPct = r.profit_contribution_pct === null ? null : Number(r.profit_contribution_pct);
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    crmCompanyId: r.crm_company_id,
    name: r.name,
    tier: r.tier,
    category: r.category as AccountCategory,
    status: r.status as AccountStatus,
    industry: r.industry,
    region: r.region,
    ownerId: r.owner_id,
    serviceTeamId: r.service_team_id,
    assistantIds: r.assistant_ids ?? [],
    annualPurchase,
    profitContributionPct,
    strategicPotential: r.strategic_potential,
    qualification: qualification(
      { annualPurchase, profitContributionPct, strategicPotential: r.strategic_potential },
      settings.qualification,
    ),
    evaluation: r.evaluation,
    recommendedTier: r.recommended_tier,
    serviceHandover: r.service_handover,
    health:
      r.health_score === null || r.health_score === undefined || !r.health_computed_at
        ? null
        : {
            score: r.health_score,
            reasons: r.health_reasons ?? [],
            computedAt: new Date(r.health_computed_at).toISOString(),
          },
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The row as CASL conditions see it. */
export function toSubject(r: AccountRow): AccountSubject {
  return {
    ownerId: r.owner_id,
    ownerTeamId: r.owner_team_id,
    serviceTeamId: r.service_team_id,
    assistantIds: r.assistant_ids ?? [],
    status: r.status,
  };
}
