import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import request from 'supertest';
import { Queue, QueueEvents } from 'bullmq';
import { QueueName, QUEUE_PREFIX, redisConnectionOptions } from '@app/jobs';
import { adminUrl, serviceDatabaseUrl } from '../support/env';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { expectProblem } from '../support/e2e-helpers';
import { ROOT, TestSystem } from '../support/system';
import { entryHash, GENESIS_HASH } from '../../apps/document-security/src/access-log/access-log-chain';

type Who = keyof Fixture['members'];
interface Doc {
  id: string;
  kind: string;
  classification: string;
  title: string;
  ownerId: string;
  accountId: string | null;
  currentVersion: number;
  versions?: { version: number; fileName: string; mimeType: string; sizeBytes: number; sha256: string }[];
}

const MAX_BYTES = 300_000;

/**
 * Documents (issue 6) through the gateway: classified, encrypted at rest, versioned, watermarked on the way out,
 * and every view, download, share and denied attempt on a tamper-evident access log.
 */
describe('documents: classification, encryption at rest, access log, watermarks', () => {
  const dsEnv: Record<string, string> = { KAM_DOCUMENT_MAX_BYTES: String(MAX_BYTES) };
  const system = new TestSystem({
    extraEnv: { 'document-security': dsEnv, gateway: { KAM_DOCUMENT_MAX_BYTES: String(MAX_BYTES) } },
  });
  let f: Fixture;
  let other: Fixture;
  const tokens = new Map<Fixture, Record<string, string>>();

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const w of [f, other]) {
      const t: Record<string, string> = {};
      for (const who of Object.keys(w.members) as Who[]) t[who] = await memberToken(system.jwtSecret, w, who);
      tokens.set(w, t);
    }
  });
  afterAll(async () => {
    await events?.close();
    if (queue) {
      // Job schedulers outlive the process: remove this suite's.
      for (const s of await queue.getJobSchedulers()) await queue.removeJobScheduler(s.key);
      await queue.close();
    }
    await system.stop();
  });

  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  /** Runs one of document-security's jobs now and waits for its result. */
  const runJob = async <T>(name: string, data: Record<string, unknown>): Promise<T> => {
    const connection = redisConnectionOptions(system.env.redisUrl);
    queue ??= new Queue(QueueName.Documents, { connection, prefix: QUEUE_PREFIX });
    if (!events) {
      events = new QueueEvents(QueueName.Documents, { connection, prefix: QUEUE_PREFIX });
      await events.waitUntilReady();
    }
    const job = await queue.add(name, data, { attempts: 1 });
    return (await job.waitUntilFinished(events, 20_000)) as T;
  };

  const api = () => request(system.baseUrl);
  const as = (who: Who, w: Fixture = f) => ({ Authorization: `Bearer ${tokens.get(w)![who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  };

  const upload = (
    who: Who,
    fields: Record<string, string>,
    content: Buffer,
    fileName: string,
    w: Fixture = f,
  ) => {
    const r = api().post('/api/v1/documents').set(as(who, w));
    for (const [k, v] of Object.entries(fields)) void r.field(k, v);
    return r.attach('file', content, { filename: fileName, contentType: 'application/octet-stream' });
  };
  const create = async (
    who: Who,
    fields: Record<string, string>,
    content: Buffer = Buffer.from('会议纪要\n第一项\n'),
    fileName = 'minutes.txt',
    w: Fixture = f,
  ) => {
    const res = await upload(who, fields, content, fileName, w);
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
    return res.body as Doc;
  };
  /** Text downloads land in `res.text`; error responses are problem+json. */
  const download = (who: Who, id: string, query = '', w: Fixture = f) =>
    api().get(`/api/v1/documents/${id}/download${query}`).set(as(who, w));
  const visible = async (who: Who, w: Fixture = f) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api()
        .get(`/api/v1/documents?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(as(who, w))
        .expect(200);
      ids.push(...(res.body.items as Doc[]).map((d) => d.id));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    return ids;
  };
  const counts = async () =>
    (
      await db<{ documents: number; versions: number; contents: number }>(
        `SELECT (SELECT count(*)::int FROM document_security.documents) AS documents,
                (SELECT count(*)::int FROM document_security.document_versions) AS versions,
                (SELECT count(*)::int FROM document_security.document_contents) AS contents`,
      )
    )[0];
  const logOf = (documentId: string) =>
    db<{ id: string; member_id: string; action: string; details: Record<string, unknown> }>(
      `SELECT id, member_id, action, details FROM document_security.access_log WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );

  describe('who sees what, by classification (DESIGN §4)', () => {
    let pub: Doc, internal: Doc, confidential: Doc, secret: Doc;

    beforeAll(async () => {
      pub = await create('am1', { kind: 'policy', classification: 'public', title: '客户接待制度' });
      internal = await create('am1', {
        kind: 'training_material',
        classification: 'internal',
        title: '培训资料',
      });
      // Owned by am2, about am1's account: am1 (owner), the assistant and leader1 (am1's group leader) see it.
      confidential = await create('am2', {
        kind: 'customer_archive',
        classification: 'confidential',
        title: '华为客户档案',
        accountId: f.accounts.am1Own,
      });
      secret = await create('director', { kind: 'bid', classification: 'secret', title: '投标底价' });
    });

    it.each<[Who, ('pub' | 'internal' | 'confidential' | 'secret')[]]>([
      ['director', ['pub', 'internal', 'confidential', 'secret']],
      ['deputy', ['pub', 'internal', 'confidential']],
      ['executive', ['pub', 'internal', 'confidential', 'secret']],
      ['clerk', ['pub', 'internal', 'confidential']],
      ['am1', ['pub', 'internal', 'confidential']],
      ['assistant', ['pub', 'internal', 'confidential']],
      ['leader1', ['pub', 'internal', 'confidential']],
      ['am2', ['pub', 'internal', 'confidential']],
      ['am3', ['pub', 'internal']],
      ['leader2', ['pub', 'internal']],
      ['service', ['pub', 'internal']],
      ['researcher', ['pub', 'internal']],
      ['security', ['pub']],
      ['admin', ['pub']],
    ])('%s sees exactly %j', async (who, expected) => {
      const docs = { pub, internal, confidential, secret };
      const ids = await visible(who);
      const mine = Object.entries(docs)
        .filter(([, d]) => ids.includes(d.id))
        .map(([k]) => k);
      expect(mine.sort()).toEqual([...expected].sort());
      for (const [k, d] of Object.entries(docs)) {
        const res = await api().get(`/api/v1/documents/${d.id}`).set(as(who));
        expect({ k, status: res.status }).toEqual({
          k,
          status: (expected as string[]).includes(k) ? 200 : 404,
        });
      }
    });

    it('a refused read is a 404 and a denied entry in the access log', async () => {
      const before = (await logOf(secret.id)).filter((e) => e.action === 'denied').length;
      expectProblem(
        await api().get(`/api/v1/documents/${secret.id}`).set(as('am3')),
        404,
        'document_not_found',
      );
      const denied = (await logOf(secret.id)).filter((e) => e.action === 'denied');
      expect(denied.length).toBe(before + 1);
      expect(denied[denied.length - 1].member_id).toBe(f.members.am3.id);
    });

    it('a member who has left is refused', async () => {
      const res = await api().get(`/api/v1/documents/${pub.id}`).set(as('departed'));
      expectProblem(res, 401, 'member_departed');
    });

    it('another workspace cannot see or even find a document', async () => {
      expectProblem(
        await api().get(`/api/v1/documents/${pub.id}`).set(as('director', other)),
        404,
        'document_not_found',
      );
      expectProblem(await download('director', pub.id, '', other), 404, 'document_not_found');
      expect(await visible('director', other)).toEqual([]);
    });

    it('a grant opens a secret document until it is revoked; sharing is logged', async () => {
      expectProblem(await download('am3', secret.id), 404, 'document_not_found');
      // Only whoever may change the document shares it.
      expectProblem(
        await api()
          .post(`/api/v1/documents/${secret.id}/grants`)
          .set(as('executive'))
          .send({
            granteeType: 'member',
            granteeId: f.members.am3.id,
            expiresAt: new Date(Date.now() + 86400_000).toISOString(),
            reason: 'x',
          }),
        403,
        'forbidden',
      );
      const grant = await api()
        .post(`/api/v1/documents/${secret.id}/grants`)
        .set(as('director'))
        .send({
          granteeType: 'member',
          granteeId: f.members.am3.id,
          expiresAt: new Date(Date.now() + 3600_000).toISOString(),
          reason: '投标评审',
        })
        .expect(201);
      expect((await download('am3', secret.id)).status).toBe(200);
      expect((await logOf(secret.id)).some((e) => e.action === 'share')).toBe(true);
      await api()
        .delete(`/api/v1/documents/${secret.id}/grants/${grant.body.id}`)
        .set(as('director'))
        .expect(200);
      expectProblem(await download('am3', secret.id), 404, 'document_not_found');
      // A grant to a role opens it to everyone holding the role.
      await api()
        .post(`/api/v1/documents/${secret.id}/grants`)
        .set(as('director'))
        .send({
          granteeType: 'role',
          granteeId: 'customer_service',
          expiresAt: new Date(Date.now() + 3600_000).toISOString(),
          reason: '客服核对',
        })
        .expect(201);
      expect(await visible('service')).toContain(secret.id);
      // A grant to a team opens it to its members (teams come from account-management).
      expect(await visible('am3')).not.toContain(secret.id);
      await api()
        .post(`/api/v1/documents/${secret.id}/grants`)
        .set(as('director'))
        .send({
          granteeType: 'team',
          granteeId: f.teams.team2,
          expiresAt: new Date(Date.now() + 3600_000).toISOString(),
          reason: '二组投标',
        })
        .expect(201);
      expect(await visible('am3')).toContain(secret.id);
      expect(await visible('am2')).not.toContain(secret.id);
    });

    it('an expired grant no longer opens the document', async () => {
      const grant = await api()
        .post(`/api/v1/documents/${secret.id}/grants`)
        .set(as('director'))
        .send({
          granteeType: 'member',
          granteeId: f.members.researcher.id,
          expiresAt: new Date(Date.now() + 1500).toISOString(),
          reason: '短期',
        })
        .expect(201);
      expect(await visible('researcher')).toContain(secret.id);
      await db(
        `UPDATE document_security.document_grants SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [grant.body.id],
      );
      expect(await visible('researcher')).not.toContain(secret.id);
      // The daily job records the expiry on the grant.
      const expired = await runJob<{ expired: number }>('ExpireGrantsJob', { workspaceId: f.workspaceId });
      expect(expired.expired).toBeGreaterThanOrEqual(1);
      const grants = await api().get(`/api/v1/documents/${secret.id}/grants`).set(as('director')).expect(200);
      expect(
        (grants.body as { id: string; revokedAt: string | null }[]).find((g) => g.id === grant.body.id)
          ?.revokedAt,
      ).not.toBeNull();
      expectProblem(
        await api().post(`/api/v1/documents/${secret.id}/grants`).set(as('director')).send({
          granteeType: 'member',
          granteeId: f.members.am3.id,
          expiresAt: '2020-01-01T00:00:00Z',
          reason: 'x',
        }),
        400,
        'validation_failed',
      );
    });

    it('filters narrow the list', async () => {
      const res = await api()
        .get('/api/v1/documents?classification=confidential')
        .set(as('director'))
        .expect(200);
      expect((res.body.items as Doc[]).map((d) => d.id)).toEqual([confidential.id]);
      const byAccount = await api()
        .get(`/api/v1/documents?accountId=${f.accounts.am1Own}`)
        .set(as('am1'))
        .expect(200);
      expect((byAccount.body.items as Doc[]).map((d) => d.id)).toEqual([confidential.id]);
    });
  });

  describe('content', () => {
    it('is stored encrypted with the key id, and comes back with a watermark header and footer', async () => {
      const csv = Buffer.from('客户,等级\n华为,金牌\n');
      const doc = await create(
        'am1',
        { kind: 'report', classification: 'internal', title: '客户等级表' },
        csv,
        'tiers.csv',
      );
      const rows = await db<{ ciphertext: Buffer; key_id: string; mime_type: string; sha256: string }>(
        `SELECT c.ciphertext, v.key_id, v.mime_type, v.sha256 FROM document_security.document_versions v
         JOIN document_security.document_contents c ON c.version_id = v.id WHERE v.document_id = $1`,
        [doc.id],
      );
      expect(rows[0].key_id).toBe('k1');
      expect(rows[0].mime_type).toBe('text/csv; charset=utf-8');
      expect(rows[0].ciphertext.includes(Buffer.from('华为'))).toBe(false);
      const res = await download('clerk', doc.id).expect(200);
      const lines = res.text.trimEnd().split('\n');
      const entry = res.headers['x-access-log-entry'] as string;
      expect(lines[0]).toContain(`clerk (${f.members.clerk.id})`);
      expect(lines[0]).toContain(entry);
      expect(lines.slice(1, 3)).toEqual(['客户,等级', '华为,金牌']);
      expect(lines[3]).toBe(lines[0]);
      expect(res.headers['content-disposition']).toContain("filename*=UTF-8''tiers.csv");
      const log = await logOf(doc.id);
      expect(log.find((e) => e.id === entry)).toMatchObject({
        action: 'download',
        member_id: f.members.clerk.id,
      });
    });

    it('each upload of an existing document is a new version; ?version= gets an older one', async () => {
      const doc = await create(
        'am1',
        { kind: 'contract', classification: 'internal', title: '框架协议' },
        Buffer.from('v1\n'),
        'a.txt',
      );
      const v2 = await api()
        .post(`/api/v1/documents/${doc.id}/versions`)
        .set(as('am1'))
        .attach('file', Buffer.from('v2\n'), 'a.txt')
        .expect(201);
      expect(v2.body.currentVersion).toBe(2);
      expect((v2.body as Doc).versions!.map((v) => v.version)).toEqual([1, 2]);
      expect((await download('am2', doc.id).expect(200)).text).toContain('\nv2\n');
      expect((await download('am2', doc.id, '?version=1').expect(200)).text).toContain('\nv1\n');
      expectProblem(await download('am2', doc.id, '?version=9'), 404, 'document_version_not_found');
      // Only the owner (or the director and deputy) add versions.
      expectProblem(
        await api()
          .post(`/api/v1/documents/${doc.id}/versions`)
          .set(as('am2'))
          .attach('file', Buffer.from('x\n'), 'a.txt'),
        403,
        'forbidden',
      );
    });

    it('a PDF is stamped on every page and "who had it" answers from the entry id', async () => {
      const pdf = await PDFDocument.create();
      pdf.addPage();
      pdf.addPage();
      pdf.addPage();
      const doc = await create(
        'director',
        { kind: 'report', classification: 'confidential', title: '年度报告' },
        Buffer.from(await pdf.save()),
        '年度报告.pdf',
      );
      const res = await download('executive', doc.id).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const entry = res.headers['x-access-log-entry'] as string;
      const back = await PDFDocument.load(res.body as Buffer);
      expect(back.getPageCount()).toBe(3);
      expect(back.getKeywords()).toContain(`kam-access-log:${entry}`);
      expect(back.getSubject()).toContain('executive');
      const who = await api()
        .get(`/api/v1/access-log/investigate?entryId=${entry}`)
        .set(as('security'))
        .expect(200);
      expect(who.body.documentId).toBe(doc.id);
      expect(who.body.holders).toEqual([
        expect.objectContaining({ memberId: f.members.executive.id, entryId: entry, version: 1 }),
      ]);
      const byDoc = await api()
        .get(`/api/v1/access-log/investigate?documentId=${doc.id}`)
        .set(as('director'))
        .expect(200);
      expect(byDoc.body.holders).toHaveLength(1);
      expectProblem(
        await api().get(`/api/v1/access-log/investigate?documentId=${doc.id}`).set(as('am1')),
        403,
        'forbidden',
      );
    });

    it('content changed behind the service is refused as corrupt, never returned', async () => {
      const doc = await create(
        'am1',
        { kind: 'report', classification: 'internal', title: '被篡改' },
        Buffer.from('原文\n'),
        'x.txt',
      );
      await db(
        `UPDATE document_security.document_contents c SET ciphertext = set_byte(c.ciphertext, 0, get_byte(c.ciphertext, 0) # 1)
         FROM document_security.document_versions v WHERE v.id = c.version_id AND v.document_id = $1`,
        [doc.id],
      );
      const res = await download('am1', doc.id);
      expectProblem(res, 500, 'document_corrupt');
      expect(res.text).not.toContain('原文');
      expect((await logOf(doc.id)).map((e) => e.action)).toContain('corrupt');
    });
  });

  describe('hostile uploads: a clear 4xx and nothing stored', () => {
    const fields = { kind: 'report', classification: 'internal', title: 't' };
    it.each<[string, () => request.Test, number, string | string[]]>([
      ['an empty file', () => upload('am1', fields, Buffer.alloc(0), 'empty.txt'), 400, 'document_empty'],
      [
        'a file over the limit',
        () => upload('am1', fields, Buffer.alloc(MAX_BYTES + 1, 'a'), 'big.txt'),
        413,
        'payload_too_large',
      ],
      [
        'a PNG named .pdf',
        () =>
          upload(
            'am1',
            fields,
            Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
            'contract.pdf',
          ),
        415,
        'document_type_mismatch',
      ],
      [
        'a damaged PDF',
        () => upload('am1', fields, Buffer.from('%PDF-1.7\nnot really a pdf'), 'broken.pdf'),
        400,
        'document_malformed',
      ],
      [
        'a program',
        () => upload('am1', fields, Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0xff]), 'tool.exe'),
        415,
        'document_type_unsupported',
      ],
      [
        'a name with a NUL byte',
        () => upload('am1', fields, Buffer.from('x\n'), 'a\u0000.txt'),
        400,
        // Refused by the multipart parser or by the service's name check, whichever sees it first.
        ['document_file_name_invalid', 'validation_failed'],
      ],
      [
        'a name with a control character',
        () => upload('am1', fields, Buffer.from('x\n'), 'a\u0007b.txt'),
        400,
        ['document_file_name_invalid', 'validation_failed'],
      ],
      [
        'a name that is only a path',
        () => upload('am1', fields, Buffer.from('x\n'), '../'),
        400,
        'document_file_name_invalid',
      ],
      [
        'an unknown kind',
        () => upload('am1', { ...fields, kind: 'novel' }, Buffer.from('x\n'), 'a.txt'),
        400,
        'validation_failed',
      ],
      [
        'an unknown field',
        () => upload('am1', { ...fields, evil: '1' }, Buffer.from('x\n'), 'a.txt'),
        400,
        'validation_failed',
      ],
      [
        "another workspace's account",
        () => upload('am1', { ...fields, accountId: other.accounts.am1Own }, Buffer.from('x\n'), 'a.txt'),
        404,
        'account_not_found',
      ],
      [
        'no file at all',
        () => api().post('/api/v1/documents').set(as('am1')).field('kind', 'report'),
        400,
        'document_file_required',
      ],
      [
        'a malformed multipart body',
        () =>
          api()
            .post('/api/v1/documents')
            .set(as('am1'))
            .set('Content-Type', 'multipart/form-data; boundary=XYZ')
            .send('--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc'),
        400,
        'validation_failed',
      ],
      [
        'an upload by the executive (read only)',
        () => upload('executive', fields, Buffer.from('x\n'), 'a.txt'),
        403,
        'forbidden',
      ],
    ])('%s', async (_, send, status, code) => {
      const before = await counts();
      expectProblem(await send(), status, code);
      expect(await counts()).toEqual(before);
    });

    it('a path-like name is reduced to its base name', async () => {
      const doc = await create(
        'am1',
        { kind: 'report', classification: 'internal', title: 'p' },
        Buffer.from('x\n'),
        '../../etc/passwd.txt',
      );
      const view = await api().get(`/api/v1/documents/${doc.id}`).set(as('am1')).expect(200);
      expect(view.body.versions[0].fileName).toBe('passwd.txt');
    });
  });

  describe('the access log is append-only and tamper-evident', () => {
    it("the service's own role may insert but not update or delete", async () => {
      const url = serviceDatabaseUrl(system.env, 'document-security');
      await withDb(url, async (c) => {
        await expect(c.query(`UPDATE access_log SET member_id = 'x'`)).rejects.toThrow(
          /permission denied|append-only/,
        );
        await expect(c.query(`DELETE FROM access_log`)).rejects.toThrow(/permission denied|append-only/);
      });
    });

    it('verification is clean, then names the row a superuser edited', async () => {
      const w = await createWorkspace(system.env);
      const t: Record<string, string> = {};
      for (const who of Object.keys(w.members) as Who[]) t[who] = await memberToken(system.jwtSecret, w, who);
      tokens.set(w, t);
      const doc = await create(
        'am1',
        { kind: 'report', classification: 'internal', title: 'chain' },
        Buffer.from('x\n'),
        'c.txt',
        w,
      );
      for (const who of ['am2', 'clerk', 'director'] as Who[]) await download(who, doc.id, '', w).expect(200);
      const ok = await api().get('/api/v1/access-log/verify').set(as('security', w)).expect(200);
      expect(ok.body).toMatchObject({ ok: true, checked: 4, firstBroken: null });
      expectProblem(await api().get('/api/v1/access-log/verify').set(as('am1', w)), 403, 'forbidden');

      const list = await api().get('/api/v1/access-log?limit=2').set(as('security', w)).expect(200);
      expect(list.body.items).toHaveLength(2);
      const next = await api()
        .get(`/api/v1/access-log?limit=2&cursor=${list.body.nextCursor}`)
        .set(as('security', w))
        .expect(200);
      expect(next.body.items).toHaveLength(2);
      expect(next.body.nextCursor).toBeNull();
      const victim = (next.body.items as { id: string; seq: number }[])[0];

      await withDb(adminUrl(system.env), async (c) => {
        await c.query(`SET session_replication_role = replica`);
        await c.query(`UPDATE document_security.access_log SET member_id = $2 WHERE id = $1`, [
          victim.id,
          w.members.am3.id,
        ]);
      });
      const broken = await api().get('/api/v1/access-log/verify').set(as('director', w)).expect(200);
      expect(broken.body).toMatchObject({ ok: false, firstBroken: { id: victim.id, seq: victim.seq } });
      // The nightly job finds the same entry.
      const nightly = await runJob<{ ok: boolean; firstBroken: { id: string } }>('VerifyAccessLogJob', {
        workspaceId: w.workspaceId,
      });
      expect(nightly).toMatchObject({ ok: false, firstBroken: { id: victim.id } });
      // The other workspace's chain is untouched.
      expect((await api().get('/api/v1/access-log/verify').set(as('security')).expect(200)).body.ok).toBe(
        true,
      );
    });
    it('a long chain is verified in two halves at once; an edit in either half is named, the earlier first', async () => {
      // 200,001 entries (the service splits from 200,000 on: the second half in a worker thread), written as the
      // service would have written them, straight into its table.
      const w = await createWorkspace(system.env);
      const security = await memberToken(system.jwtSecret, w, 'security');
      const n = 200_001;
      await withDb(adminUrl(system.env), async (c) => {
        let prev = GENESIS_HASH;
        for (let from = 1; from <= n; from += 20_000) {
          const cols: unknown[][] = Array.from({ length: 11 }, () => []);
          for (let seq = from; seq < Math.min(n + 1, from + 20_000); seq++) {
            const e = {
              id: randomUUID(),
              workspaceId: w.workspaceId,
              seq,
              memberId: w.members.director.id,
              action: seq % 7 === 0 ? 'download' : 'view',
              subject: 'document',
              documentId: null,
              details: seq % 5 === 0 ? { classification: 'secret', n: seq } : {},
              at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
            };
            const hash = entryHash(e, prev);
            [
              e.id,
              e.workspaceId,
              seq,
              e.memberId,
              e.action,
              e.subject,
              e.documentId,
              JSON.stringify(e.details),
              e.at,
              prev,
              hash,
            ].forEach((v, k) => cols[k].push(v));
            prev = hash;
          }
          await c.query(
            `INSERT INTO document_security.access_log (id, workspace_id, seq, member_id, action, subject, document_id,
               details, at, prev_hash, hash)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                                  $7::uuid[], $8::jsonb[], $9::timestamptz[], $10::text[], $11::text[])`,
            cols,
          );
        }
        await c.query(
          `INSERT INTO document_security.access_log_heads (workspace_id, seq, hash) VALUES ($1, $2, $3)`,
          [w.workspaceId, n, prev],
        );
      });
      const verify = async () =>
        (
          await api()
            .get('/api/v1/access-log/verify')
            .set({ Authorization: `Bearer ${security}` })
            .expect(200)
        ).body as { ok: boolean; checked: number; firstBroken: { seq: number; reason: string } | null };
      expect(await verify()).toMatchObject({ ok: true, checked: n, firstBroken: null });

      const edit = (seq: number) =>
        withDb(adminUrl(system.env), async (c) => {
          await c.query(`SET session_replication_role = replica`);
          await c.query(
            `UPDATE document_security.access_log SET action = 'export' WHERE workspace_id = $1 AND seq = $2`,
            [w.workspaceId, seq],
          );
        });
      await edit(150_000); // in the second half
      expect(await verify()).toMatchObject({
        ok: false,
        checked: 149_999,
        firstBroken: { seq: 150_000, reason: 'hash does not match the entry content' },
      });
      await edit(100_001); // the first entry of the second half
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { seq: 100_001 } });
      await edit(40_000); // in the first half: it is the first break
      expect(await verify()).toMatchObject({ ok: false, checked: 39_999, firstBroken: { seq: 40_000 } });
    });
  });

  describe('master key rotation', () => {
    it('re-wraps every data key with the new key without touching the content', async () => {
      const doc = await create(
        'am1',
        { kind: 'report', classification: 'internal', title: 'rot' },
        Buffer.from('轮换\n'),
        'r.txt',
      );
      const before = await db<{ id: string; digest: string }>(
        // A digest per content: the ciphertexts of every suite's documents (megabytes) are not compared byte by
        // byte in JavaScript, which took minutes.
        `SELECT version_id AS id, encode(sha256(ciphertext), 'hex') AS digest
         FROM document_security.document_contents ORDER BY version_id`,
      );
      const k2 = randomBytes(32).toString('base64');
      const keys = `k2:${k2},k1:${system.env.secrets.documentMasterKey}`;
      // The command, as an operator runs it.
      const run = await promisify(execFile)(
        process.execPath,
        [
          path.join(
            process.env.KAM_TEST_DIST ?? path.join(ROOT, 'dist'),
            'apps/document-security/src/rotate-keys.js',
          ),
        ],
        {
          env: {
            PATH: process.env.PATH ?? '',
            KAM_DATABASE_URL: serviceDatabaseUrl(system.env, 'document-security'),
            KAM_DOCUMENT_MASTER_KEYS: keys,
          },
        },
      );
      expect(run.stdout).toMatch(/data key\(s\) now under k2/);
      expect(await db(`SELECT DISTINCT key_id FROM document_security.document_versions`)).toEqual([
        { key_id: 'k2' },
      ]);
      const after = await db<{ id: string; digest: string }>(
        // A digest per content: the ciphertexts of every suite's documents (megabytes) are not compared byte by
        // byte in JavaScript, which took minutes.
        `SELECT version_id AS id, encode(sha256(ciphertext), 'hex') AS digest
         FROM document_security.document_contents ORDER BY version_id`,
      );
      expect(after).toEqual(before);

      // The service restarted with the new list reads everything; the admin subject is idempotent.
      dsEnv.KAM_DOCUMENT_MASTER_KEYS = keys;
      await system.stopApp('document-security');
      system.spawnApp('document-security');
      await system.waitHealthy();
      expect((await download('am2', doc.id).expect(200)).text).toContain('轮换');
      const again = await api().post('/api/v1/admin/documents/rotate-keys').set(as('admin')).expect(200);
      expect(again.body).toEqual({ currentKeyId: 'k2', rewrapped: 0 });
      expectProblem(
        await api().post('/api/v1/admin/documents/rotate-keys').set(as('director')),
        403,
        'forbidden',
      );
    });

    it('a malformed master key list stops the service with a clear message', async () => {
      await system.stopApp('document-security');
      dsEnv.KAM_DOCUMENT_MASTER_KEYS = 'k1:tooshort';
      const app = system.spawnApp('document-security', 'document-security-badkeys');
      const exit = await app.exited;
      expect(exit.code).toBe(78);
      expect(system.logs('document-security')).toMatch(
        /KAM_DOCUMENT_MASTER_KEYS: the key of "k1" must be 32 bytes/,
      );
    });
  });
});
