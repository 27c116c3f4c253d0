import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import request from 'supertest';
import { connect, NatsConnection } from 'nats';
import { Queue } from 'bullmq';
import { QueueName, QUEUE_PREFIX, redisConnectionOptions } from '@app/jobs';
import { Actor, Reply, SUBJECTS } from '@app/contracts';
import { unzip } from '../../apps/document-security/src/export-requests/zip';
import { adminUrl, natsOptions } from '../support/env';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { eventually, expectProblem } from '../support/e2e-helpers';
import { ROOT, TestSystem } from '../support/system';
import { runJobAt } from '../support/jobs';

type Who = keyof Fixture['members'];
interface Doc {
  id: string;
  kind: string;
  classification: string;
  ownerId: string;
  currentVersion: number;
  ownerHistory?: { fromOwner: string; toOwner: string; reason: string }[];
}
interface LogRow {
  id: string;
  member_id: string;
  action: string;
  subject: string;
  document_id: string | null;
  details: Record<string, unknown>;
}

/** Small, so a handful of documents or the fixture's five accounts are a "bulk" export. */
const THRESHOLD = 3;

/**
 * Document security, second slice (issue 6, points 5-7): bulk exports need the director's approval, policies (制度)
 * are acknowledged by every member and reminded daily, and a departure hands documents over and revokes grants.
 */
describe('documents: export controls, policy acknowledgements, departures', () => {
  const threshold = { KAM_EXPORT_APPROVAL_THRESHOLD: String(THRESHOLD) };
  const system = new TestSystem({
    extraEnv: { 'document-security': threshold, 'account-management': threshold },
  });
  let f: Fixture;
  const tokens = new Map<Fixture, Record<string, string>>();
  let nc: NatsConnection;

  const tokensOf = async (w: Fixture) => {
    const t: Record<string, string> = {};
    for (const who of Object.keys(w.members) as Who[]) t[who] = await memberToken(system.jwtSecret, w, who);
    tokens.set(w, t);
  };

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    await tokensOf(f);
    nc = await connect({
      servers: system.env.natsUrl,
      ...natsOptions(system.env, 'gateway'),
      name: 'documents-controls-e2e',
    });
  });
  afterAll(async () => {
    await nc?.drain();
    // Job schedulers outlive the process: remove the ones this suite's documents created.
    const queue = new Queue(QueueName.Documents, {
      connection: redisConnectionOptions(system.env.redisUrl),
      prefix: QUEUE_PREFIX,
    });
    for (const s of await queue.getJobSchedulers()) await queue.removeJobScheduler(s.key);
    await queue.close();
    await system.stop();
  });

  const api = () => request(system.baseUrl);
  const as = (who: Who, w: Fixture = f) => ({ Authorization: `Bearer ${tokens.get(w)![who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  /** A zip arrives as bytes; a refusal is problem+json. */
  const binary = (res: request.Response, cb: (err: Error | null, body: unknown) => void) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const all = Buffer.concat(chunks);
      const zipped = String(res.headers['content-type'] ?? '').startsWith('application/zip');
      cb(null, zipped ? all : (JSON.parse(all.toString() || '{}') as unknown));
    });
  };
  const create = async (
    who: Who,
    fields: Record<string, string>,
    text = '制度正文\n第一条\n',
    w: Fixture = f,
  ) => {
    const r = api().post('/api/v1/documents').set(as(who, w));
    for (const [k, v] of Object.entries(fields)) void r.field(k, v);
    const res = await r.attach('file', Buffer.from(text), { filename: 'doc.txt', contentType: 'text/plain' });
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
    return res.body as Doc;
  };
  const exportZip = (who: Who, documentIds: string[], exportRequestId?: string) =>
    api()
      .post('/api/v1/documents/export')
      .set(as(who))
      .send({ documentIds, ...(exportRequestId ? { exportRequestId } : {}) })
      .buffer(true)
      .parse(binary);
  const log = (workspaceId: string, where = 'TRUE', params: unknown[] = []) =>
    db<LogRow>(
      `SELECT id, member_id, action, subject, document_id, details FROM document_security.access_log
       WHERE workspace_id = $1 AND ${where} ORDER BY seq`,
      [workspaceId, ...params],
    );
  const requestExport = async (who: Who, body: Record<string, unknown>) =>
    (await api().post('/api/v1/export-requests').set(as(who)).send(body).expect(201)).body as {
      id: string;
      status: string;
      expiresAt: string | null;
    };
  const decide = (who: Who, id: string, decision: 'approve' | 'reject', note?: string) =>
    api()
      .post(`/api/v1/export-requests/${id}/decision`)
      .set(as(who))
      .send({ decision, ...(note ? { note } : {}) });

  describe('export controls (point 5)', () => {
    let internal: Doc[];
    let secret: Doc;

    beforeAll(async () => {
      internal = [];
      for (let i = 1; i <= 4; i++)
        internal.push(
          await create(
            'am1',
            { kind: 'report', classification: 'internal', title: `月报 ${i}` },
            `第 ${i} 份月报\n`,
          ),
        );
      secret = await create(
        'director',
        { kind: 'bid', classification: 'secret', title: '投标底价' },
        '底价 880 万\n',
      );
    });

    it('a small export is a zip of watermarked copies, each one on the access log', async () => {
      const res = await exportZip('am2', [internal[0].id, internal[1].id]).expect(200);
      expect(res.headers['content-type']).toBe('application/zip');
      const files = unzip(res.body as Buffer);
      expect(files.map((x) => x.name)).toEqual(['001-doc.txt', '002-doc.txt']);
      const entries = await log(f.workspaceId, `action = 'export' AND member_id = $2`, [f.members.am2.id]);
      expect(entries.map((e) => e.document_id)).toEqual([internal[0].id, internal[1].id]);
      // Each copy names the member and its own access-log entry, so a leaked file tells who had it.
      for (const [i, file] of files.entries()) {
        expect(file.data.toString()).toContain(`第 ${i + 1} 份月报`);
        expect(file.data.toString()).toContain(entries[i].id);
        expect(file.data.toString()).toContain(f.members.am2.id);
      }
    });

    it('more documents than the threshold, or a single secret one, is refused without approval and logged', async () => {
      expectProblem(
        await exportZip(
          'am1',
          internal.map((d) => d.id),
        ),
        403,
        'export_approval_required',
      );
      expectProblem(await exportZip('director', [secret.id]), 403, 'export_approval_required');
      const denied = await log(f.workspaceId, `action = 'denied' AND details->>'attempted' = 'export'`);
      expect(denied.map((d) => d.member_id)).toEqual(
        expect.arrayContaining([f.members.am1.id, f.members.director.id]),
      );
      // A document the caller may not read is not found, whatever the approval.
      expectProblem(await exportZip('am1', [secret.id]), 404, 'document_not_found');
    });

    it('request → director approves → the requester downloads once, within the window', async () => {
      const ids = internal.map((d) => d.id);
      const req = await requestExport('am1', { kind: 'documents', documentIds: ids, reason: '年度审计' });
      expect(req.status).toBe('pending');
      expectProblem(await exportZip('am1', ids, req.id), 409, 'export_request_not_usable');
      // Only the director (or the executive) decides; the requester and others see only their own requests.
      expectProblem(await decide('am1', req.id, 'approve'), 403, 'forbidden');
      expectProblem(await decide('deputy', req.id, 'approve'), 403, 'forbidden');
      expectProblem(
        await api().get(`/api/v1/export-requests/${req.id}`).set(as('am2')),
        404,
        'export_request_not_found',
      );
      const pending = await api()
        .get('/api/v1/export-requests?status=pending')
        .set(as('director'))
        .expect(200);
      expect((pending.body as { id: string }[]).map((r) => r.id)).toContain(req.id);
      expect((await api().get('/api/v1/export-requests').set(as('am2')).expect(200)).body).toEqual([]);

      const approved = (await decide('director', req.id, 'approve', '同意').expect(200)).body as {
        status: string;
        expiresAt: string;
      };
      expect(approved.status).toBe('approved');
      expect(Date.parse(approved.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
      expectProblem(await decide('director', req.id, 'reject'), 409, 'export_request_decided');

      // Someone else's approval, or other documents, do not count.
      expectProblem(await exportZip('am2', ids, req.id), 409, 'export_request_not_usable');
      expectProblem(await exportZip('am1', ids.slice(0, 3), req.id), 409, 'export_request_not_usable');

      const res = await exportZip('am1', ids, req.id).expect(200);
      expect(res.headers['x-export-request']).toBe(req.id);
      expect(unzip(res.body as Buffer)).toHaveLength(4);
      const second = await exportZip('am1', ids, req.id);
      expectProblem(second, 409, 'export_request_not_usable');
      expect((second.body as { detail?: string }).detail ?? JSON.stringify(second.body)).toMatch(/used/);

      const trail = await log(f.workspaceId, `details->>'exportRequestId' = $2`, [req.id]);
      expect(trail.filter((e) => e.action !== 'denied').map((e) => e.action)).toEqual([
        'export_request',
        'export_decision',
        'export',
        'export',
        'export',
        'export',
      ]);
    });

    it('a rejected or expired approval opens nothing', async () => {
      const rejected = await requestExport('executive', {
        kind: 'documents',
        documentIds: [secret.id],
        reason: '复核',
      });
      await decide('director', rejected.id, 'reject', '不予批准').expect(200);
      expectProblem(await exportZip('executive', [secret.id], rejected.id), 409, 'export_request_not_usable');

      const late = await requestExport('executive', {
        kind: 'documents',
        documentIds: [secret.id],
        reason: '复核',
      });
      await decide('director', late.id, 'approve').expect(200);
      await db(
        `UPDATE document_security.export_requests SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [late.id],
      );
      expectProblem(await exportZip('executive', [secret.id], late.id), 409, 'export_request_not_usable');

      const ok = await requestExport('executive', {
        kind: 'documents',
        documentIds: [secret.id],
        reason: '复核',
      });
      await decide('director', ok.id, 'approve').expect(200);
      const res = await exportZip('executive', [secret.id], ok.id).expect(200);
      expect(unzip(res.body as Buffer)[0].data.toString()).toContain('底价 880 万');
    });

    it('an account CSV export over the threshold needs an approved request with the same filters', async () => {
      const csv = (who: Who, query = '') =>
        api().get(`/api/v1/accounts/export${query}`).set(as(who)).set('Accept-Language', 'en');
      // am1 exports their own two accounts freely; the director's five are over the threshold of three.
      expect((await csv('am1').expect(200)).text.trim().split('\n')).toHaveLength(3);
      expectProblem(await csv('director'), 403, 'export_approval_required');
      await eventually('the refused account export on the access log', async () => {
        const rows = await log(
          f.workspaceId,
          `action = 'denied' AND subject = 'accounts' AND member_id = $2`,
          [f.members.director.id],
        );
        return rows.length ? rows : undefined;
      });

      const other = await requestExport('director', {
        kind: 'accounts',
        accountFilters: { region: '华南' },
        reason: 'x',
      });
      // Nobody decides their own request: the director's is decided by the executive (公司领导).
      expectProblem(await decide('director', other.id, 'approve'), 403, 'own_request');
      await decide('executive', other.id, 'approve').expect(200);
      expectProblem(await csv('director', `?exportRequestId=${other.id}`), 409, 'export_request_not_usable');

      const req = await requestExport('director', {
        kind: 'accounts',
        accountFilters: {},
        reason: '年度客户盘点',
      });
      expectProblem(await csv('director', `?exportRequestId=${req.id}`), 409, 'export_request_not_usable');
      await decide('executive', req.id, 'approve').expect(200);
      const res = await csv('director', `?exportRequestId=${req.id}&sort=name`).expect(200);
      expect(res.text.trim().split('\n')).toHaveLength(6);
      expectProblem(await csv('director', `?exportRequestId=${req.id}`), 409, 'export_request_not_usable');
      const used = await log(
        f.workspaceId,
        `action = 'export' AND subject = 'accounts' AND details->>'exportRequestId' = $2`,
        [req.id],
      );
      expect(used).toHaveLength(1);
      expect(used[0].details.rowCount).toBe(5);
    });

    it('an export request is validated: documents or account filters, a reason, readable documents', async () => {
      expectProblem(
        await api().post('/api/v1/export-requests').set(as('am1')).send({ kind: 'documents', reason: 'x' }),
        400,
        'validation_failed',
      );
      expectProblem(
        await api()
          .post('/api/v1/export-requests')
          .set(as('am1'))
          .send({ kind: 'documents', documentIds: [secret.id], reason: 'x' }),
        404,
        'document_not_found',
      );
      expectProblem(
        await api()
          .post('/api/v1/export-requests')
          .set(as('am1'))
          .send({ kind: 'documents', documentIds: [internal[0].id] }),
        400,
        'validation_failed',
      );
    });
  });

  describe('policy documents (制度, point 6)', () => {
    let policy: Doc;
    /** Active members of the department: the fixture less the administrator, the security officer and the leaver. */
    const AUDIENCE = 12;

    beforeAll(async () => {
      policy = await create('director', {
        kind: 'policy',
        classification: 'internal',
        title: '客户保密制度',
      });
    });

    it('only the director publishes, only a policy, and only one every member may read', async () => {
      expectProblem(
        await api().post(`/api/v1/documents/${policy.id}/publish`).set(as('deputy')),
        403,
        'forbidden',
      );
      const report = await create('director', { kind: 'report', classification: 'internal', title: '周报' });
      expectProblem(
        await api().post(`/api/v1/documents/${report.id}/publish`).set(as('director')),
        409,
        'document_not_policy',
      );
      const secretPolicy = await create('director', {
        kind: 'policy',
        classification: 'confidential',
        title: '薪酬制度',
      });
      expectProblem(
        await api().post(`/api/v1/documents/${secretPolicy.id}/publish`).set(as('director')),
        409,
        'policy_classification_too_high',
      );
      expectProblem(
        await api().post(`/api/v1/documents/${policy.id}/acknowledge`).set(as('am1')),
        409,
        'policy_not_published',
      );
    });

    it('publishing asks every active member; acknowledgements are tracked, who has and who has not', async () => {
      const pub = await api().post(`/api/v1/documents/${policy.id}/publish`).set(as('director')).expect(200);
      expect(pub.body).toMatchObject({ documentId: policy.id, version: 1, audience: AUDIENCE });
      // Publishing the same version again changes nothing.
      const again = await api()
        .post(`/api/v1/documents/${policy.id}/publish`)
        .set(as('director'))
        .expect(200);
      expect(again.body.publishedAt).toBe(pub.body.publishedAt);

      const ack = await api().post(`/api/v1/documents/${policy.id}/acknowledge`).set(as('am1')).expect(200);
      const ack2 = await api().post(`/api/v1/documents/${policy.id}/acknowledge`).set(as('am1')).expect(200);
      expect(ack2.body.acknowledgedAt).toBe(ack.body.acknowledgedAt);
      await api().post(`/api/v1/documents/${policy.id}/acknowledge`).set(as('clerk')).expect(200);
      // An administrator reads no internal document, so neither acknowledges nor is asked to.
      expectProblem(
        await api().post(`/api/v1/documents/${policy.id}/acknowledge`).set(as('admin')),
        404,
        'document_not_found',
      );

      const view = await api()
        .get(`/api/v1/documents/${policy.id}/acknowledgements`)
        .set(as('director'))
        .expect(200);
      const body = view.body as { acknowledged: { memberId: string }[]; pending: { memberId: string }[] };
      expect(body.acknowledged.map((a) => a.memberId).sort()).toEqual(
        [f.members.am1.id, f.members.clerk.id].sort(),
      );
      expect(body.pending).toHaveLength(AUDIENCE - 2);
      const pendingIds = body.pending.map((p) => p.memberId);
      for (const who of ['admin', 'security', 'departed', 'am1'] as Who[])
        expect(pendingIds).not.toContain(f.members[who].id);
      expect(pendingIds).toContain(f.members.am2.id);
      // Members see whether they acknowledged, not the whole list.
      expectProblem(
        await api().get(`/api/v1/documents/${policy.id}/acknowledgements`).set(as('am1')),
        403,
        'forbidden',
      );
      expect(
        (
          await log(f.workspaceId, `action IN ('publish', 'acknowledge') AND document_id = $2`, [policy.id])
        ).map((e) => e.action),
      ).toEqual(['publish', 'acknowledge', 'acknowledge']);
    });

    it('the daily reminder notifies each member who has not acknowledged, once a day', async () => {
      const run = (who: Who, asOf: string) =>
        api().post('/api/v1/admin/jobs/documents/policy-reminders/run').set(as(who)).send({ asOf });
      // The daily job at a later time (the admin's run-now takes no future asOf: the job goes on its queue).
      const runAt = (asOf: string) =>
        runJobAt(system.env, '/api/v1/admin/jobs/documents/policy-reminders/run', f.workspaceId, asOf);
      expectProblem(await run('director', '2099-01-01T09:00:00+08:00'), 403, 'forbidden');
      const first = await runAt('2099-01-01T09:00:00+08:00');
      expect(first.reminders).toBeGreaterThanOrEqual(AUDIENCE - 2);
      const again = await runAt('2099-01-01T10:00:00+08:00');
      expect(again.reminders).toBe(0);
      const notes = await eventually('am2 is reminded in the app', async () => {
        const res = await api().get('/api/v1/notifications').set(as('am2')).expect(200);
        const items = (res.body.items ?? res.body) as {
          kind: string;
          title: string;
          link: Record<string, unknown>;
        }[];
        const mine = items.filter(
          (n) => n.kind === 'policy_acknowledgement_due' && n.link.documentId === policy.id,
        );
        return mine.length ? mine : undefined;
      });
      expect(notes).toHaveLength(1);
      expect(notes[0].title).toContain('客户保密制度');
      const am1 = await api().get('/api/v1/notifications').set(as('am1')).expect(200);
      expect(
        ((am1.body.items ?? am1.body) as { kind: string; link: Record<string, unknown> }[]).filter(
          (n) => n.kind === 'policy_acknowledgement_due' && n.link.documentId === policy.id,
        ),
      ).toEqual([]);
    });

    it('a new published version must be acknowledged again', async () => {
      await api()
        .post(`/api/v1/documents/${policy.id}/versions`)
        .set(as('director'))
        .attach('file', Buffer.from('制度正文 第二版\n'), { filename: 'doc.txt', contentType: 'text/plain' })
        .expect(201);
      const pub = await api().post(`/api/v1/documents/${policy.id}/publish`).set(as('director')).expect(200);
      expect(pub.body.version).toBe(2);
      const view = await api()
        .get(`/api/v1/documents/${policy.id}/acknowledgements`)
        .set(as('director'))
        .expect(200);
      expect(view.body.acknowledged).toEqual([]);
      expect(view.body.pending).toHaveLength(AUDIENCE);
    });
  });

  describe('departure (point 7)', () => {
    let w: Fixture;
    let owned: Doc;
    let ownedOther: Doc;
    let secret: Doc;
    let grantId: string;

    /** A request straight to document-security over NATS, as a service would send it. */
    const direct = async (subject: string, actor: Actor, data: unknown) => {
      const msg = await nc.request(subject, new TextEncoder().encode(JSON.stringify({ actor, data })), {
        timeout: 5000,
      });
      return JSON.parse(new TextDecoder().decode(msg.data)) as Reply;
    };

    beforeAll(async () => {
      w = await createWorkspace(system.env);
      await tokensOf(w);
      owned = await create(
        'am3',
        {
          kind: 'customer_archive',
          classification: 'confidential',
          title: '恒达档案',
          accountId: w.accounts.am3Own,
        },
        '档案\n',
        w,
      );
      ownedOther = await create(
        'am3',
        { kind: 'meeting_minutes', classification: 'internal', title: '纪要' },
        '纪要\n',
        w,
      );
      secret = await create(
        'director',
        { kind: 'bid', classification: 'secret', title: '底价' },
        '底价\n',
        w,
      );
      grantId = (
        await api()
          .post(`/api/v1/documents/${secret.id}/grants`)
          .set(as('director', w))
          .send({
            granteeType: 'member',
            granteeId: w.members.am3.id,
            expiresAt: new Date(Date.now() + 86400_000).toISOString(),
            reason: '投标',
          })
          .expect(201)
      ).body.id as string;
    });

    it("the leaver's grants are revoked and their documents move to the successor, history kept and logged", async () => {
      await api()
        .post(`/api/v1/members/${w.members.am3.id}/departure`)
        .set(as('director', w))
        .send({
          successorId: w.members.am2.id,
          successorsByAccount: { [w.accounts.am3Own]: w.members.am1.id },
        })
        .expect(200);
      const moved = await eventually('the documents handed over', async () => {
        const res = await api().get(`/api/v1/documents/${ownedOther.id}`).set(as('director', w)).expect(200);
        return (res.body as Doc).ownerId === w.members.am2.id ? (res.body as Doc) : undefined;
      });
      expect(moved.ownerHistory).toEqual([
        expect.objectContaining({
          fromOwner: w.members.am3.id,
          toOwner: w.members.am2.id,
          reason: 'member_departed',
        }),
      ]);
      // The document about an account goes with the account, to its own successor.
      const archive = await api().get(`/api/v1/documents/${owned.id}`).set(as('director', w)).expect(200);
      expect(archive.body.ownerId).toBe(w.members.am1.id);
      const grants = await api()
        .get(`/api/v1/documents/${secret.id}/grants`)
        .set(as('director', w))
        .expect(200);
      expect(
        (grants.body as { id: string; revokedAt: string | null }[]).find((g) => g.id === grantId)?.revokedAt,
      ).not.toBeNull();
      const trail = await log(
        w.workspaceId,
        `action IN ('transfer', 'revoke') AND member_id = 'system:departure'`,
      );
      expect(trail.map((e) => [e.action, e.document_id]).sort()).toEqual(
        [
          ['revoke', secret.id],
          ['transfer', owned.id],
          ['transfer', ownedOther.id],
        ].sort(),
      );
    });

    it('any later attempt by the leaver is denied and logged, at the gateway and straight over NATS', async () => {
      const denials = () => log(w.workspaceId, `action = 'denied' AND member_id = $2`, [w.members.am3.id]);
      const first = (await denials()).length;
      // Until the gateway's member status (at most 2 s old) knows of the departure, document-security refuses and
      // logs; then the gateway itself does, before any service sees the request. Every attempt is logged once.
      let attempts = 0;
      const atGateway = await eventually('the gateway refuses the leaver and logs it', async () => {
        attempts++;
        expectProblem(
          await api().get(`/api/v1/documents/${secret.id}`).set(as('am3', w)),
          401,
          'member_departed',
        );
        return (await denials()).slice(first).find((e) => e.details.via === 'gateway');
      });
      expect(atGateway).toMatchObject({
        document_id: secret.id,
        subject: 'document',
        details: {
          reason: 'member_departed',
          via: 'gateway',
          method: 'GET',
          route: `/api/v1/documents/${secret.id}`,
        },
      });
      expect((await denials()).length).toBe(first + attempts);
      expectProblem(await api().get('/api/v1/documents?limit=5').set(as('am3', w)), 401, 'member_departed');
      expect((await denials()).slice(-1)[0]).toMatchObject({
        document_id: null,
        subject: 'request',
        details: { reason: 'member_departed', via: 'gateway', method: 'GET', route: '/api/v1/documents' },
      });
      const actor: Actor = {
        workspaceId: w.workspaceId,
        memberId: w.members.am3.id,
        roles: ['account_manager'],
        requestId: randomUUID(),
      };
      const before = (await log(w.workspaceId, `action = 'denied' AND member_id = $2`, [w.members.am3.id]))
        .length;
      for (const [subject, data] of [
        [SUBJECTS.documents.documentGet, { id: ownedOther.id }],
        [SUBJECTS.documents.documentDownload, { id: secret.id, query: {} }],
        [SUBJECTS.documents.documentExport, { data: { documentIds: [ownedOther.id] } }],
      ] as const) {
        const r = await direct(subject, actor, data);
        expect(r.ok ? 'ok' : r.error.code).toBe('member_departed');
      }
      const denied = await log(w.workspaceId, `action = 'denied' AND member_id = $2`, [w.members.am3.id]);
      expect(denied.length).toBe(before + 3);
    });
  });
  describe('the demo workspace (npm start) gets documents (point 8)', () => {
    const DEMO = '11111111-1111-4111-8111-111111111111';
    const dist = process.env.KAM_TEST_DIST ?? path.join(ROOT, 'dist');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the seed is a plain Node script
    const { seedDocuments } = require(path.join(ROOT, 'scripts/lib/seed-documents.js')) as {
      seedDocuments: (
        base: string,
        secret: string,
        o: { dist: string },
      ) => Promise<{ skipped: boolean; documents?: number }>;
    };

    beforeAll(() => {
      const seed = spawnSync(
        process.execPath,
        [path.join(dist, 'apps/account-management/src/seed/main.js')],
        {
          env: system.appEnv('account-management'),
          encoding: 'utf8',
        },
      );
      expect({ status: seed.status, err: seed.stderr }).toMatchObject({ status: 0 });
    });

    it('documents at every level, an open and an expired grant, an acknowledged and a pending policy, a log; once', async () => {
      expect(await seedDocuments(system.baseUrl, system.jwtSecret, { dist })).toEqual({
        skipped: false,
        documents: 5,
      });
      expect(await seedDocuments(system.baseUrl, system.jwtSecret, { dist })).toEqual({ skipped: true });

      const docs = await db<{ id: string; classification: string; kind: string }>(
        `SELECT id, classification, kind FROM document_security.documents WHERE workspace_id = $1`,
        [DEMO],
      );
      expect(new Set(docs.map((d) => d.classification))).toEqual(
        new Set(['public', 'internal', 'confidential', 'secret']),
      );
      const grants = await db<{ live: boolean }>(
        `SELECT (expires_at > now() AND revoked_at IS NULL) AS live FROM document_security.document_grants
         WHERE workspace_id = $1`,
        [DEMO],
      );
      expect(grants.map((g) => g.live).sort()).toEqual([false, true]);
      const policies = await db<{ document_id: string; acks: number }>(
        `SELECT p.document_id, (SELECT count(*)::int FROM document_security.policy_acknowledgements a
                                WHERE a.document_id = p.document_id) AS acks
         FROM document_security.policy_publications p WHERE p.workspace_id = $1 ORDER BY acks`,
        [DEMO],
      );
      expect(policies).toHaveLength(2);
      const audience = await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM account_management.members WHERE workspace_id = $1 AND status = 'active'
           AND roles && ARRAY['director','deputy_director','group_leader','account_manager',
             'assistant_account_manager','customer_service','market_researcher','clerk','executive']::text[]`,
        [DEMO],
      );
      expect(policies.map((p) => p.acks)).toEqual([2, audience[0].n]);
      const actions = new Set(
        (
          await db<{ action: string }>(
            `SELECT DISTINCT action FROM document_security.access_log WHERE workspace_id = $1`,
            [DEMO],
          )
        ).map((a) => a.action),
      );
      for (const a of ['upload', 'view', 'download', 'export', 'share', 'publish', 'acknowledge', 'denied'])
        expect([a, actions.has(a)]).toEqual([a, true]);
    });
  });
});
