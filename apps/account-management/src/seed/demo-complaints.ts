import { EntityManager } from 'typeorm';
import { complaintDeadlines, ComplaintSeverity, ComplaintStatus } from '../domain/complaint';
import { DEFAULT_SETTINGS } from '../domain/settings';
import { DEMO_WORKSPACE, demoAccounts } from './demo-workspace';

const HOUR = 3600_000;
const complaintId = (n: number) => `66666666-6666-4666-8666-${String(n).padStart(12, '0')}`;

interface DemoComplaint {
  account: number;
  severity: ComplaintSeverity;
  status: ComplaintStatus;
  /** Received this many hours ago. */
  hoursAgo: number;
  category: string;
  description: string;
}

/** A complaint in every state, and one whose SLAs are breached and escalated to the group leader. */
const COMPLAINTS: DemoComplaint[] = [
  {
    account: 0,
    severity: 'high',
    status: 'open',
    hoursAgo: 0.5,
    category: '产品质量',
    description: '到货设备无法开机',
  },
  {
    account: 1,
    severity: 'medium',
    status: 'acknowledged',
    hoursAgo: 1,
    category: '交付',
    description: '交货延迟两天',
  },
  {
    account: 5,
    severity: 'low',
    status: 'in_progress',
    hoursAgo: 20,
    category: '服务态度',
    description: '客服回电不及时',
  },
  {
    account: 2,
    severity: 'high',
    status: 'resolved',
    hoursAgo: 30,
    category: '产品质量',
    description: '批次外包装破损',
  },
  {
    account: 3,
    severity: 'medium',
    status: 'closed',
    hoursAgo: 72,
    category: '账务',
    description: '发票金额有误',
  },
  {
    account: 10,
    severity: 'high',
    status: 'open',
    hoursAgo: 30,
    category: '售后维修',
    description: '维修工程师未按约上门',
  },
];

/** Idempotent: fixed ids, ON CONFLICT DO NOTHING. */
export async function seedDemoComplaints(em: EntityManager): Promise<void> {
  const ws = DEMO_WORKSPACE.id;
  const accounts = demoAccounts();
  const now = Date.now();
  await em.transaction(async (tx) => {
    for (const [i, c] of COMPLAINTS.entries()) {
      const a = accounts[c.account];
      const receivedAt = new Date(now - c.hoursAgo * HOUR);
      const due = complaintDeadlines(
        receivedAt,
        c.severity,
        a.tier,
        DEFAULT_SETTINGS.tierLadder,
        DEFAULT_SETTINGS.complaintSla,
      );
      const past = (s: ComplaintStatus) =>
        ['acknowledged', 'in_progress', 'resolved', 'closed'].indexOf(c.status) >=
        ['acknowledged', 'in_progress', 'resolved', 'closed'].indexOf(s);
      const responded = past('acknowledged') ? new Date(receivedAt.getTime() + 0.4 * HOUR) : null;
      const resolved = past('resolved') ? new Date(receivedAt.getTime() + 12 * HOUR) : null;
      const closed = c.status === 'closed' ? new Date(receivedAt.getTime() + 30 * HOUR) : null;
      const breachedResponse = !responded && now > due.firstResponseDue.getTime();
      const breachedResolution = !resolved && now > due.resolutionDue.getTime();
      const level = breachedResolution ? 2 : breachedResponse ? 1 : 0;
      const callback = closed
        ? { satisfaction: 4, note: '客户对处理结果基本满意', at: closed.toISOString(), by: a.ownerId }
        : null;
      const inserted: unknown[] = await tx.query(
        `INSERT INTO complaints (id, workspace_id, account_id, channel, category, severity, description, received_at,
           handler_id, measures, result, customer_feedback, status, first_response_due, resolution_due,
           first_responded_at, resolved_at, closed_at, breached_response, breached_resolution, escalation_level,
           escalated_to, callback_revisit, created_by)
         VALUES ($1, $2, $3, 'phone', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20::smallint,
           CASE $20::smallint WHEN 1 THEN $8::uuid
                         WHEN 2 THEN (SELECT t.leader_id FROM members o JOIN teams t ON t.id = o.team_id WHERE o.id = $8)
           END,
           $21, $8)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          complaintId(i + 1),
          ws,
          a.id,
          c.category,
          c.severity,
          c.description,
          receivedAt,
          a.ownerId,
          past('in_progress') ? '已安排工程师跟进' : null,
          resolved ? '问题已解决,客户确认' : null,
          closed ? '处理及时' : null,
          c.status,
          due.firstResponseDue,
          due.resolutionDue,
          responded,
          resolved,
          closed,
          breachedResponse,
          breachedResolution,
          level,
          callback ? JSON.stringify(callback) : null,
        ],
      );
      if (!inserted.length) continue;
      await tx.query(
        `INSERT INTO complaint_events (workspace_id, complaint_id, at, actor_id, kind, to_status) VALUES ($1, $2, $3, $4, 'opened', 'open')`,
        [ws, complaintId(i + 1), receivedAt, a.ownerId],
      );
      await tx.query(
        `INSERT INTO account_timeline (workspace_id, account_id, at, actor_id, kind, details) VALUES ($1, $2, $3, $4, 'complaint_opened', $5)`,
        [
          ws,
          a.id,
          receivedAt,
          a.ownerId,
          JSON.stringify({ complaintId: complaintId(i + 1), severity: c.severity, to: 'open' }),
        ],
      );
    }
  });
}
