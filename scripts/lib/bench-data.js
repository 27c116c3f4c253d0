'use strict';
/**
 * The benchmark's data set: workspaces of key accounts with their teams and members, written with set-based SQL
 * (generate_series) as account-management's own role, the way the service's own rows are written.
 *
 * Per workspace: 10 account-manager teams with a group leader and 5 account managers each, a customer-service
 * team of 5, a director; `perWorkspace` accounts spread evenly over the 50 account managers (200 each for
 * 10,000). Names are Chinese company names put together from a city, a brand, a qualifier, a trade and a legal
 * form (深圳华为智能技术有限公司), so a search for a brand such as 华为 matches about 1 account in 60.
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
};

/** An index into a list of `n`, from a hash of the row, the workspace and what it is for. */
const pick = (n, salt) => `(abs(hashtext(w::text || ':' || i::text || '${salt}')) % ${n})`;

async function generateWorkspaces(client, settings, from, to, perWorkspace) {
  const W = `generate_series(${from}, ${to}) AS w`;
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
  await client.query(
    `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, industry, region,
       owner_id, service_team_id, annual_purchase_minor, currency, profit_contribution_pct, strategic_potential)
     SELECT ${uid(`'kam-bench-a-' || w || '-' || i`)}, ${uid(`'kam-bench-ws-' || w`)}, 'bench-' || w || '-' || i,
            ($1::text[])[1 + ${pick(CITIES.length, 'c')}] || ($2::text[])[1 + ${pick(BRANDS.length, 'b')}]
              || ($3::text[])[1 + ${pick(QUALIFIERS.length, 'q')}] || ($4::text[])[1 + ${pick(TRADES.length, 't')}]
              || ($5::text[])[1 + ${pick(FORMS.length, 'f')}],
            ($6::text[])[1 + i % ${TIERS.length}],
            (ARRAY['industry', 'regional', 'potential'])[1 + i % 3],
            ($7::text[])[1 + ${pick(STATUSES.length, 's')}],
            ($8::text[])[1 + ${pick(INDUSTRIES.length, 'i')}],
            ($9::text[])[1 + ${pick(REGIONS.length, 'r')}],
            ${uid(`'kam-bench-m-' || w || '-am-' || (1 + i % ${TEAMS * AMS_PER_TEAM})`)},
            CASE WHEN i % 4 = 0 THEN ${uid(`'kam-bench-t-' || w || '-' || ${TEAMS + 1}`)} END,
            (i % 997) * 1000000, 'CNY', (i % 2500) / 100.0, i % 10 = 0
     FROM ${W}, generate_series(1, $10::int) AS i`,
    [CITIES, BRANDS, QUALIFIERS, TRADES, FORMS, TIERS, STATUSES, INDUSTRIES, REGIONS, perWorkspace],
  );
  await client.query('COMMIT');
}

/**
 * Writes workspaces `from`…`workspaces` of `perWorkspace` accounts each, in chunks of workspaces spread over
 * `parallel` connections (a data set grows in steps this way). Returns the seconds it took.
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
        await generateWorkspaces(c, settings, next[0], next[1], perWorkspace);
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
    for (const t of ['accounts', 'members', 'teams', 'workspaces']) await c.query(`VACUUM ANALYZE ${t}`);
  } finally {
    await c.end();
  }
  return (Date.now() - t0) / 1000;
}

module.exports = { generate, ids, uuidOf, uid, TEAMS, AMS_PER_TEAM };
