'use strict';
/**
 * The benchmark's data set: workspaces of key accounts with their teams and members and a year of history, written
 * with set-based SQL (generate_series) as account-management's own role, the way the service's own rows are written.
 *
 * Per workspace, 1,000 members (MEMBERS_PER_WORKSPACE): 10 account-manager teams with a group leader and 5
 * account managers each, a customer-service team of 5 and a director (the first 66, which own and serve the
 * accounts); then 40 more account-manager teams (a group leader, 8 account managers, 2 assistants), 10
 * customer-service teams of 25, 4 market-research and 2 market-expansion teams of 25, an administration team of 89
 * clerks, a deputy director, 2 executives, a security officer and an admin (MORE_TEAMS, WITHOUT_TEAM).
 * `perWorkspace` accounts spread evenly over the first 50 account managers (200 each for 10,000). Names are
 * Chinese company names put together from a city, a brand, a qualifier, a trade and a legal form
 * (深圳华为智能技术有限公司), so a search for a brand such as 华为 matches about 1 account in 60.
 *
 * History: the year before the sweeps' day (AS_OF, bench-sweeps.js), for every account but prospects (1 in 10):
 * revisits done by the owner at the tier's cadence (settings.tierLadder revisitDays, but no closer than
 * REVISIT_MIN_DAYS apart: 4 to 8 a year), 1 in 25 but the last cancelled, satisfaction 1-5 on 7 in 8 of the done
 * ones; 3 to 5 orders in CNY credited to the owner, about a quarter of the annual purchase each; and on 1 account
 * in 5 one complaint, resolved or closed (with its callback) within the SLA of the settings, 1 in 10 answered late
 * and 1 in 8 resolved late. The account's last contact is its last done revisit. Nothing in the history is open,
 * so the sweeps find only what bench-sweeps.js prepares.
 * Ids are derived from md5 of a key, so every run writes the same rows.
 */
const { createHash } = require('node:crypto');
const { Client } = require('pg');

const CITIES =
  '北京 上海 深圳 广州 杭州 南京 苏州 成都 武汉 西安 天津 重庆 长沙 郑州 青岛 厦门 宁波 合肥 济南 福州 大连 沈阳 昆明 无锡 佛山 东莞 珠海 南昌 贵阳 哈尔滨'.split(
    ' ',
  );
const BRANDS = (
  '华为 中兴 腾讯 阿里 百度 京东 美的 格力 海尔 联想 比亚迪 小米 恒达 瑞丰 东方 中联 新盛 金山 长城 华润 ' +
  '招商 万科 海信 TCL 宏达 天宇 博远 鼎盛 星辰 汇通 远大 正泰 德力 金蝶 用友 浪潮 同方 紫光 大华 海康 ' +
  '三一 中联重 徐工 潍柴 福耀 伊利 蒙牛 光明 恒瑞 复星 国药 九州 顺丰 圆通 中通 申通 立讯 歌尔 蓝思 Acme'
).split(' ');
const QUALIFIERS =
  '智能 数字 国际 实业 创新 精密 新能源 云 信息 网络 供应链 环球 光电 生物 航空 海洋 绿色 未来 智造 微'.split(
    ' ',
  );
const TRADES =
  '技术 科技 通信 电子 能源 医药 汽车 物流 建设 置业 食品 化工 机械 电气 软件 贸易 环保 材料 装备 传媒'.split(
    ' ',
  );
const FORMS = '有限公司 股份有限公司 集团有限公司 有限责任公司'.split(' ');
const INDUSTRIES = '通信设备 互联网 能源 医药 汽车 物流 房地产 食品 化工 机械 电子 金融'.split(' ');
const REGIONS = '华北 华东 华南 华中 西南 西北 东北'.split(' ');
const TIERS = ['gold', 'diamond', 'platinum', 'white_gold', 'silver'];
const STATUSES = [
  'prospect',
  'qualified',
  'negotiating',
  'agreement_signed',
  'handed_over',
  'active',
  'active',
  'active',
  'at_risk',
  'dormant',
];

const TEAMS = 10;
const AMS_PER_TEAM = 5;
const SERVICE_STAFF = 5;

/**
 * The members after the first 66, in teams numbered after the first 11: per kind, how many teams, the leader's
 * role (the team's first member) and the others' roles. Plus members in no team.
 */
const MORE_TEAMS = [
  {
    kind: 'account_managers',
    name: '客户经理',
    first: TEAMS + 1,
    teams: 40,
    leader: 'group_leader',
    members: [
      ['account_manager', 8],
      ['assistant_account_manager', 2],
    ],
  },
  {
    kind: 'customer_service',
    name: '客服',
    first: 1,
    teams: 10,
    leader: 'customer_service',
    members: [['customer_service', 24]],
  },
  {
    kind: 'market_research',
    name: '市场调研',
    first: 1,
    teams: 4,
    leader: 'market_researcher',
    members: [['market_researcher', 24]],
  },
  {
    kind: 'market_expansion',
    name: '市场拓展',
    first: 1,
    teams: 2,
    leader: 'market_researcher',
    members: [['market_researcher', 24]],
  },
  { kind: 'administration', name: '内勤', first: 1, teams: 1, leader: 'clerk', members: [['clerk', 88]] },
];
const WITHOUT_TEAM = [
  ['deputy_director', 1],
  ['executive', 2],
  ['security_officer', 1],
  ['admin', 1],
];
const ROLE_NAMES = {
  group_leader: '组长',
  account_manager: '客户经理',
  assistant_account_manager: '助理客户经理',
  customer_service: '客服',
  market_researcher: '市场调研员',
  clerk: '内勤',
  deputy_director: '副总监',
  executive: '公司领导',
  security_officer: '安全专员',
  admin: '系统管理员',
};
const MEMBERS_PER_WORKSPACE =
  1 +
  TEAMS * (1 + AMS_PER_TEAM) +
  SERVICE_STAFF +
  MORE_TEAMS.reduce((n, g) => n + g.teams * (1 + g.members.reduce((k, [, c]) => k + c, 0)), 0) +
  WITHOUT_TEAM.reduce((n, [, c]) => n + c, 0);
if (MEMBERS_PER_WORKSPACE !== 1000)
  throw new Error(`bench-data: ${MEMBERS_PER_WORKSPACE} members a workspace`);

/** The sweeps' day (bench-sweeps.js): 12:00 in Asia/Shanghai. The generated history is the year before it. */
const AS_OF = '2026-06-15T04:00:00.000Z';
const HISTORY_DAYS = 365;
/** Revisits of the history no closer than this (the gold tier's 14 days would make 26 a year). */
const REVISIT_MIN_DAYS = 45;
const SATISFACTION = [5, 5, 5, 5, 4, 4, 4, 3, 2, 1];
const NEXT_STEPS =
  '确认下季度采购计划 安排技术交流 跟进新品试用 续签框架协议 收集使用反馈 邀请参加年度客户大会'.split(' ');
const COMPLAINT_CATEGORIES = '产品质量 交付延迟 售后服务 价格争议 账单错误 服务态度'.split(' ');
const CHANNELS = ['phone', 'email', 'visit', 'letter', 'online', 'other'];
const SEVERITIES = ['high', 'medium', 'medium', 'low', 'low'];

/**
 * Deterministic ids, the same in SQL and here: the md5 of a key, shaped as a version-4 UUID (the API's
 * validators accept nothing else).
 */
function uuidOf(key) {
  const h = createHash('md5').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const uid = (keySql) => `overlay(overlay(md5(${keySql}) placing '4' from 13) placing '8' from 17)::uuid`;
const ids = {
  workspace: (w) => uuidOf(`kam-bench-ws-${w}`),
  director: (w) => uuidOf(`kam-bench-m-${w}-director`),
  leader: (w, t) => uuidOf(`kam-bench-m-${w}-leader-${t}`),
  accountManager: (w, k) => uuidOf(`kam-bench-m-${w}-am-${k}`),
  team: (w, t) => uuidOf(`kam-bench-t-${w}-${t}`),
  /** Member `p` (from 1, the leader) of team `t` > 11 (MORE_TEAMS). */
  teamMember: (w, t, p) => (p === 1 ? ids.leader(w, t) : uuidOf(`kam-bench-m-${w}-${t}-${p}`)),
};

/** An index into a list of `n`, from a hash of the row, the workspace and what it is for. */
const pick = (n, salt) => `(abs(hashtext(w::text || ':' || i::text || '${salt}')) % ${n})`;

/** SQL of account `i` of workspace `w` (both in scope), as generateWorkspaces writes it. */
const WS_ID = uid(`'kam-bench-ws-' || w`);
const ACCOUNT_ID = uid(`'kam-bench-a-' || w || '-' || i`);
const OWNER_ID = uid(`'kam-bench-m-' || w || '-am-' || (1 + i % ${TEAMS * AMS_PER_TEAM})`);
const NOT_PROSPECT = `${pick(STATUSES.length, 's')} <> ${STATUSES.indexOf('prospect')}`;
const sqlInts = (xs) => `(ARRAY[${xs.join(', ')}]::int[])`;

/**
 * The history's calendar, from the settings: `end`, the local date of AS_OF in the workspace's time zone (the
 * history is the HISTORY_DAYS before it); per tier of TIERS its revisit cadence, the gap between generated
 * revisits and the complaint first-response hours; per severity of SEVERITIES the resolution hours.
 */
function historyPlan(settings) {
  const end = new Intl.DateTimeFormat('en-CA', { timeZone: settings.timeZone }).format(new Date(AS_OF));
  const rank = (t) => settings.tierLadder.findIndex((l) => l.key === t);
  const cadence = TIERS.map((t) => settings.tierLadder[rank(t)]?.revisitDays ?? 90);
  const sla = settings.complaintSla;
  return {
    end,
    timeZone: settings.timeZone,
    cadence: sqlInts(cadence),
    gap: sqlInts(cadence.map((d) => Math.max(d, REVISIT_MIN_DAYS))),
    responseHours: sqlInts(
      TIERS.map((t) =>
        rank(t) >= 0 && rank(t) < sla.topTiers
          ? sla.firstResponseHours.topTiers
          : sla.firstResponseHours.others,
      ),
    ),
    resolutionHours: sqlInts(SEVERITIES.map((s) => sla.resolutionHours[s])),
  };
}

/** The last done revisit of an account (revisit k = 0 below): `off` days before the history's last day. */
const revisitGap = (plan) => `${plan.gap}[1 + i % ${TIERS.length}]`;
const lastRevisitOffset = (plan) => pick(revisitGap(plan), 'o');
/** When revisit `k` of account i (days back from the last one) was done: 09:00-16:00 local. */
const revisitAt = (dueSql) => `(${dueSql} + time '09:00' + (i % 8) * interval '1 hour') AT TIME ZONE $2`;

/**
 * The accounts of workspaces `W` as rows `a` (w, i, ws, acc, owner, and gap and off of the revisits), each computed
 * once (OFFSET 0 keeps the planner from repeating the md5 and hashes in every column that uses them), in the order
 * of their ids so that the history's indexes that lead with the account are written in order; no row for prospects
 * (they have no history) or where `where` is false. `count` is the SQL of the accounts per workspace.
 */
const accountRows = (W, count, plan, where = 'true') =>
  `(SELECT w, i, x.* FROM ${W}, generate_series(1, ${count}) AS i
    CROSS JOIN LATERAL (SELECT ${WS_ID} AS ws, ${ACCOUNT_ID} AS acc, ${OWNER_ID} AS owner,
                               ${revisitGap(plan)} AS gap, ${lastRevisitOffset(plan)} AS off
                        WHERE ${NOT_PROSPECT} AND ${where} OFFSET 0) x
    ORDER BY x.acc) a`;

async function generateWorkspaces(client, settings, from, to, perWorkspace, timings) {
  const W = `generate_series(${from}, ${to}) AS w`;
  const plan = historyPlan(settings);
  /** `query` is SQL text (with `values`) or a query config. */
  const timed = async (table, query, values) => {
    const t0 = Date.now();
    await client.query(query, values);
    timings[table] = (timings[table] ?? 0) + (Date.now() - t0) / 1000;
  };
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO workspaces (id, name, settings)
     SELECT ${uid(`'kam-bench-ws-' || w`)}, '基准测试大客户部 ' || w, $1::jsonb FROM ${W}`,
    [JSON.stringify(settings)],
  );
  await client.query(
    `INSERT INTO workspace_settings_history (workspace_id, version, settings, reason)
     SELECT ${uid(`'kam-bench-ws-' || w`)}, 1, $1::jsonb, 'initial' FROM ${W}`,
    [JSON.stringify(settings)],
  );
  // Teams 1-10 sell, team 11 serves; the leaders exist by the end of the transaction (deferred key).
  await client.query(
    `INSERT INTO teams (id, workspace_id, name, kind, leader_id)
     SELECT ${uid(`'kam-bench-t-' || w || '-' || t`)}, ${uid(`'kam-bench-ws-' || w`)},
            CASE WHEN t <= ${TEAMS} THEN '客户经理' || t || '组' ELSE '客服组' END,
            CASE WHEN t <= ${TEAMS} THEN 'account_managers' ELSE 'customer_service' END,
            CASE WHEN t <= ${TEAMS} THEN ${uid(`'kam-bench-m-' || w || '-leader-' || t`)} END
     FROM ${W}, generate_series(1, ${TEAMS + 1}) AS t`,
  );
  await client.query(
    `INSERT INTO members (id, workspace_id, name, roles, team_id)
     SELECT ${uid(`'kam-bench-m-' || w || '-director'`)}, ${uid(`'kam-bench-ws-' || w`)}, '总监 ' || w,
            '{director}'::text[], NULL FROM ${W}
     UNION ALL
     SELECT ${uid(`'kam-bench-m-' || w || '-leader-' || t`)}, ${uid(`'kam-bench-ws-' || w`)}, '组长 ' || t,
            '{group_leader}'::text[], ${uid(`'kam-bench-t-' || w || '-' || t`)}
     FROM ${W}, generate_series(1, ${TEAMS}) AS t
     UNION ALL
     SELECT ${uid(`'kam-bench-m-' || w || '-am-' || k`)}, ${uid(`'kam-bench-ws-' || w`)}, '客户经理 ' || k,
            '{account_manager}'::text[], ${uid(`'kam-bench-t-' || w || '-' || (1 + (k - 1) / ${AMS_PER_TEAM})`)}
     FROM ${W}, generate_series(1, ${TEAMS * AMS_PER_TEAM}) AS k
     UNION ALL
     SELECT ${uid(`'kam-bench-m-' || w || '-cs-' || k`)}, ${uid(`'kam-bench-ws-' || w`)}, '客服 ' || k,
            '{customer_service}'::text[], ${uid(`'kam-bench-t-' || w || '-' || ${TEAMS + 1}`)}
     FROM ${W}, generate_series(1, ${SERVICE_STAFF}) AS k`,
  );
  await timed('members', moreTeamsSql(W, 'teams'));
  await timed('members', moreTeamsSql(W, 'members'));
  // The last contact is the last done revisit of the history (none for prospects).
  await timed(
    'accounts',
    `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, industry, region,
       owner_id, service_team_id, annual_purchase_minor, currency, profit_contribution_pct, strategic_potential,
       last_contact_at, next_revisit_due)
     SELECT ${uid(`'kam-bench-a-' || w || '-' || i`)}, ${uid(`'kam-bench-ws-' || w`)}, 'bench-' || w || '-' || i,
            ($3::text[])[1 + ${pick(CITIES.length, 'c')}] || ($4::text[])[1 + ${pick(BRANDS.length, 'b')}]
              || ($5::text[])[1 + ${pick(QUALIFIERS.length, 'q')}] || ($6::text[])[1 + ${pick(TRADES.length, 't')}]
              || ($7::text[])[1 + ${pick(FORMS.length, 'f')}],
            ($8::text[])[1 + i % ${TIERS.length}],
            (ARRAY['industry', 'regional', 'potential'])[1 + i % 3],
            ($9::text[])[1 + ${pick(STATUSES.length, 's')}],
            ($10::text[])[1 + ${pick(INDUSTRIES.length, 'i')}],
            ($11::text[])[1 + ${pick(REGIONS.length, 'r')}],
            ${OWNER_ID},
            CASE WHEN i % 4 = 0 THEN ${uid(`'kam-bench-t-' || w || '-' || ${TEAMS + 1}`)} END,
            (i % 997) * 1000000, 'CNY', (i % 2500) / 100.0, i % 10 = 0,
            CASE WHEN ${NOT_PROSPECT} THEN ${revisitAt(`($1::date - 1 - ${lastRevisitOffset(plan)})`)} END,
            CASE WHEN ${NOT_PROSPECT}
                 THEN $1::date - 1 - ${lastRevisitOffset(plan)} + ${plan.cadence}[1 + i % ${TIERS.length}] END
     FROM ${W}, generate_series(1, $12::int) AS i`,
    [
      plan.end,
      plan.timeZone,
      CITIES,
      BRANDS,
      QUALIFIERS,
      TRADES,
      FORMS,
      TIERS,
      STATUSES,
      INDUSTRIES,
      REGIONS,
      perWorkspace,
    ],
  );
  // $1 is the history's last day + 1 (the local date of AS_OF); `a` is account i, computed once (OFFSET 0 keeps
  // the planner from repeating its md5 and hashes in every column); revisit k is k gaps before the last one.
  await timed(
    'revisits',
    `INSERT INTO revisits (id, workspace_id, account_id, due_date, status, assignee_id, satisfaction, next_steps,
       completed_at, completed_by, created_at, updated_at)
     SELECT ${uid(`'kam-bench-r-' || a.w || '-' || a.i || '-' || k`)}, a.ws, a.acc, v.due,
            CASE WHEN v.cancelled THEN 'cancelled' ELSE 'done' END, a.owner,
            CASE WHEN NOT v.cancelled AND v.h % 8 <> 0
                 THEN ${sqlInts(SATISFACTION)}[1 + v.h / 8 % ${SATISFACTION.length}] END,
            CASE WHEN NOT v.cancelled AND v.h / 80 % 3 = 0
                 THEN ($3::text[])[1 + v.h / 240 % ${NEXT_STEPS.length}] END,
            CASE WHEN NOT v.cancelled THEN v.at END, CASE WHEN NOT v.cancelled THEN a.owner END,
            v.at - interval '7 days', v.at
     FROM ${accountRows(W, '$4::int', plan)}
     CROSS JOIN LATERAL generate_series(0, (${HISTORY_DAYS - 1} - a.off) / a.gap) AS k
     CROSS JOIN LATERAL (
       SELECT d.due, d.h, k > 0 AND d.h % 25 = 0 AS cancelled, ${revisitAt('d.due')} AS at
       FROM (SELECT $1::date - 1 - a.off - k * a.gap AS due,
                    abs(hashtext(w::text || ':' || i::text || ':' || k::text || 'v')) AS h) d
       OFFSET 0) v`,
    [plan.end, plan.timeZone, NEXT_STEPS, perWorkspace],
  );
  await timed(
    'orders',
    `INSERT INTO orders (id, workspace_id, account_id, member_id, amount_minor, currency, ordered_on, created_by,
       created_at, updated_at)
     SELECT ${uid(`'kam-bench-o-' || w || '-' || i || '-' || k`)}, a.ws, a.acc, a.owner,
            100000 + (i % 997)::bigint * 250000 * (50 + o.h / ${HISTORY_DAYS} % 101) / 100, 'CNY', o.day,
            a.owner, o.at, o.at
     FROM ${accountRows(W, '$3::int', plan)}
     CROSS JOIN LATERAL generate_series(1, 3 + ${pick(3, 'n')}) AS k
     CROSS JOIN LATERAL (
       SELECT d.day, d.h, (d.day + time '15:00') AT TIME ZONE $2 AS at
       FROM (SELECT $1::date - 1 - h % ${HISTORY_DAYS} AS day, h
             FROM abs(hashtext(w::text || ':' || i::text || ':' || k::text || 'o')) AS h) d
       OFFSET 0) o`,
    [plan.end, plan.timeZone, perWorkspace],
  );
  // One complaint on 1 account in 5: x.h places it in the year and sorts it, x.g decides how it went.
  await timed(
    'complaints',
    `INSERT INTO complaints (id, workspace_id, account_id, channel, category, severity, description, received_at,
       handler_id, measures, result, customer_feedback, status, first_response_due, resolution_due,
       first_responded_at, resolved_at, closed_at, breached_response, breached_resolution, callback_revisit,
       created_by, created_at, updated_at)
     SELECT ${uid(`'kam-bench-c-' || w || '-' || i`)}, a.ws, a.acc, c.channel, c.category, c.severity,
            '客户反映' || c.category || '问题,要求尽快处理', c.received, a.owner, '已安排专人跟进处理',
            '问题已解决,客户确认', CASE WHEN c.closed THEN '客户对处理结果表示认可' END,
            CASE WHEN c.closed THEN 'closed' ELSE 'resolved' END,
            c.received + c.response_h * interval '1 hour', c.received + c.resolution_h * interval '1 hour',
            c.received + c.responded_h * interval '1 hour', c.resolved,
            CASE WHEN c.closed THEN c.resolved + interval '2 days' END,
            c.responded_h > c.response_h, c.resolved_h > c.resolution_h,
            CASE WHEN c.closed THEN jsonb_build_object(
              'satisfaction', ${sqlInts(SATISFACTION)}[1 + c.g / 100 % ${SATISFACTION.length}], 'note', NULL,
              'at', to_char((c.resolved + interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'by', a.owner) END,
            a.owner, c.received, c.resolved + CASE WHEN c.closed THEN interval '2 days' ELSE '0' END
     FROM ${accountRows(W, '$3::int', plan, pick(5, 'x5') + ' = 0')}
     CROSS JOIN LATERAL (
       SELECT x.*, x.received + x.resolved_h * interval '1 hour' AS resolved
       FROM (
         SELECT s.*,
                (($1::date - 1 - s.h % ${HISTORY_DAYS - 5}) + time '09:00'
                  + s.h / ${HISTORY_DAYS - 5} % 9 * interval '1 hour') AT TIME ZONE $2 AS received,
                ($4::text[])[1 + s.h / 3240 % ${SEVERITIES.length}] AS severity,
                ($5::text[])[1 + s.h / 16200 % ${CHANNELS.length}] AS channel,
                ($6::text[])[1 + s.h / 97200 % ${COMPLAINT_CATEGORIES.length}] AS category,
                ${plan.resolutionHours}[1 + s.h / 3240 % ${SEVERITIES.length}] AS resolution_h,
                CASE WHEN s.g % 10 = 0 THEN s.response_h + 1 ELSE 0.5 + s.g / 10 % 3 * 0.5 END AS responded_h,
                ${plan.resolutionHours}[1 + s.h / 3240 % ${SEVERITIES.length}]
                  * CASE WHEN s.g / 30 % 8 = 0 THEN 1.25 ELSE 0.3 + s.g / 240 % 7 / 10.0 END AS resolved_h,
                s.g / 1680 % 3 <> 0 AS closed
         FROM (SELECT abs(hashtext(w::text || ':' || i::text || 'x')) AS h,
                      abs(hashtext(w::text || ':' || i::text || 'y')) AS g,
                      ${plan.responseHours}[1 + i % ${TIERS.length}] AS response_h) s
         OFFSET 0) x
       OFFSET 0) c`,
    [plan.end, plan.timeZone, perWorkspace, SEVERITIES, CHANNELS, COMPLAINT_CATEGORIES],
  );
  await client.query('COMMIT');
}

/** The teams after the first 11 (MORE_TEAMS), or their members and the members in no team (WITHOUT_TEAM). */
function moreTeamsSql(W, what) {
  const parts = [];
  let t0 = TEAMS + 2;
  for (const g of MORE_TEAMS) {
    const t1 = t0 + g.teams - 1;
    const team = uid(`'kam-bench-t-' || w || '-' || t`);
    const leader = uid(`'kam-bench-m-' || w || '-leader-' || t`);
    if (what === 'teams') {
      parts.push(
        `SELECT ${team}, ${WS_ID}, '${g.name}' || (t - ${t0 - g.first}) || '组', '${g.kind}', ${leader}
         FROM ${W}, generate_series(${t0}, ${t1}) AS t`,
      );
    } else {
      const roles = [];
      let upTo = 1;
      for (const [role, n] of g.members) {
        upTo += n;
        roles.push(`WHEN p <= ${upTo} THEN '${role}'`);
      }
      const size = upTo;
      parts.push(
        `SELECT CASE WHEN p = 1 THEN ${leader} ELSE ${uid(`'kam-bench-m-' || w || '-' || t || '-' || p`)} END,
                ${WS_ID}, r.role_name || ' ' || t || '-' || p, ARRAY[r.role], ${team}
         FROM ${W}, generate_series(${t0}, ${t1}) AS t, generate_series(1, ${size}) AS p
         CROSS JOIN LATERAL (SELECT CASE WHEN p = 1 THEN '${g.leader}' ${roles.join(' ')} END AS role) q
         CROSS JOIN LATERAL (SELECT q.role, ($1::jsonb ->> q.role) AS role_name) r`,
      );
    }
    t0 = t1 + 1;
  }
  if (what === 'teams')
    return {
      text: `INSERT INTO teams (id, workspace_id, name, kind, leader_id) ${parts.join(' UNION ALL ')}`,
      values: [],
    };
  for (const [role, n] of WITHOUT_TEAM)
    parts.push(
      `SELECT ${uid(`'kam-bench-m-' || w || '-${role}-' || k`)}, ${WS_ID}, ($1::jsonb ->> '${role}') || ' ' || k,
              ARRAY['${role}'], NULL::uuid
       FROM ${W}, generate_series(1, ${n}) AS k`,
    );
  return {
    text: `INSERT INTO members (id, workspace_id, name, roles, team_id) ${parts.join(' UNION ALL ')}`,
    values: [JSON.stringify(ROLE_NAMES)],
  };
}

/**
 * Writes workspaces `from`…`workspaces` of `perWorkspace` accounts each, with their members and history, in chunks
 * of workspaces spread over `parallel` connections (a data set grows in steps this way). Returns the seconds it
 * took; `timings`, when given, gets per table the seconds its statements took (summed over the connections).
 */
async function generate({
  databaseUrl,
  settings,
  workspaces,
  perWorkspace,
  from = 1,
  parallel = 2,
  chunk = 5,
  log,
  timings = {},
}) {
  const t0 = Date.now();
  const chunks = [];
  for (let w = from; w <= workspaces; w += chunk) chunks.push([w, Math.min(workspaces, w + chunk - 1)]);
  let done = 0;
  const worker = async () => {
    const c = new Client({ connectionString: databaseUrl, statement_timeout: 0 });
    await c.connect();
    try {
      await c.query(`SET synchronous_commit = off`);
      for (;;) {
        const next = chunks.shift();
        if (!next) break;
        await generateWorkspaces(c, settings, next[0], next[1], perWorkspace, timings);
        done += next[1] - next[0] + 1;
        if (log)
          log(`  ${from - 1 + done}/${workspaces} workspaces (${Math.round((Date.now() - t0) / 1000)} s)`);
      }
    } finally {
      await c.end();
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const c = new Client({ connectionString: databaseUrl, statement_timeout: 0 });
  await c.connect();
  try {
    // Fresh statistics and visibility map, as a database that has been running for a while has.
    const t1 = Date.now();
    for (const t of ['accounts', 'members', 'teams', 'workspaces', 'revisits', 'orders', 'complaints'])
      await c.query(`VACUUM ANALYZE ${t}`);
    timings.vacuum = (timings.vacuum ?? 0) + (Date.now() - t1) / 1000;
  } finally {
    await c.end();
  }
  return (Date.now() - t0) / 1000;
}

/**
 * Rows of the generated workspaces 1…workspaces, one count per table; of revisits and complaints only the history
 * (done or cancelled, resolved or closed), not what a sweep measured since has added.
 */
async function countRows(databaseUrl, workspaces) {
  const c = new Client({ connectionString: databaseUrl, statement_timeout: 0 });
  await c.connect();
  try {
    const wsIds = Array.from({ length: workspaces }, (_, k) => ids.workspace(k + 1));
    const tables = {
      members: 'true',
      teams: 'true',
      accounts: 'true',
      revisits: "status IN ('done', 'cancelled')",
      orders: 'true',
      complaints: "status IN ('resolved', 'closed')",
    };
    const out = {};
    for (const [t, where] of Object.entries(tables)) {
      const { rows } = await c.query(
        `SELECT count(*)::int AS n FROM ${t} WHERE workspace_id = ANY($1::uuid[]) AND ${where}`,
        [wsIds],
      );
      out[t] = rows[0].n;
    }
    return out;
  } finally {
    await c.end();
  }
}

module.exports = {
  generate,
  countRows,
  ids,
  uuidOf,
  uid,
  TEAMS,
  AMS_PER_TEAM,
  MEMBERS_PER_WORKSPACE,
  AS_OF,
};
