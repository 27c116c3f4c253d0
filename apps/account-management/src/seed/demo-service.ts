import { EntityManager } from 'typeorm';
import { dateInTimeZone } from '../domain/revisit';
import { DEMO_MEMBERS, DEMO_WORKSPACE, demoAccounts } from './demo-workspace';

const revisitId = (n: number) => `77777777-7777-4777-8777-${String(n).padStart(12, '0')}`;
const notificationId = (n: number) => `77777777-7777-4777-8777-${String(100 + n).padStart(12, '0')}`;
const orderId = (n: number) => `88888888-8888-4888-8888-${String(n).padStart(12, '0')}`;
const contractId = (n: number) => `99999999-9999-4999-8999-${String(n).padStart(12, '0')}`;

const DAY = 86_400_000;
const member = (email: string) => {
  const found = DEMO_MEMBERS.find((x) => x.email === email);
  if (!found) throw new Error(`no demo member ${email}`);
  return found.id;
};
const DIRECTOR = member('director@demo.kam');
const LEADER_1 = member('leader1@demo.kam');

/** A local date (YYYY-MM-DD) `days` from today in the demo workspace's time zone. */
function dayFrom(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

interface DemoRevisit {
  n: number;
  account: number;
  /** Due this many days from today (negative: in the past). */
  dueIn: number;
  status: 'planned' | 'done' | 'overdue';
  escalationLevel?: 0 | 1 | 2;
  satisfaction?: number;
  issues?: string;
  nextSteps?: string;
}

/**
 * Revisits due today, done (with the outcome), overdue, and escalated to the group leader and to the director
 * (thresholds in domain/revisit.ts: 1 and 7 days overdue). All owners of these accounts are in team 1 (leader 张伟).
 */
const REVISITS: DemoRevisit[] = [
  { n: 1, account: 4, dueIn: 0, status: 'planned' },
  { n: 2, account: 8, dueIn: 0, status: 'planned' },
  {
    n: 3,
    account: 12,
    dueIn: -6,
    status: 'done',
    satisfaction: 5,
    issues: '希望缩短备件交付周期',
    nextSteps: '下月安排技术交流会,跟进备件库存方案',
  },
  {
    n: 4,
    account: 16,
    dueIn: -3,
    status: 'done',
    satisfaction: 3,
    issues: '对上季度账期调整有意见',
    nextSteps: '与财务确认账期,两周内回复客户',
  },
  { n: 5, account: 20, dueIn: -1, status: 'overdue', escalationLevel: 1 },
  { n: 6, account: 24, dueIn: -4, status: 'overdue', escalationLevel: 1 },
  { n: 7, account: 28, dueIn: -10, status: 'overdue', escalationLevel: 2 },
];

/**
 * The demo workspace's service data (issue 4): revisits in every state with their escalations and notifications,
 * orders over the last six months (one from a CRM opportunity) and contracts (active, draft, and one waiting for
 * approval because its discount is above the account manager's 5%). Idempotent: fixed ids, ON CONFLICT DO NOTHING.
 */
export async function seedDemoService(em: EntityManager): Promise<void> {
  const ws = DEMO_WORKSPACE.id;
  const accounts = demoAccounts();
  const today = dateInTimeZone(new Date(), DEMO_WORKSPACE.timeZone);
  await em.transaction(async (tx) => {
    let note = 0;
    for (const r of REVISITS) {
      const a = accounts[r.account];
      const due = dayFrom(today, r.dueIn);
      const completedAt = r.status === 'done' ? new Date(Date.parse(`${due}T02:00:00Z`)) : null;
      const inserted: unknown[] = await tx.query(
        `INSERT INTO revisits (id, workspace_id, account_id, due_date, status, assignee_id, escalation_level,
           satisfaction, issues, next_steps, completed_at, completed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          revisitId(r.n),
          ws,
          a.id,
          due,
          r.status,
          a.ownerId,
          r.escalationLevel ?? 0,
          r.satisfaction ?? null,
          r.issues ?? null,
          r.nextSteps ?? null,
          completedAt,
          completedAt ? a.ownerId : null,
        ],
      );
      if (!inserted.length) continue;
      if (completedAt) {
        await tx.query(`UPDATE accounts SET last_contact_at = greatest(last_contact_at, $2) WHERE id = $1`, [
          a.id,
          completedAt,
        ]);
        await tx.query(
          `INSERT INTO account_timeline (workspace_id, account_id, at, actor_id, kind, details)
           VALUES ($1, $2, $3, $4, 'revisit_completed', $5)`,
          [
            ws,
            a.id,
            completedAt,
            a.ownerId,
            JSON.stringify({ revisitId: revisitId(r.n), dueDate: due, satisfaction: r.satisfaction }),
          ],
        );
      } else {
        await tx.query(`UPDATE accounts SET next_revisit_due = $2 WHERE id = $1`, [a.id, due]);
      }
      for (let level = 1; level <= (r.escalationLevel ?? 0); level++) {
        const to = level === 1 ? LEADER_1 : DIRECTOR;
        const daysOverdue = -r.dueIn;
        await tx.query(
          `INSERT INTO revisit_escalations (revisit_id, level, to_member_id) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING`,
          [revisitId(r.n), level, to],
        );
        await tx.query(
          `INSERT INTO notifications (id, workspace_id, member_id, kind, title, body, link)
           VALUES ($1, $2, $3, 'revisit_escalated', $4, $5, $6) ON CONFLICT DO NOTHING`,
          [
            notificationId(++note),
            ws,
            to,
            `回访逾期升级:${a.name}`,
            `应于 ${due} 完成的回访已逾期 ${daysOverdue} 天,已升级至您处理 / The revisit due on ${due} is ` +
              `${daysOverdue} day(s) overdue and has been escalated to you`,
            JSON.stringify({ revisitId: revisitId(r.n), accountId: a.id, level }),
          ],
        );
      }
    }

    // Orders over the last six months, credited to the accounts' owners; one came from a won CRM opportunity.
    const ORDER_ACCOUNTS = [0, 1, 2, 3, 5];
    let n = 0;
    for (let month = 0; month < 6; month++) {
      for (const [k, idx] of ORDER_ACCOUNTS.entries()) {
        if ((month + k) % 2 === 1) continue;
        const a = accounts[idx];
        n++;
        const fromCrm = n === 1;
        await tx.query(
          `INSERT INTO orders (id, workspace_id, account_id, member_id, amount_minor, currency, ordered_on, source,
             crm_opportunity_id, description, created_by)
           VALUES ($1, $2, $3, $4, $5, 'CNY', $6, $7, $8, $9, $4)
           ON CONFLICT DO NOTHING`,
          [
            orderId(n),
            ws,
            a.id,
            a.ownerId,
            (120_000 + ((idx * 37_000 + month * 53_000) % 400_000)) * 100,
            dayFrom(today, -(month * 30 + 3 + k * 4)),
            fromCrm ? 'crm_opportunity' : 'manual',
            fromCrm ? 'demo-crm-opportunity-0001' : null,
            fromCrm ? 'CRM 商机赢单:年度设备采购' : `${month + 1} 月订单`,
          ],
        );
      }
    }

    // Contracts: one active, one draft, one waiting for approval (8% > the account manager's 5%).
    const CONTRACTS = [
      {
        n: 1,
        account: 0,
        kind: 'sales_contract',
        title: '2026 年度设备采购合同',
        amountMinor: 3_600_000_00,
        startsIn: -90,
        endsIn: 275,
        discountPct: 3,
        status: 'active',
        approved: false,
      },
      {
        n: 2,
        account: 1,
        kind: 'cooperation_agreement',
        title: '战略合作框架协议(草案)',
        amountMinor: 1_000_000_00,
        startsIn: 30,
        endsIn: 395,
        discountPct: 0,
        status: 'draft',
        approved: false,
      },
      {
        n: 3,
        account: 4,
        kind: 'sales_contract',
        title: '华南区域扩容采购合同',
        amountMinor: 2_400_000_00,
        startsIn: 14,
        endsIn: 379,
        discountPct: 8,
        status: 'pending_approval',
        approved: false,
      },
    ];
    for (const c of CONTRACTS) {
      const a = accounts[c.account];
      const inserted: unknown[] = await tx.query(
        `INSERT INTO contracts (id, workspace_id, account_id, kind, title, amount_minor, currency, starts_on, ends_on,
           discount_pct, status, signer_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, 'CNY', $7, $8, $9, $10, $11, $11)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          contractId(c.n),
          ws,
          a.id,
          c.kind,
          c.title,
          c.amountMinor,
          dayFrom(today, c.startsIn),
          dayFrom(today, c.endsIn),
          c.discountPct,
          c.status,
          a.ownerId,
        ],
      );
      if (!inserted.length) continue;
      await tx.query(
        `INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
         VALUES ($1, $2, $3, 'contract_created', $4)`,
        [ws, a.id, a.ownerId, JSON.stringify({ contractId: contractId(c.n), kind: c.kind, title: c.title })],
      );
    }
  });
}
