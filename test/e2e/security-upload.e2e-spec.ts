import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { connect, NatsConnection } from 'nats';
import { Client } from 'pg';
import { DOCUMENT_TRANSFER_BUCKET } from '@app/contracts';
import { TestSystem } from '../support/system';
import { adminUrl, natsOptions } from '../support/env';
import { createWorkspace, Fixture, memberToken } from '../support/fixtures';
import { expectProblem } from '../support/e2e-helpers';

/*
 * Issue 14, point 9: a document uploaded with an `ownerId` of another member or of another workspace was answered
 * 404 and stored anyway (the 404 came from reading it back). The owner is checked before anything is written:
 * an owner who is not an active member of the workspace is a 400 naming `ownerId`; a document the uploader could
 * not read once it is someone else's is a 403 (the attempt is in the access log as denied). Either way: no
 * document row, no version, no stored bytes, nothing left in the transfer bucket, no 'upload' entry.
 */

type Who = 'director' | 'am1' | 'am2';

describe('an upload is refused before anything is stored when its owner is not allowed', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  let db: Client;
  let nc: NatsConnection;
  const tokens = {} as Record<Who, string>;
  const api = () => request(system.baseUrl);

  beforeAll(async () => {
    await system.start();
    [f, other] = await Promise.all([createWorkspace(system.env), createWorkspace(system.env)]);
    for (const who of ['director', 'am1', 'am2'] as const)
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    db = new Client({ connectionString: adminUrl(system.env) });
    await db.connect();
    nc = await connect({
      servers: system.env.natsUrl,
      ...natsOptions(system.env, 'fixtures'),
      name: 'security-upload-e2e',
    });
  });
  afterAll(async () => {
    await nc?.drain();
    await db?.end();
    await system.stop();
  });

  const upload = (who: Who, title: string, classification: string, ownerId: string) =>
    api()
      .post('/api/v1/documents')
      .set('Authorization', `Bearer ${tokens[who]}`)
      .field('kind', 'report')
      .field('classification', classification)
      .field('title', title)
      .field('ownerId', ownerId)
      .attach('file', Buffer.from(`${title}\n季度经营分析\n`), {
        filename: 'report.txt',
        contentType: 'text/plain',
      });

  /** The rows and objects an upload leaves: the document and its versions (by title), all stored bytes and 'upload' entries. */
  async function stored(title: string) {
    const one = async (sql: string) => (await db.query<{ n: number }>(sql, [f.workspaceId, title])).rows[0].n;
    const os = await nc.jetstream().views.os(DOCUMENT_TRANSFER_BUCKET);
    return {
      documents: await one(
        `SELECT count(*)::int AS n FROM document_security.documents WHERE workspace_id = $1 AND title = $2`,
      ),
      versions: await one(
        `SELECT count(*)::int AS n FROM document_security.document_versions v
         JOIN document_security.documents d ON d.id = v.document_id WHERE d.workspace_id = $1 AND d.title = $2`,
      ),
      contents: await one(
        `SELECT count(*)::int AS n FROM document_security.document_contents WHERE workspace_id = $1 AND $2::text IS NOT NULL`,
      ),
      uploads: await one(
        `SELECT count(*)::int AS n FROM document_security.access_log
         WHERE workspace_id = $1 AND action = 'upload' AND $2::text IS NOT NULL`,
      ),
      transfers: (await os.list()).filter((o) => !o.deleted).map((o) => o.name),
    };
  }

  /** A refused upload leaves nothing: no document, no version, no bytes, no 'upload' entry, no transfer object. */
  async function refused(title: string, send: () => Promise<request.Response>): Promise<request.Response> {
    const before = await stored(title);
    const res = await send();
    expect(await stored(title)).toEqual({ ...before, documents: 0, versions: 0, transfers: [] });
    return res;
  }

  it.each<[string, Who, string, () => string]>([
    [
      'an account manager giving a confidential report to a colleague (they could not read it afterwards)',
      'am1',
      'confidential',
      () => f.members.am2.id,
    ],
    [
      'an account manager giving a secret report to the director',
      'am1',
      'secret',
      () => f.members.director.id,
    ],
  ])('%s: 403, nothing stored, the attempt logged as denied', async (_what, who, classification, owner) => {
    const title = `拒绝上传 ${randomUUID()}`;
    const res = await refused(title, () => upload(who, title, classification, owner()));
    expectProblem(res, 403, 'forbidden');
    const denied = await db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM document_security.access_log
       WHERE workspace_id = $1 AND member_id = $2 AND action = 'denied' AND details->>'attempted' = 'upload'
       ORDER BY at DESC LIMIT 1`,
      [f.workspaceId, f.members[who].id],
    );
    expect(denied.rows[0]?.details).toMatchObject({ ownerId: owner(), classification });
  });

  it.each<[string, Who, string, () => string]>([
    [
      'the director naming a member of another workspace as the owner',
      'director',
      'confidential',
      () => other.members.am1.id,
    ],
    [
      'an account manager naming a member of another workspace as the owner of an internal report',
      'am1',
      'internal',
      () => other.members.am1.id,
    ],
    [
      'the director naming a departed member as the owner',
      'director',
      'internal',
      () => f.members.departed.id,
    ],
    ['an account manager naming a member nobody knows', 'am1', 'internal', () => randomUUID()],
  ])('%s: 400 naming ownerId, nothing stored', async (_what, who, classification, owner) => {
    const title = `拒绝上传 ${randomUUID()}`;
    const res = await refused(title, () => upload(who, title, classification, owner()));
    expectProblem(res, 400, 'validation_failed');
    expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['ownerId']);
  });

  it.each<[string, Who, string, () => string]>([
    [
      'the director filing a confidential report for an account manager',
      'director',
      'confidential',
      () => f.members.am1.id,
    ],
    [
      'an account manager filing an internal report for a colleague',
      'am1',
      'internal',
      () => f.members.am2.id,
    ],
    [
      'an account manager filing a confidential report of their own',
      'am1',
      'confidential',
      () => f.members.am1.id,
    ],
  ])('%s is stored with that owner (201)', async (_what, who, classification, owner) => {
    const title = `上传 ${randomUUID()}`;
    const res = await upload(who, title, classification, owner());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title, ownerId: owner(), classification });
    expect(await stored(title)).toMatchObject({ documents: 1, versions: 1, transfers: [] });
  });
});
