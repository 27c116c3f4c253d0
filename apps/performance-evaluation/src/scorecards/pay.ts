import { EntityManager } from 'typeorm';
import { DepartmentResult } from '@app/contracts';
import { computePayout, DepartmentOutcome } from '../domain';
import { StoredPayout } from './scorecard.sql';

export interface CommissionEntry {
  status: 'draft' | 'approved';
  salesMinor: bigint;
  commissionMinor: bigint;
  lines: unknown[];
}

/** Each member's commission statement (提成结算预案) of a month, draft or approved. One query. */
export async function commissionsOf(
  m: EntityManager,
  ws: string,
  month: string,
  memberIds: string[],
): Promise<Map<string, CommissionEntry>> {
  const rows: {
    member_id: string;
    status: 'draft' | 'approved';
    sales_minor: string;
    commission_minor: string;
    lines: unknown[];
  }[] = await m.query(
    `SELECT member_id, status, sales_minor::text, commission_minor::text, lines FROM commission_statements
     WHERE workspace_id = $1 AND month = $2 AND member_id = ANY($3)`,
    [ws, month, memberIds],
  );
  return new Map(
    rows.map((r) => [
      r.member_id,
      {
        status: r.status,
        salesMinor: BigInt(r.sales_minor),
        commissionMinor: BigInt(r.commission_minor),
        lines: r.lines,
      },
    ]),
  );
}

/**
 * The pay of one scorecard: the performance pay from the score band and the department modifier, plus the
 * approved commission beside it (a draft commission is shown on the statement but not paid).
 */
export function payFor(
  scoreHundredths: bigint,
  baseMinor: bigint,
  department: DepartmentResult | null,
  commission: CommissionEntry | undefined,
): StoredPayout {
  const outcome: DepartmentOutcome = department?.outcome ?? 'no_target';
  const p = computePayout({ baseMinor, scoreHundredths, outcome });
  const commissionMinor = commission?.status === 'approved' ? commission.commissionMinor : 0n;
  return {
    band: p.band,
    ratePctHundredths: p.ratePctHundredths.toString(),
    payBaseMinor: baseMinor.toString(),
    bandedMinor: p.bandedMinor.toString(),
    modifierPct: p.modifierPct,
    modifierMinor: p.modifierMinor.toString(),
    performancePayMinor: p.totalMinor.toString(),
    commissionMinor: commissionMinor.toString(),
    commissionStatus: commission?.status ?? null,
    totalMinor: (p.totalMinor + commissionMinor).toString(),
    lines: p.lines.map((l) => ({
      key: l.key,
      label: l.label,
      formula: l.formula,
      amountMinor: l.amountMinor.toString(),
    })),
    department,
  };
}
