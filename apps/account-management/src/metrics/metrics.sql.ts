/**
 * The set-based statements behind the scorecard inputs (issue 5): one statement answers a whole batch,
 * whatever its size. The definitions follow the modules that own the records:
 * - sales: orders credited to the member (`member_id`), `ordered_on` already a workspace date, CNY only
 *   (the sums of `kam.accounts.order.sums`, restricted to one currency: amounts are never converted); and of
 *   those, the orders created from won CRM opportunities (`source`), shown apart in the pay statement;
 * - complaints: received in the month, as `kam.accounts.complaint.metrics`; resolved = resolved or closed now;
 *   in SLA = resolved by `resolution_due` (domain/complaint.ts `breachesAt`);
 * - surveys: answered in the month, average of the `overall` score, as `kam.accounts.survey.aggregates`;
 * - projects: tasks (the unit of `kam.accounts.project.on-time`), not waived, with `due_on` in the month; on
 *   time = done on or before `due_on` in the workspace's calendar;
 * - revisits: due in the month and not cancelled; on time = completed on or before the due date.
 * "The member's accounts" are the accounts the member owns now.
 *
 * Month bounds, in the workspace's time zone: `d0`/`d1` the first day of the month and of the next one (dates),
 * `t0`/`t1` the same as instants.
 */
const BOUNDS = (firstDay: string, tz: string) => `b AS (
  SELECT ${firstDay}::date AS d0, (${firstDay}::date + interval '1 month')::date AS d1,
         (${firstDay}::date)::timestamp AT TIME ZONE ${tz} AS t0,
         ((${firstDay}::date + interval '1 month')::date)::timestamp AT TIME ZONE ${tz} AS t1)`;

export interface MemberMetricsRow {
  id: string;
  known: boolean;
  team_id: string | null;
  t0: Date;
  t1: Date;
  sales: string;
  orders: number;
  crm_sales: string;
  crm_orders: number;
  new_accounts: number;
  revisits_due: number;
  revisits_done: number;
  revisits_on_time: number;
  satisfaction_avg: string | null;
  satisfaction_count: number;
  complaints_received: number;
  complaints_resolved: number;
  complaints_in_sla: number;
  tasks_due: number;
  tasks_on_time: number;
}

/** $1 workspace, $2 member ids (uuid[]), $3 first day of the month (YYYY-MM-01), $4 time zone. */
export const MEMBER_METRICS_SQL = `
WITH ${BOUNDS('$3', '$4')},
req AS (
  SELECT u.id, min(u.ord) AS ord FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, ord) GROUP BY u.id),
mem AS (
  SELECT r.id, r.ord, m.id IS NOT NULL AS known, m.team_id
  FROM req r LEFT JOIN members m ON m.id = r.id AND m.workspace_id = $1),
owned AS (
  SELECT a.id, a.owner_id, a.created_at FROM accounts a JOIN req r ON r.id = a.owner_id WHERE a.workspace_id = $1),
sales AS (
  SELECT o.member_id AS id, sum(o.amount_minor) AS amount, count(*)::int AS n,
         sum(o.amount_minor) FILTER (WHERE o.source = 'crm_opportunity') AS crm_amount,
         count(*) FILTER (WHERE o.source = 'crm_opportunity')::int AS crm_n
  FROM orders o JOIN req r ON r.id = o.member_id CROSS JOIN b
  WHERE o.workspace_id = $1 AND o.currency = 'CNY' AND o.ordered_on >= b.d0 AND o.ordered_on < b.d1
  GROUP BY o.member_id),
new_accounts AS (
  SELECT o.owner_id AS id, count(*)::int AS n
  FROM owned o CROSS JOIN b WHERE o.created_at >= b.t0 AND o.created_at < b.t1
  GROUP BY o.owner_id),
rev AS (
  SELECT o.owner_id AS id, count(*)::int AS due,
         count(*) FILTER (WHERE r.status = 'done')::int AS done,
         count(*) FILTER (WHERE r.status = 'done' AND (r.completed_at AT TIME ZONE $4)::date <= r.due_date)::int AS on_time
  FROM revisits r JOIN owned o ON o.id = r.account_id CROSS JOIN b
  WHERE r.workspace_id = $1 AND r.status <> 'cancelled' AND r.due_date >= b.d0 AND r.due_date < b.d1
  GROUP BY o.owner_id),
sat AS (
  SELECT o.owner_id AS id, round(avg((s.scores ->> 'overall')::numeric), 2)::text AS avg, count(*)::int AS n
  FROM surveys s JOIN owned o ON o.id = s.account_id CROSS JOIN b
  WHERE s.workspace_id = $1 AND s.status = 'answered' AND s.scores ->> 'overall' IS NOT NULL
    AND s.answered_at >= b.t0 AND s.answered_at < b.t1
  GROUP BY o.owner_id),
comp AS (
  SELECT o.owner_id AS id, count(*)::int AS received,
         count(*) FILTER (WHERE c.status IN ('resolved', 'closed'))::int AS resolved,
         count(*) FILTER (WHERE c.status IN ('resolved', 'closed') AND c.resolved_at <= c.resolution_due)::int AS in_sla
  FROM complaints c JOIN owned o ON o.id = c.account_id CROSS JOIN b
  WHERE c.workspace_id = $1 AND c.received_at >= b.t0 AND c.received_at < b.t1
  GROUP BY o.owner_id),
tasks AS (
  SELECT t.owner_id AS id, count(*)::int AS due,
         count(*) FILTER (WHERE t.done_at IS NOT NULL AND (t.done_at AT TIME ZONE $4)::date <= t.due_on)::int AS on_time
  FROM project_tasks t JOIN req r ON r.id = t.owner_id CROSS JOIN b
  WHERE t.workspace_id = $1 AND NOT t.waived AND t.due_on >= b.d0 AND t.due_on < b.d1
  GROUP BY t.owner_id)
SELECT m.id, m.known, m.team_id, b.t0, b.t1,
       coalesce(sales.amount, 0)::text AS sales, coalesce(sales.n, 0) AS orders,
       coalesce(sales.crm_amount, 0)::text AS crm_sales, coalesce(sales.crm_n, 0) AS crm_orders,
       coalesce(na.n, 0) AS new_accounts,
       coalesce(rev.due, 0) AS revisits_due, coalesce(rev.done, 0) AS revisits_done,
       coalesce(rev.on_time, 0) AS revisits_on_time,
       sat.avg AS satisfaction_avg, coalesce(sat.n, 0) AS satisfaction_count,
       coalesce(comp.received, 0) AS complaints_received, coalesce(comp.resolved, 0) AS complaints_resolved,
       coalesce(comp.in_sla, 0) AS complaints_in_sla,
       coalesce(tasks.due, 0) AS tasks_due, coalesce(tasks.on_time, 0) AS tasks_on_time
FROM mem m CROSS JOIN b
LEFT JOIN sales ON sales.id = m.id
LEFT JOIN new_accounts na ON na.id = m.id
LEFT JOIN rev ON rev.id = m.id
LEFT JOIN sat ON sat.id = m.id
LEFT JOIN comp ON comp.id = m.id
LEFT JOIN tasks ON tasks.id = m.id
ORDER BY m.ord`;

export interface TeamMetricsRow {
  id: string | null;
  name: string | null;
  leader_id: string | null;
  member_count: number;
  sales: string;
  orders: number;
  revisits_due: number;
  revisits_done: number;
  complaints_received: number;
  complaints_resolved: number;
  dept_sales: string;
  dept_orders: number;
}

/**
 * $1 workspace, $2 first day of the month, $3 time zone, $4 the teams to answer (uuid[]) or NULL for all.
 * A team's figures are those of the members in it now. Always one row at least (the department's).
 */
export const TEAM_METRICS_SQL = `
WITH ${BOUNDS('$2', '$3')},
tm AS (
  SELECT t.id, t.name, t.leader_id FROM teams t
  WHERE t.workspace_id = $1 AND ($4::uuid[] IS NULL OR t.id = ANY ($4::uuid[]))),
mc AS (
  SELECT m.team_id AS id, count(*)::int AS n FROM members m JOIN tm ON tm.id = m.team_id
  WHERE m.workspace_id = $1 AND m.status = 'active' GROUP BY m.team_id),
ord AS (
  SELECT o.member_id, sum(o.amount_minor) AS amount, count(*)::int AS n
  FROM orders o CROSS JOIN b
  WHERE o.workspace_id = $1 AND o.currency = 'CNY' AND o.ordered_on >= b.d0 AND o.ordered_on < b.d1
  GROUP BY o.member_id),
dept AS (SELECT coalesce(sum(amount), 0)::text AS amount, coalesce(sum(n), 0)::int AS n FROM ord),
ts AS (
  SELECT m.team_id AS id, sum(ord.amount) AS amount, sum(ord.n)::int AS n
  FROM ord JOIN members m ON m.id = ord.member_id JOIN tm ON tm.id = m.team_id GROUP BY m.team_id),
tr AS (
  SELECT m.team_id AS id, count(*)::int AS due, count(*) FILTER (WHERE r.status = 'done')::int AS done
  FROM revisits r JOIN accounts a ON a.id = r.account_id JOIN members m ON m.id = a.owner_id
  JOIN tm ON tm.id = m.team_id CROSS JOIN b
  WHERE r.workspace_id = $1 AND r.status <> 'cancelled' AND r.due_date >= b.d0 AND r.due_date < b.d1
  GROUP BY m.team_id),
tc AS (
  SELECT m.team_id AS id, count(*)::int AS received,
         count(*) FILTER (WHERE c.status IN ('resolved', 'closed'))::int AS resolved
  FROM complaints c JOIN accounts a ON a.id = c.account_id JOIN members m ON m.id = a.owner_id
  JOIN tm ON tm.id = m.team_id CROSS JOIN b
  WHERE c.workspace_id = $1 AND c.received_at >= b.t0 AND c.received_at < b.t1
  GROUP BY m.team_id),
teams AS (
  SELECT tm.id, tm.name, tm.leader_id, coalesce(mc.n, 0) AS member_count,
         coalesce(ts.amount, 0)::text AS sales, coalesce(ts.n, 0) AS orders,
         coalesce(tr.due, 0) AS revisits_due, coalesce(tr.done, 0) AS revisits_done,
         coalesce(tc.received, 0) AS complaints_received, coalesce(tc.resolved, 0) AS complaints_resolved
  FROM tm LEFT JOIN mc ON mc.id = tm.id LEFT JOIN ts ON ts.id = tm.id LEFT JOIN tr ON tr.id = tm.id
  LEFT JOIN tc ON tc.id = tm.id)
SELECT teams.*, dept.amount AS dept_sales, dept.n AS dept_orders
FROM dept LEFT JOIN teams ON true
ORDER BY teams.name, teams.id`;
