import { EntityManager } from 'typeorm';
import { AT_RISK_THRESHOLD, HealthInputs, scoreHealth } from '../domain/health';
import { DEFAULT_SETTINGS } from '../domain/settings';
import { quarterOf } from '../domain/survey';
import { DEMO_WORKSPACE, demoAccounts } from './demo-workspace';

const DAY = 86400_000;
const uid = (prefix: string, n: number) =>
  `${prefix}-${prefix.slice(0, 4)}-4${prefix.slice(0, 3)}-8${prefix.slice(0, 3)}-${String(n).padStart(12, '0')}`;
const surveyId = (n: number) => uid('b0b0b0b0', n);
const projectId = (n: number) => uid('c0c0c0c0', n);
const taskId = (n: number) => uid('d0d0d0d0', n);
const riskId = (n: number) => uid('e0e0e0e0', n);
const tenderId = (n: number) => uid('f0f0f0f0', n);
const member = (n: number) => `33333333-3333-4333-8333-${String(n).padStart(12, '0')}`;
/** The complaint demo-complaints.ts seeds as resolved (account 2). */
const RESOLVED_COMPLAINT = `66666666-6666-4666-8666-${String(4).padStart(12, '0')}`;

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const at = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY);

/** Issue 4's "Done when": surveys, a project in every stage, a tender, and at-risk accounts with their reasons. */
export async function seedDemoMore(em: EntityManager): Promise<void> {
  await em.transaction(async (tx) => {
    await seedSurveys(tx);
    await seedProjects(tx);
    await seedTenders(tx);
    await seedHealth(tx);
  });
}

async function seedSurveys(tx: EntityManager): Promise<void> {
  const ws = DEMO_WORKSPACE.id;
  const a = demoAccounts();
  const thisQuarter = quarterOf(day(0));
  const lastQuarter = quarterOf(day(-92));
  const surveys = [
    // Answered last quarter, and pending for this one.
    { n: 1, account: 0, trigger: 'scheduled', period: lastQuarter, due: day(-40), answered: -45, overall: 5 },
    { n: 2, account: 0, trigger: 'scheduled', period: thisQuarter, due: day(20), answered: null, overall: 0 },
    { n: 3, account: 1, trigger: 'scheduled', period: lastQuarter, due: day(-40), answered: -50, overall: 2 },
    { n: 4, account: 3, trigger: 'scheduled', period: thisQuarter, due: day(15), answered: null, overall: 0 },
    { n: 5, account: 10, trigger: 'manual', period: null, due: day(-20), answered: -25, overall: 2 },
    // After the resolved complaint: sent, not answered yet.
    {
      n: 6,
      account: 2,
      trigger: 'complaint_resolved',
      period: null,
      due: day(28),
      answered: null,
      overall: 0,
    },
    { n: 7, account: 5, trigger: 'manual', period: null, due: day(-10), answered: -12, overall: 4 },
  ];
  for (const s of surveys) {
    const acc = a[s.account];
    const scores =
      s.answered === null
        ? null
        : {
            productQuality: Math.min(5, s.overall + 1),
            delivery: s.overall,
            serviceAttitude: Math.max(1, s.overall - 1 + (s.n % 2)),
            responsiveness: s.overall,
            overall: s.overall,
          };
    await tx.query(
      `INSERT INTO surveys (id, workspace_id, account_id, trigger, complaint_id, period, status, due_date, answered_at,
         respondent_contact_id, scores, comments, recorded_by, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11, $12, $12, $13) ON CONFLICT DO NOTHING`,
      [
        surveyId(s.n),
        ws,
        acc.id,
        s.trigger,
        s.trigger === 'complaint_resolved' ? RESOLVED_COMPLAINT : null,
        s.period,
        scores ? 'answered' : 'pending',
        s.due,
        s.answered === null ? null : at(s.answered),
        scores ? JSON.stringify(scores) : null,
        scores ? (s.overall >= 4 ? '整体满意,希望保持交付节奏' : '交付延迟较多,响应偏慢') : null,
        acc.ownerId,
        new Date(Date.parse(s.due) - 30 * DAY),
      ],
    );
  }
}

interface DemoProject {
  n: number;
  account: number;
  name: string;
  stage: 'initiation' | 'planning' | 'execution' | 'acceptance' | 'summary' | 'closed';
  approval: 'not_requested' | 'pending' | 'approved';
  /** Started this many days ago. */
  startedAgo: number;
  lengthDays: number;
}

const PROJECTS: DemoProject[] = [
  {
    n: 1,
    account: 0,
    name: '5G 基站设备集采',
    stage: 'initiation',
    approval: 'not_requested',
    startedAgo: -14,
    lengthDays: 120,
  },
  {
    n: 2,
    account: 1,
    name: '生产线数字化改造',
    stage: 'planning',
    approval: 'pending',
    startedAgo: -7,
    lengthDays: 90,
  },
  {
    n: 3,
    account: 2,
    name: '冷链物流监控系统',
    stage: 'execution',
    approval: 'approved',
    startedAgo: 30,
    lengthDays: 90,
  },
  {
    n: 4,
    account: 3,
    name: '变电站巡检平台',
    stage: 'acceptance',
    approval: 'approved',
    startedAgo: 100,
    lengthDays: 95,
  },
  {
    n: 5,
    account: 5,
    name: '网点终端更新',
    stage: 'summary',
    approval: 'approved',
    startedAgo: 150,
    lengthDays: 120,
  },
  {
    n: 6,
    account: 8,
    name: '年度维保服务',
    stage: 'closed',
    approval: 'approved',
    startedAgo: 400,
    lengthDays: 365,
  },
];

async function seedProjects(tx: EntityManager): Promise<void> {
  const ws = DEMO_WORKSPACE.id;
  const a = demoAccounts();
  const order = ['initiation', 'planning', 'execution', 'acceptance', 'summary', 'closed'];
  for (const p of PROJECTS) {
    const acc = a[p.account];
    const stage = order.indexOf(p.stage);
    const approved = p.approval === 'approved';
    const accepted = stage >= order.indexOf('summary');
    const inserted: unknown[] = await tx.query(
      `INSERT INTO projects (id, workspace_id, account_id, name, objective, stage, approval_status, approved_by, approved_at,
         approval_note, budget_minor, currency, starts_on, due_on, manager_id, accepted_by_customer, accepted_at,
         acceptance_note, summary, lessons, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'CNY', $12, $13, $14, $15, $16, $17, $18, $19, $14, $20)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        projectId(p.n),
        ws,
        acc.id,
        p.name,
        `为${acc.name}完成${p.name},按期交付并通过客户验收`,
        p.stage,
        p.approval,
        approved ? member(1) : null,
        approved ? at(-p.startedAgo - 3) : null,
        approved ? '预算与范围已确认,同意启动' : null,
        (200_000 + p.n * 150_000) * 100,
        day(-p.startedAgo),
        day(-p.startedAgo + p.lengthDays),
        acc.ownerId,
        accepted ? true : null,
        accepted ? at(-p.startedAgo + p.lengthDays - 5) : null,
        accepted ? '客户签署验收单' : null,
        stage >= order.indexOf('closed') ? '项目按期完成,客户满意度 4.5/5' : null,
        stage >= order.indexOf('closed') ? '备件库存需提前一个季度准备' : null,
        at(-Math.max(p.startedAgo, 0) - 10),
      ],
    );
    if (!inserted.length || stage < order.indexOf('planning')) continue;
    const tasks = [
      { title: '需求调研与确认', offset: 10 },
      { title: '方案设计', offset: 30 },
      { title: '实施部署', offset: p.lengthDays - 20 },
      { title: '客户培训', offset: p.lengthDays - 5 },
    ];
    for (const [k, task] of tasks.entries()) {
      const dueOffset = -p.startedAgo + task.offset;
      const done =
        stage >= order.indexOf('acceptance') || (stage === order.indexOf('execution') && dueOffset < 0);
      // The second task was finished two days late, to show the on-time rate.
      const progress = done ? 100 : stage === order.indexOf('execution') ? 40 : 0;
      await tx.query(
        `INSERT INTO project_tasks (id, workspace_id, project_id, title, owner_id, due_on, done_at, progress)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [
          taskId(p.n * 10 + k),
          ws,
          projectId(p.n),
          task.title,
          k % 2 === 0 ? acc.ownerId : member(6),
          day(dueOffset),
          done ? at(Math.min(dueOffset - (k === 1 ? -2 : 1), -1)) : null,
          progress,
        ],
      );
    }
    await tx.query(
      `INSERT INTO project_risks (id, workspace_id, project_id, risk, severity, likelihood, mitigation, owner_id, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
      [
        riskId(p.n),
        ws,
        projectId(p.n),
        '关键设备到货可能延迟',
        stage === order.indexOf('execution') ? 'high' : 'medium',
        'medium',
        '提前锁定备货,准备替代供应商',
        acc.ownerId,
        stage >= order.indexOf('summary') ? 'closed' : 'open',
      ],
    );
  }
}

async function seedTenders(tx: EntityManager): Promise<void> {
  const ws = DEMO_WORKSPACE.id;
  const a = demoAccounts();
  const tenders = [
    // Closes in 10 days: the reminders show it.
    {
      n: 1,
      account: 3,
      title: '2026 年度电力设备政府采购项目',
      status: 'preparing',
      deadline: 10,
      amount: 3_800_000,
    },
    { n: 2, account: 4, title: '智慧医疗信息化公开招标', status: 'noticed', deadline: 25, amount: null },
    { n: 3, account: 6, title: '办公终端集中采购', status: 'won', deadline: -30, amount: 1_250_000 },
  ];
  for (const t of tenders) {
    await tx.query(
      `INSERT INTO tenders (id, workspace_id, account_id, title, notice_ref, published_on, deadline_at, status,
         submitted_at, result_note, amount_minor, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
      [
        tenderId(t.n),
        ws,
        a[t.account].id,
        t.title,
        `ZFCG-2026-${String(100 + t.n)}`,
        day(t.deadline - 30),
        at(t.deadline),
        t.status,
        t.status === 'won' ? at(t.deadline - 1) : null,
        t.status === 'won' ? '综合评分第一,中标' : null,
        t.amount === null ? null : t.amount * 100,
        t.amount === null ? null : 'CNY',
      ],
    );
  }
}

/** Two active accounts fall below the threshold (moved to at_risk with the reasons); a few others are healthy. */
const HEALTH: { account: number; inputs: Omit<HealthInputs, 'cadenceDays'> }[] = [
  {
    account: 10,
    inputs: {
      daysSinceContact: 75,
      overdueRevisits: 2,
      openComplaints: 1,
      breachedComplaints: 1,
      satisfactionRecent: 2,
      satisfactionPrior: 3.5,
      ordersRecentMinor: 400_000_00,
      ordersPriorMinor: 1_200_000_00,
    },
  },
  {
    account: 17,
    inputs: {
      daysSinceContact: 50,
      overdueRevisits: 1,
      openComplaints: 0,
      breachedComplaints: 0,
      satisfactionRecent: 2.5,
      satisfactionPrior: 3.2,
      ordersRecentMinor: 300_000_00,
      ordersPriorMinor: 800_000_00,
    },
  },
  ...[2, 3, 8, 9].map((account) => ({
    account,
    inputs: {
      daysSinceContact: 8 + account,
      overdueRevisits: 0,
      openComplaints: 0,
      breachedComplaints: 0,
      satisfactionRecent: 4.6,
      satisfactionPrior: 4.4,
      ordersRecentMinor: 2_000_000_00,
      ordersPriorMinor: 1_800_000_00,
    },
  })),
];

async function seedHealth(tx: EntityManager): Promise<void> {
  const ws = DEMO_WORKSPACE.id;
  const a = demoAccounts();
  const computedAt = new Date();
  for (const h of HEALTH) {
    const acc = a[h.account];
    const cadenceDays = DEFAULT_SETTINGS.tierLadder.find((t) => t.key === acc.tier)?.revisitDays ?? null;
    const r = scoreHealth({ ...h.inputs, cadenceDays });
    // Only once: a later health run's scores are kept.
    const scored: unknown[] = await tx.query(
      `UPDATE accounts SET health_score = $3, health_reasons = $4::jsonb, health_computed_at = $5
       WHERE workspace_id = $1 AND id = $2 AND health_computed_at IS NULL RETURNING id`,
      [ws, acc.id, r.score, JSON.stringify(r.reasons), computedAt],
    );
    if (!scored.length || !r.atRisk) continue;
    const moved: { was: string }[] = await tx.query(
      `UPDATE accounts a SET status = 'at_risk', stage_changed_at = now(), version = a.version + 1, updated_at = now()
       FROM (SELECT id, status AS was FROM accounts WHERE workspace_id = $1 AND id = $2) c
       WHERE a.id = c.id AND a.status IN ('active', 'handed_over') RETURNING c.was`,
      [ws, acc.id],
    );
    if (!moved.length) continue;
    await tx.query(
      `INSERT INTO account_timeline (workspace_id, account_id, at, actor_id, kind, details)
       VALUES ($1, $2, $3, NULL, 'stage_changed', $4)`,
      [
        ws,
        acc.id,
        computedAt,
        JSON.stringify({
          from: moved[0].was,
          to: 'at_risk',
          reason: 'health',
          score: r.score,
          threshold: AT_RISK_THRESHOLD,
          reasons: r.reasons,
        }),
      ],
    );
  }
}
