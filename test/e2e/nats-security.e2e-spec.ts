import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { connect, ConnectionOptions, headers, NatsConnection } from 'nats';
import request from 'supertest';
import { Actor, EVENT_STREAM, Reply, SUBJECTS } from '@app/contracts';
import { natsOptions } from '../support/env';
import { createWorkspace, Fixture } from '../support/fixtures';
import { AppName, ROOT, TestSystem } from '../support/system';

type NatsUser = AppName | 'fixtures';

/**
 * Issue 14, point 13: NATS admits only the four apps, each with its own user, and each app may publish and
 * subscribe only what it needs (ADR 0018). Driven with raw NATS clients against the real server of the test stack,
 * holding an app's own credentials as a compromised app would.
 */
describe('the message bus admits only the apps, each to what it needs', () => {
  const system = new TestSystem();
  let f: Fixture;
  const open: NatsConnection[] = [];

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
  });
  afterAll(async () => {
    for (const nc of open) await nc.close().catch(() => undefined);
    await system.stop();
  });

  const as = async (user: NatsUser, extra: Partial<ConnectionOptions> = {}): Promise<NatsConnection> => {
    const nc = await connect({
      servers: system.env.natsUrl,
      name: `nats-security-${user}`,
      maxReconnectAttempts: 0,
      ...natsOptions(system.env, user),
      ...extra,
    });
    open.push(nc);
    return nc;
  };
  const envelope = (actor: Actor, data: unknown) => new TextEncoder().encode(JSON.stringify({ actor, data }));
  const ask = async (nc: NatsConnection, subject: string, actor: Actor, data: unknown): Promise<Reply> => {
    const msg = await nc.request(subject, envelope(actor, data), { timeout: 5000 });
    return JSON.parse(new TextDecoder().decode(msg.data)) as Reply;
  };
  const systemActor = (): Actor => ({
    workspaceId: f.workspaceId,
    memberId: '00000000-0000-0000-0000-000000000000',
    roles: [],
    requestId: randomUUID(),
    kind: 'system',
  });
  const director = (): Actor => ({
    workspaceId: f.workspaceId,
    memberId: f.members.director.id,
    roles: f.members.director.roles,
    requestId: randomUUID(),
  });
  const passwords = () => Object.values(system.env.natsCredentials).map((c) => c.password);

  it('a client without credentials is turned away, so it cannot ask a service anything as "system"', async () => {
    const attempt = (async () => {
      const nc = await connect({ servers: system.env.natsUrl, name: 'intruder', maxReconnectAttempts: 0 });
      try {
        return await ask(nc, SUBJECTS.accounts.workspaceList, systemActor(), {});
      } finally {
        await nc.close();
      }
    })();
    await expect(attempt).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
  });

  it("a client with the gateway's user name and a wrong password is turned away", async () => {
    await expect(
      as('gateway', { pass: `${system.env.natsCredentials.gateway.password}x` }),
    ).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
  });

  it('the gateway (control case) asks for an account as the director and gets it', async () => {
    const nc = await as('gateway');
    const r = await ask(nc, SUBJECTS.accounts.accountGet, director(), { id: f.accounts.am1Own });
    expect(r).toMatchObject({ ok: true, data: { id: f.accounts.am1Own } });
  });

  it('performance-evaluation cannot ask account-management for an account as a user: NATS refuses to carry it', async () => {
    const nc = await as('performance-evaluation');
    await expect(
      ask(nc, SUBJECTS.accounts.accountGet, director(), { id: f.accounts.am1Own }),
    ).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    // Nor as "system", nor a write.
    await expect(
      ask(nc, SUBJECTS.accounts.accountUpdate, systemActor(), { id: f.accounts.am1Own, data: {} }),
    ).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    await expect(ask(nc, SUBJECTS.documents.documentList, systemActor(), {})).rejects.toMatchObject({
      code: 'PERMISSIONS_VIOLATION',
    });
  });

  it('what a service may ask another takes system callers only: a user actor is refused (403)', async () => {
    const nc = await as('performance-evaluation');
    const ok = await ask(nc, SUBJECTS.accounts.memberContext, systemActor(), { memberId: f.members.am1.id });
    expect(ok).toMatchObject({ ok: true, data: { memberId: f.members.am1.id, active: true } });
    const asUser = await ask(nc, SUBJECTS.accounts.memberContext, director(), { memberId: f.members.am1.id });
    expect(asUser).toMatchObject({ ok: false, error: { status: 403, code: 'forbidden' } });
    // The same from the gateway: the subject itself takes no user actor, whoever sends it.
    const gw = await as('gateway');
    const fromGateway = await ask(gw, SUBJECTS.accounts.memberRoster, director(), {});
    expect(fromGateway).toMatchObject({ ok: false, error: { status: 403, code: 'forbidden' } });
  });

  it('account-management may redeem an export request, but not read documents', async () => {
    const nc = await as('account-management');
    const r = await ask(nc, SUBJECTS.documents.exportRequestRedeem, systemActor(), {
      memberId: f.members.director.id,
      roles: ['director'],
      kind: 'accounts',
      accountFilters: {},
      rowCount: 101,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'export_approval_required' } });
    await expect(ask(nc, SUBJECTS.documents.documentList, systemActor(), {})).rejects.toMatchObject({
      code: 'PERMISSIONS_VIOLATION',
    });
  });

  it("a service cannot write into another service's events, on the stream or around it", async () => {
    const nc = await as('performance-evaluation');
    const js = nc.jetstream();
    const h = headers();
    h.set('Nats-Msg-Id', randomUUID());
    await expect(
      js.publish(
        'kam.events.accounts.account.created',
        new TextEncoder().encode(JSON.stringify({ id: randomUUID(), payload: {} })),
        { headers: h, timeout: 3000 },
      ),
    ).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    // Its own events it may publish (the outbox relay does): the stream takes them.
    const ack = await js.publish(
      'kam.events.performance.nats-security.probe',
      new TextEncoder().encode('{}'),
      {
        timeout: 3000,
      },
    );
    expect(ack.stream).toBe(EVENT_STREAM);
    // The stream's configuration and other services' consumers are out of reach.
    const jsm = await nc.jetstreamManager();
    await expect(jsm.streams.purge(EVENT_STREAM)).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    await expect(
      jsm.consumers.delete(EVENT_STREAM, 'account-management--notify-elimination-warning'),
    ).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    await expect(
      jsm.consumers.info(EVENT_STREAM, 'document-security--documents-member-departed'),
    ).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    // Nor may the gateway write the services' events.
    const gw = await as('gateway');
    await expect(
      gw
        .jetstream()
        .publish('kam.events.accounts.account.created', new TextEncoder().encode('{}'), { timeout: 3000 }),
    ).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
  });

  it("a service cannot listen to another service's requests, nor to the replies meant for the gateway", async () => {
    const nc = await as('performance-evaluation');
    const refused = (subject: string) =>
      new Promise<unknown>((resolve) => {
        nc.subscribe(subject, { callback: (err) => resolve(err) });
      });
    const [requests, replies] = await Promise.all([refused('kam.accounts.>'), refused('_INBOX.gateway.>')]);
    expect(requests).toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
    expect(replies).toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
  });

  it('an app given a wrong NATS password stops at start-up, naming its user and never the password', async () => {
    const wrong = `nWrongPassword-${randomUUID()}`;
    const child = spawn(
      process.execPath,
      [
        path.join(
          process.env.KAM_TEST_DIST ?? path.join(ROOT, 'dist'),
          'apps',
          'performance-evaluation',
          'src',
          'main.js',
        ),
      ],
      {
        cwd: ROOT,
        env: { ...system.appEnv('performance-evaluation'), KAM_NATS_PASSWORD: wrong },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30000,
        killSignal: 'SIGKILL',
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(code).toBe(1);
    // A JSON log line: the quotes around the user are escaped.
    expect(out).toMatch(/NATS refused the credentials of user \\?"performance-evaluation\\?"/);
    expect(out).not.toContain(wrong);
    expect(out).not.toMatch(/ready \(pid/);
  });

  it('no NATS password appears in any log line of the apps or in the health answer', async () => {
    const health = await request(system.baseUrl).get('/health');
    const texts = [
      JSON.stringify(health.body),
      ...(['gateway', 'account-management', 'performance-evaluation', 'document-security'] as const).map(
        (a) => system.logs(a),
      ),
    ];
    expect(passwords().length).toBeGreaterThanOrEqual(4);
    for (const t of texts) for (const pw of passwords()) expect(t.includes(pw)).toBe(false);
  });
});
