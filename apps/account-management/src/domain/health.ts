/**
 * Account health (issue 4, point 9): a score 0-100 from four factors, each with a stated weight, and a
 * human-readable reason per factor in zh-CN and en. Below AT_RISK_THRESHOLD the account is flagged at_risk.
 * Pure: the daily job gathers the inputs set-based and calls this per account in memory.
 */

/** The weight of each factor: the points it gives when all is well. They add up to 100. */
export const HEALTH_WEIGHTS = { cadence: 30, complaints: 25, satisfaction: 20, orders: 25 } as const;
export type HealthFactor = keyof typeof HEALTH_WEIGHTS;

/** A score below this flags the account at_risk. */
export const AT_RISK_THRESHOLD = 50;

/** Points a factor gives when there is nothing to judge it by (no revisit scored, no order at all). */
export const NEUTRAL_SATISFACTION = 14;
export const NEUTRAL_ORDERS = 15;

export interface HealthInputs {
  /** The tier's revisit cadence in days; null when the tier has none. */
  cadenceDays: number | null;
  /** Whole days from the last contact (or the account's creation) to the day scored. */
  daysSinceContact: number;
  /** Open revisits past their due date. */
  overdueRevisits: number;
  /** Complaints not yet resolved. */
  openComplaints: number;
  /** Open complaints past a response or resolution deadline. */
  breachedComplaints: number;
  /** Average revisit satisfaction (1-5) over the last 90 days, and over the 90 before; null when none. */
  satisfactionRecent: number | null;
  satisfactionPrior: number | null;
  /** Order amounts (minor units) in the last 90 days and in the 90 before. */
  ordersRecentMinor: number;
  ordersPriorMinor: number;
}

export interface HealthReason {
  factor: HealthFactor;
  points: number;
  weight: number;
  code: string;
  zh: string;
  en: string;
}

export interface HealthResult {
  score: number;
  atRisk: boolean;
  reasons: HealthReason[];
}

const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));

function reason(factor: HealthFactor, points: number, code: string, zh: string, en: string): HealthReason {
  return { factor, points, weight: HEALTH_WEIGHTS[factor], code, zh, en };
}

/** Cadence adherence: 10 points off per overdue revisit (at most 20), and 10 or 20 off when contact lags. */
export function cadenceFactor(i: HealthInputs): HealthReason {
  const w = HEALTH_WEIGHTS.cadence;
  const overdueLoss = Math.min(20, 10 * i.overdueRevisits);
  const ratio = i.cadenceDays ? i.daysSinceContact / i.cadenceDays : 0;
  const lagLoss = ratio > 2 ? 20 : ratio > 1 ? 10 : 0;
  const points = clamp(w - overdueLoss - lagLoss, w);
  if (!overdueLoss && !lagLoss)
    return reason('cadence', points, 'cadence_ok', '回访按周期进行', 'Revisits are on cadence');
  const zh: string[] = [];
  const en: string[] = [];
  if (overdueLoss) {
    zh.push(`${i.overdueRevisits} 次回访逾期`);
    en.push(`${i.overdueRevisits} overdue revisit(s)`);
  }
  if (lagLoss) {
    zh.push(`距上次联系 ${i.daysSinceContact} 天(周期 ${i.cadenceDays} 天)`);
    en.push(`${i.daysSinceContact} days since last contact (cadence ${i.cadenceDays} days)`);
  }
  return reason(
    'cadence',
    points,
    overdueLoss ? 'revisits_overdue' : 'contact_lagging',
    zh.join(','),
    en.join(', '),
  );
}

/** Complaints: 5 points off per open complaint and 10 more per breached one. */
export function complaintsFactor(i: HealthInputs): HealthReason {
  const w = HEALTH_WEIGHTS.complaints;
  const points = clamp(w - 5 * i.openComplaints - 10 * i.breachedComplaints, w);
  if (i.breachedComplaints)
    return reason(
      'complaints',
      points,
      'complaints_breached',
      `${i.openComplaints} 个未结投诉,其中 ${i.breachedComplaints} 个超出时限`,
      `${i.openComplaints} open complaint(s), ${i.breachedComplaints} past their deadline`,
    );
  if (i.openComplaints)
    return reason(
      'complaints',
      points,
      'complaints_open',
      `${i.openComplaints} 个未结投诉`,
      `${i.openComplaints} open complaint(s)`,
    );
  return reason('complaints', points, 'complaints_none', '无未结投诉', 'No open complaints');
}

/** Satisfaction: the recent average on the 1-5 scale, 5 points off when it fell by half a point or more. */
export function satisfactionFactor(i: HealthInputs): HealthReason {
  const w = HEALTH_WEIGHTS.satisfaction;
  const recent = i.satisfactionRecent ?? i.satisfactionPrior;
  if (recent === null)
    return reason(
      'satisfaction',
      NEUTRAL_SATISFACTION,
      'satisfaction_unknown',
      '近 180 天无满意度记录',
      'No satisfaction recorded in the last 180 days',
    );
  const falling =
    i.satisfactionRecent !== null &&
    i.satisfactionPrior !== null &&
    i.satisfactionRecent <= i.satisfactionPrior - 0.5;
  const points = clamp(((recent - 1) / 4) * w - (falling ? 5 : 0), w);
  const r = recent.toFixed(1);
  if (falling)
    return reason(
      'satisfaction',
      points,
      'satisfaction_falling',
      `满意度下降:${i.satisfactionPrior!.toFixed(1)} → ${r}`,
      `Satisfaction falling: ${i.satisfactionPrior!.toFixed(1)} → ${r}`,
    );
  return reason('satisfaction', points, 'satisfaction', `满意度 ${r}/5`, `Satisfaction ${r}/5`);
}

/** Orders: the last 90 days against the 90 before; full points when steady or growing. */
export function ordersFactor(i: HealthInputs): HealthReason {
  const w = HEALTH_WEIGHTS.orders;
  const { ordersRecentMinor: recent, ordersPriorMinor: prior } = i;
  if (!recent && !prior)
    return reason(
      'orders',
      NEUTRAL_ORDERS,
      'orders_none',
      '近 180 天无订单',
      'No orders in the last 180 days',
    );
  if (!prior) return reason('orders', w, 'orders_new', '近 90 天有新订单', 'New orders in the last 90 days');
  const ratio = recent / prior;
  if (ratio >= 1) return reason('orders', w, 'orders_steady', '订单额持平或增长', 'Orders steady or growing');
  const points = ratio >= 0.8 ? 20 : ratio >= 0.5 ? 10 : 0;
  const pct = Math.round((1 - ratio) * 100);
  return reason(
    'orders',
    points,
    'orders_falling',
    `近 90 天订单额较前 90 天下降 ${pct}%`,
    `Orders in the last 90 days fell ${pct}% against the 90 before`,
  );
}

/** The score, the at-risk flag and one reason per factor, in a stable order. */
export function scoreHealth(i: HealthInputs): HealthResult {
  const reasons = [cadenceFactor(i), complaintsFactor(i), satisfactionFactor(i), ordersFactor(i)];
  const score = clamp(
    reasons.reduce((s, r) => s + r.points, 0),
    100,
  );
  return { score, atRisk: score < AT_RISK_THRESHOLD, reasons };
}
