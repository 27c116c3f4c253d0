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
        `INSERT INTO members (id, workspace_id, name, email, roles, team_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
        [mem.id, DEMO_WORKSPACE.id, mem.name, mem.email, mem.roles, mem.teamId],
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
  const [{ n }] = (await em.query(`SELECT count(*)::int AS n FROM accounts WHERE workspace_id = $1`, [
    DEMO_WORKSPACE.id,
  ])) as { n: number }[];
  return { accounts: n, members: DEMO_MEMBERS.length };
}
