import { EntityManager } from 'typeorm';
import { Role } from '@app/contracts';
import { DEFAULT_SETTINGS } from '../domain/settings';

/** The demo workspace `npm start` seeds: fixed ids, so printed tokens stay valid across restarts. */
export const DEMO_WORKSPACE = {
  id: '11111111-1111-4111-8111-111111111111',
  name: '示范公司大客户部 (Demo key-account department)',
  timeZone: 'Asia/Shanghai',
};

const t = (n: number) => `22222222-2222-4222-8222-${String(n).padStart(12, '0')}`;
const m = (n: number) => `33333333-3333-4333-8333-${String(n).padStart(12, '0')}`;

export const DEMO_TEAMS = [
  { id: t(1), name: '客户经理一组', kind: 'account_managers', leaderId: m(3) },
  { id: t(2), name: '客户经理二组', kind: 'account_managers', leaderId: m(12) },
  { id: t(3), name: '客服组', kind: 'customer_service', leaderId: null },
  { id: t(4), name: '市场拓展组', kind: 'market_expansion', leaderId: null },
  { id: t(5), name: '市场调研组', kind: 'market_research', leaderId: null },
  { id: t(6), name: '综合内勤', kind: 'administration', leaderId: null },
] as const;

export interface DemoMember {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  teamId: string | null;
  /** The member whose token `npm start` prints for this role. */
  showcase?: boolean;
  departed?: boolean;
}

export const DEMO_MEMBERS: DemoMember[] = [
  {
    id: m(1),
    name: '王建国 (director)',
    email: 'director@demo.kam',
    roles: ['director'],
    teamId: null,
    showcase: true,
  },
  {
    id: m(2),
    name: '李晓梅 (deputy)',
    email: 'deputy@demo.kam',
    roles: ['deputy_director'],
    teamId: null,
    showcase: true,
  },
  {
    id: m(3),
    name: '张伟 (group leader, team 1)',
    email: 'leader1@demo.kam',
    roles: ['group_leader'],
    teamId: t(1),
    showcase: true,
  },
  {
    id: m(4),
    name: '陈静 (account manager)',
    email: 'am1@demo.kam',
    roles: ['account_manager'],
    teamId: t(1),
    showcase: true,
  },
  {
    id: m(5),
    name: '刘洋 (account manager)',
    email: 'am2@demo.kam',
    roles: ['account_manager'],
    teamId: t(1),
  },
  {
    id: m(6),
    name: '周敏 (assistant)',
    email: 'assistant@demo.kam',
    roles: ['assistant_account_manager'],
    teamId: t(1),
    showcase: true,
  },
  {
    id: m(7),
    name: '吴芳 (customer service)',
    email: 'service@demo.kam',
    roles: ['customer_service'],
    teamId: t(3),
    showcase: true,
  },
  {
    id: m(8),
    name: '钱磊 (market researcher)',
    email: 'research@demo.kam',
    roles: ['market_researcher'],
    teamId: t(5),
    showcase: true,
  },
  { id: m(9), name: '冯丽 (clerk)', email: 'clerk@demo.kam', roles: ['clerk'], teamId: t(6), showcase: true },
  {
    id: m(10),
    name: '蒋志远 (executive)',
    email: 'executive@demo.kam',
    roles: ['executive'],
    teamId: null,
    showcase: true,
  },
  {
    id: m(11),
    name: '韩冰 (security officer)',
    email: 'security@demo.kam',
    roles: ['security_officer'],
    teamId: null,
    showcase: true,
  },
  {
    id: m(12),
    name: '孙强 (group leader, team 2)',
    email: 'leader2@demo.kam',
    roles: ['group_leader'],
    teamId: t(2),
  },
  {
    id: m(13),
    name: '赵磊 (account manager, team 2)',
    email: 'am3@demo.kam',
    roles: ['account_manager'],
    teamId: t(2),
  },
  {
    id: m(14),
    name: '杨帆 (admin)',
    email: 'admin@demo.kam',
    roles: ['admin'],
    teamId: null,
    showcase: true,
  },
  // Left the company: the accounts they owned went to 刘洋 (m5) in one handover, with a report.
  {
    id: m(15),
    name: '何明 (departed account manager)',
    email: 'am-left@demo.kam',
    roles: ['account_manager'],
    teamId: t(1),
    departed: true,
  },
];

const CITIES = ['深圳', '上海', '北京', '广州', '杭州', '成都', '武汉', '南京', '苏州', '西安'];
const WORDS = ['华信', '东方', '中联', '恒达', '瑞丰', '远航', '天成', '新盛', '宏图', '金桥'];
const INDUSTRIES: [string, string][] = [
  ['通信设备', '通信技术'],
  ['汽车制造', '汽车工业'],
  ['医药健康', '医药'],
  ['能源电力', '能源'],
  ['金融服务', '金融科技'],
];
const REGIONS: Record<string, string> = {
  深圳: '华南',
  广州: '华南',
  上海: '华东',
  杭州: '华东',
  南京: '华东',
  苏州: '华东',
  北京: '华北',
  成都: '西南',
  武汉: '华中',
  西安: '西北',
};

/** 50 accounts across the policy's five tiers: 5 gold, 8 diamond, 10 platinum, 12 white gold, 15 silver. */
export function demoAccounts() {
  const tiers = [
    ...Array<string>(5).fill('gold'),
    ...Array<string>(8).fill('diamond'),
    ...Array<string>(10).fill('platinum'),
    ...Array<string>(12).fill('white_gold'),
    ...Array<string>(15).fill('silver'),
  ];
  const owners = [m(4), m(5), m(13), m(3)];
  const statuses = [
    'active',
    'active',
    'active',
    'handed_over',
    'at_risk',
    'negotiating',
    'agreement_signed',
    'qualified',
  ];
  return tiers.map((tier, i) => {
    const city = CITIES[i % CITIES.length];
    const [industry, suffix] = INDUSTRIES[i % INDUSTRIES.length];
    const name =
      i === 0
        ? '深圳华为技术有限公司'
        : `${city}${WORDS[Math.floor(i / CITIES.length) % WORDS.length]}${suffix}有限公司`;
    const ownerId = owners[i % owners.length];
    const rank = ['gold', 'diamond', 'platinum', 'white_gold', 'silver'].indexOf(tier);
    return {
      id: `44444444-4444-4444-8444-${String(i + 1).padStart(12, '0')}`,
      crmCompanyId: `55555555-5555-4555-8555-${String(i + 1).padStart(12, '0')}`,
      name,
      tier,
      category: i % 7 === 0 ? 'potential' : i % 3 === 0 ? 'regional' : 'industry',
      status: statuses[i % statuses.length],
      industry,
      region: REGIONS[city],
      ownerId,
      serviceTeamId: i % 2 === 0 ? t(3) : null,
      assistantIds: ownerId === m(4) ? [m(6)] : [],
      // Larger purchases for higher tiers: 1.2M to 60M CNY, in fen.
      annualPurchaseMinor: (60_000_000 / (rank + 1) ** 1.7 + i * 13_000) * 100,
      profitContributionPct: Math.round((25 - rank * 4 + (i % 5)) * 100) / 100,
    };
  });
}

/** Idempotent: running it twice leaves one demo workspace. */
export async function seedDemoWorkspace(em: EntityManager): Promise<{ accounts: number; members: number }> {
  await em.transaction(async (tx) => {
    await tx.query(`SET CONSTRAINTS ALL DEFERRED`);
    await tx.query(
      `INSERT INTO workspaces (id, name, time_zone, settings) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
      [
        DEMO_WORKSPACE.id,
        DEMO_WORKSPACE.name,
        DEMO_WORKSPACE.timeZone,
        JSON.stringify({ ...DEFAULT_SETTINGS, timeZone: DEMO_WORKSPACE.timeZone }),
      ],
    );
    for (const team of DEMO_TEAMS) {
      await tx.query(
        `INSERT INTO teams (id, workspace_id, name, kind, leader_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
        [team.id, DEMO_WORKSPACE.id, team.name, team.kind, team.leaderId],
      );
    }
    for (const mem of DEMO_MEMBERS) {
      await tx.query(
        `INSERT INTO members (id, workspace_id, name, email, roles, team_id, status, departed_at, successor_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [
          mem.id,
          DEMO_WORKSPACE.id,
          mem.name,
          mem.email,
          mem.roles,
          mem.teamId,
          mem.departed ? 'departed' : 'active',
          mem.departed ? new Date(Date.now() - 20 * 86400_000) : null,
          mem.departed ? m(5) : null,
        ],
      );
    }
    for (const a of demoAccounts()) {
      await tx.query(
        `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, industry, region, owner_id,
           service_team_id, assistant_ids, annual_purchase_minor, currency, profit_contribution_pct)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'CNY', $14) ON CONFLICT (id) DO NOTHING`,
        [
          a.id,
          DEMO_WORKSPACE.id,
          a.crmCompanyId,
          a.name,
          a.tier,
          a.category,
          a.status,
          a.industry,
          a.region,
          a.ownerId,
          a.serviceTeamId,
          a.assistantIds,
          Math.round(a.annualPurchaseMinor),
          a.profitContributionPct,
        ],
      );
    }
  });
  await seedDemoArchive(em);
  const [{ n }] = (await em.query(`SELECT count(*)::int AS n FROM accounts WHERE workspace_id = $1`, [
    DEMO_WORKSPACE.id,
  ])) as { n: number }[];
  return { accounts: n, members: DEMO_MEMBERS.length };
}

const id = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const daysAgo = (d: number) => new Date(Date.now() - d * 86400_000);
const PEOPLE = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];

/**
 * What makes the demo show each feature: tier histories (and one downgrade waiting for the director),
 * contacts, communication records, plans, evaluations, handovers to the service team, and the departed
 * member whose accounts moved. Idempotent: fixed ids, ON CONFLICT DO NOTHING.
 */
async function seedDemoArchive(em: EntityManager): Promise<void> {
  const ws = DEMO_WORKSPACE.id;
  const accounts = demoAccounts();
  const ladder = DEFAULT_SETTINGS.tierLadder.map((x) => x.key);
  await em.transaction(async (tx) => {
    const done: unknown[] = await tx.query(
      `SELECT 1 FROM handover_reports WHERE workspace_id = $1 AND member_id = $2`,
      [ws, m(15)],
    );
    if (done.length) return;
    for (const [i, a] of accounts.entries()) {
      const created = daysAgo(400 - i * 3);
      await tx.query(
        `INSERT INTO tier_changes (id, workspace_id, account_id, from_tier, to_tier, reason, status, requested_by, requested_at, decided_by, decided_at)
         VALUES ($1, $2, $3, NULL, $4, 'initial tier', 'applied', $5, $6, $5, $6) ON CONFLICT DO NOTHING`,
        [
          id('66666666', i * 10 + 1),
          ws,
          a.id,
          i % 5 === 0 && a.tier !== 'silver' ? ladder[ladder.indexOf(a.tier) + 1] : a.tier,
          m(1),
          created,
        ],
      );
      await tx.query(
        `INSERT INTO account_timeline (workspace_id, account_id, at, actor_id, kind, details) VALUES ($1, $2, $3, $4, 'created', $5)`,
        [ws, a.id, created, a.ownerId, JSON.stringify({ tier: a.tier, ownerId: a.ownerId })],
      );
      if (i % 5 === 0 && a.tier !== 'silver') {
        // Upgraded after a year of growth.
        const from = ladder[ladder.indexOf(a.tier) + 1];
        await tx.query(
          `INSERT INTO tier_changes (id, workspace_id, account_id, from_tier, to_tier, reason, status, requested_by, requested_at, decided_by, decided_at)
           VALUES ($1, $2, $3, $4, $5, '年采购额增长超过 30%', 'applied', $6, $7, $6, $7) ON CONFLICT DO NOTHING`,
          [id('66666666', i * 10 + 2), ws, a.id, from, a.tier, a.ownerId, daysAgo(60 - i)],
        );
        await tx.query(
          `INSERT INTO account_timeline (workspace_id, account_id, at, actor_id, kind, details) VALUES ($1, $2, $3, $4, 'tier_changed', $5)`,
          [
            ws,
            a.id,
            daysAgo(60 - i),
            a.ownerId,
            JSON.stringify({ from, to: a.tier, reason: '年采购额增长超过 30%' }),
          ],
        );
      }
      if (i < 20) {
        for (let c = 0; c < 2; c++) {
          const name = `${PEOPLE[(i + c * 3) % PEOPLE.length]}${c === 0 ? '总' : '经理'}`;
          await tx.query(
            `INSERT INTO contacts (id, workspace_id, account_id, name, title, phone, email, buying_role, is_primary)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
            [
              id('77777777', i * 10 + c),
              ws,
              a.id,
              name,
              c === 0 ? '采购总监' : '项目经理',
              `+86 138 ${String(1000 + i).padStart(4, '0')} ${String(2000 + c).padStart(4, '0')}`,
              `contact${i}-${c}@customer.example`,
              c === 0 ? 'decision_maker' : 'influencer',
              c === 0,
            ],
          );
        }
        const kinds = ['visit', 'call', 'meeting', 'care', 'training'];
        for (let r = 0; r < 1 + (i % 3); r++) {
          await tx.query(
            `INSERT INTO communication_records (id, workspace_id, account_id, kind, occurred_at, summary, next_steps, next_step_due, contact_ids, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
            [
              id('88888888', i * 10 + r),
              ws,
              a.id,
              kinds[(i + r) % kinds.length],
              daysAgo(5 + r * 17 + i),
              ['季度业务回顾,客户对交付周期满意', '沟通明年采购计划,预计增长 15%', '处理一次发票问题,已解决'][
                r
              ],
              ['发送新品方案', '安排技术交流', '跟进付款进度'][r],
              daysAgo(-(7 + r * 7))
                .toISOString()
                .slice(0, 10),
              [id('77777777', i * 10)],
              a.ownerId,
            ],
          );
        }
      }
      if (a.tier === 'gold' || a.tier === 'diamond') {
        const scores = {
          scale: 95 - i,
          brandInfluence: 90 - (i % 7),
          marketShare: 88 - (i % 5),
          paymentCapacity: 85,
          potential: 80 + (i % 10),
        };
        const w = DEFAULT_SETTINGS.evaluationWeights;
        const score =
          Math.round(
            scores.scale * w.scale +
              scores.brandInfluence * w.brandInfluence +
              scores.marketShare * w.marketShare +
              scores.paymentCapacity * w.paymentCapacity +
              scores.potential * w.potential,
          ) / 100;
        const rec = DEFAULT_SETTINGS.tierLadder.find((x) => score >= x.minScore)!.key;
        await tx.query(
          `UPDATE accounts SET evaluation = $2, evaluation_score = $3, recommended_tier = $4 WHERE id = $1`,
          [
            a.id,
            JSON.stringify({ scores, score, evaluatedAt: daysAgo(30).toISOString(), evaluatedBy: a.ownerId }),
            score,
            rec,
          ],
        );
      }
      if (a.tier === 'gold') {
        await tx.query(
          `INSERT INTO account_plans (id, workspace_id, account_id, period, objectives, strategies, resources, budget_minor, currency, status, created_by)
           VALUES ($1, $2, $3, '2026', $4, $5, $6, $7, 'CNY', 'active', $8) ON CONFLICT DO NOTHING`,
          [
            id('99999999', i),
            ws,
            a.id,
            JSON.stringify([
              { objective: '年采购额提升 20%', measures: ['季度业务回顾', '新品联合试点'] },
              { objective: '客户满意度 ≥ 4.5', measures: ['每两周回访', '投诉 24 小时内解决'] },
            ]),
            '高层互访 + 技术支持前置',
            '专属客服 1 名,技术顾问 0.5 人',
            500_000_00,
            a.ownerId,
          ],
        );
      }
      if (['handed_over', 'active', 'at_risk'].includes(a.status) && a.serviceTeamId) {
        await tx.query(
          `UPDATE accounts SET service_handover = $2 WHERE id = $1 AND service_handover IS NULL`,
          [
            a.id,
            JSON.stringify({
              needs: '设备年度维护与备件供应',
              contacts: '采购总监(决策)、项目经理(日常对接)',
              agreements: '季度回访;故障 4 小时响应',
              serviceTeamId: a.serviceTeamId,
              handedOverAt: daysAgo(200).toISOString(),
              handedOverBy: a.ownerId,
            }),
          ],
        );
      }
    }
    // A downgrade from gold that waits for the director's approval.
    const gold = accounts.find((a) => a.tier === 'gold' && a.ownerId === m(5))!;
    await tx.query(
      `INSERT INTO tier_changes (id, workspace_id, account_id, from_tier, to_tier, reason, status, requested_by, requested_at)
       VALUES ($1, $2, $3, 'gold', 'diamond', '采购量连续两个季度下降', 'pending', $4, $5) ON CONFLICT DO NOTHING`,
      [id('66666666', 9999), ws, gold.id, m(5), daysAgo(2)],
    );
    await tx.query(
      `INSERT INTO account_timeline (workspace_id, account_id, at, actor_id, kind, details) VALUES ($1, $2, $3, $4, 'tier_change_requested', $5)`,
      [
        ws,
        gold.id,
        daysAgo(2),
        m(5),
        JSON.stringify({ from: 'gold', to: 'diamond', reason: '采购量连续两个季度下降' }),
      ],
    );
    // 何明 left 20 days ago; the accounts he owned went to 刘洋.
    const moved = accounts.filter((a) => a.ownerId === m(5)).slice(0, 3);
    for (const a of moved) {
      await tx.query(
        `INSERT INTO account_timeline (workspace_id, account_id, at, actor_id, kind, details) VALUES ($1, $2, $3, $4, 'handover', $5)`,
        [
          ws,
          a.id,
          daysAgo(20),
          m(1),
          JSON.stringify({ from: m(15), to: m(5), as: 'owner', reason: '离职交接' }),
        ],
      );
    }
    await tx.query(
      `INSERT INTO handover_reports (id, workspace_id, member_id, successor_id, performed_by, performed_at, reason, accounts_moved)
       VALUES ($1, $2, $3, $4, $5, $6, '离职交接', $7) ON CONFLICT DO NOTHING`,
      [
        id('aaaaaaaa', 1),
        ws,
        m(15),
        m(5),
        m(1),
        daysAgo(20),
        JSON.stringify(moved.map((a) => ({ accountId: a.id, name: a.name, as: 'owner', to: m(5) }))),
      ],
    );
  });
}
