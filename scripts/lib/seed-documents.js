'use strict';
/**
 * The demo workspace's documents (issue 6), made through the public API as people would make them: a document at
 * every classification level, two policies (制度) — one acknowledged by everyone, one still waiting for most —, a
 * grant that is still open and one that has expired, and an access log with views, downloads, an export and a
 * refused attempt.
 *
 * Runs after the apps are healthy, right after the performance seed. Idempotent: a workspace that already has
 * documents is left alone.
 */
const path = require('node:path');
const { ROOT } = require('./system');

/** `dist`: the built apps (tests build into a folder of their own). */
async function seedDocuments(base, jwtSecret, { dist = path.join(ROOT, 'dist') } = {}) {
  const { signUserToken } = require(path.join(dist, 'apps/gateway/src/auth/token.service.js'));
  const { DEMO_MEMBERS, DEMO_WORKSPACE } = require(
    path.join(dist, 'apps/account-management/src/seed/demo-workspace.js'),
  );
  const key = new TextEncoder().encode(jwtSecret);
  const active = DEMO_MEMBERS.filter((x) => !x.departed);
  const tokens = new Map();
  for (const m of active)
    tokens.set(
      m.id,
      await signUserToken(key, { sub: m.id, workspaceId: DEMO_WORKSPACE.id, roles: m.roles }, 3600),
    );
  const byRole = (role) => active.find((m) => m.roles.includes(role));
  const director = byRole('director');
  const manager = byRole('account_manager');
  const researcher = byRole('market_researcher');
  const admin = byRole('admin');

  async function call(method, url, who, body, { expect = [200, 201], raw = false } = {}) {
    const isForm = body instanceof FormData;
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        Authorization: `Bearer ${tokens.get(who.id ?? who)}`,
        'Accept-Language': 'en',
        ...(isForm || body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
    if (!expect.includes(res.status))
      throw new Error(`${method} ${url} → ${res.status} ${(await res.text()).slice(0, 300)}`);
    if (raw) return res.arrayBuffer();
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  async function upload(who, fields, fileName, text) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([text], { type: 'text/plain' }), fileName);
    return call('POST', '/api/v1/documents', who, form);
  }

  // The seed's policies mark it as done (other documents may have been uploaded meanwhile).
  const existing = await call('GET', '/api/v1/documents?kind=policy&limit=1', director);
  if (existing.items.length) return { skipped: true };

  const accounts = await call('GET', '/api/v1/accounts?limit=1', manager);
  const account = accounts.items[0];

  // One document at every level.
  const reception = await upload(
    director,
    { kind: 'policy', classification: 'public', title: '大客户接待制度' },
    'reception-policy.md',
    '# 大客户接待制度\n\n1. 重要客户来访须提前一天报部门经理。\n2. 接待标准按客户等级执行。\n',
  );
  const confidentiality = await upload(
    director,
    { kind: 'policy', classification: 'internal', title: '大客户部保密制度' },
    'confidentiality-policy.md',
    '# 大客户部保密制度\n\n1. 客户档案属公司机密,不得外传。\n2. 离职时须移交全部客户资料。\n',
  );
  const training = await upload(
    manager,
    { kind: 'training_material', classification: 'internal', title: '新员工大客户开发培训' },
    'training.md',
    '# 大客户开发培训\n\n- 客户分级\n- 回访节奏\n- 投诉处理时限\n',
  );
  const archive = await upload(
    manager,
    {
      kind: 'customer_archive',
      classification: 'confidential',
      title: `${account?.name ?? '重点客户'} 客户档案`,
      ...(account ? { accountId: account.id } : {}),
    },
    'archive.csv',
    '字段,内容\n主要联系人,采购部 王经理\n年度采购额,12800000\n合作年限,6\n',
  );
  const bid = await upload(
    director,
    { kind: 'bid', classification: 'secret', title: '2026 年度框架协议投标底价' },
    'bid.txt',
    '投标底价:人民币 1,180 万元(含税)\n让利上限:3%\n',
  );

  // Grants: one open for a month, one that has run out.
  await call('POST', `/api/v1/documents/${bid.id}/grants`, director, {
    granteeType: 'member',
    granteeId: manager.id,
    expiresAt: new Date(Date.now() + 30 * 86400_000).toISOString(),
    reason: '参与投标报价复核',
  });
  const expiring = new Date(Date.now() + 1500);
  await call('POST', `/api/v1/documents/${archive.id}/grants`, director, {
    granteeType: 'member',
    granteeId: researcher.id,
    expiresAt: expiring.toISOString(),
    reason: '市场调研临时查阅',
  });
  // A grant cannot be made already expired: this one runs out while the seed goes on.
  await new Promise((r) => setTimeout(r, Math.max(0, expiring.getTime() - Date.now() + 200)));

  // Policies: the confidentiality policy acknowledged by everyone, the reception policy by two members only.
  await call('POST', `/api/v1/documents/${confidentiality.id}/publish`, director);
  await call('POST', `/api/v1/documents/${reception.id}/publish`, director);
  for (const m of active.filter((x) => x.roles.some((r) => r !== 'admin' && r !== 'security_officer')))
    await call('POST', `/api/v1/documents/${confidentiality.id}/acknowledge`, m);
  await call('POST', `/api/v1/documents/${reception.id}/acknowledge`, director);
  await call('POST', `/api/v1/documents/${reception.id}/acknowledge`, manager);
  await call('POST', '/api/v1/admin/jobs/documents/policy-reminders/run', admin, {});

  // The access log: views, downloads (watermarked), a small export, and a refused attempt.
  await call('GET', `/api/v1/documents/${archive.id}`, manager);
  await call('GET', `/api/v1/documents/${archive.id}/download`, manager, undefined, { raw: true });
  await call('GET', `/api/v1/documents/${bid.id}/download`, director, undefined, { raw: true });
  await call('GET', `/api/v1/documents/${bid.id}/download`, manager, undefined, { raw: true });
  await call(
    'POST',
    '/api/v1/documents/export',
    manager,
    { documentIds: [training.id, confidentiality.id] },
    {
      raw: true,
    },
  );
  await call('GET', `/api/v1/documents/${bid.id}`, researcher, undefined, { expect: [404] });
  return { skipped: false, documents: 5 };
}

module.exports = { seedDocuments };
