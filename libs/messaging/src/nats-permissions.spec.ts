import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVICE_CALLS, SUBJECTS } from '@app/contracts';
import {
  EVENT_CONSUMERS,
  NATS_APPS,
  NATS_PASSWORD_PATTERN,
  natsPermissions,
  natsServerConfig,
  passwordVariable,
} from './nats-permissions';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** NATS subject matching: `*` one token, `>` one or more at the end. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
const mayPublish = (app: (typeof NATS_APPS)[number], subject: string) =>
  natsPermissions(app).publish.some((p) => matches(p, subject));
const maySubscribe = (app: (typeof NATS_APPS)[number], subject: string) =>
  natsPermissions(app).subscribe.some((p) => matches(p, subject));

describe('NATS users and their permissions (ADR 0018)', () => {
  it('the committed deploy/nats-server.conf is what `npm run docs` generates now', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'deploy', 'nats-server.conf'), 'utf8');
    if (committed !== natsServerConfig())
      throw new Error('deploy/nats-server.conf is out of date: run `npm run docs` and commit it');
  });

  it.each([
    // app, subject, may publish
    ['gateway', SUBJECTS.accounts.accountGet, true],
    ['gateway', SUBJECTS.performance.scorecardRate, true],
    ['gateway', SUBJECTS.documents.documentDownload, true],
    ['gateway', 'kam.events.gateway.access.logged', true],
    ['gateway', 'kam.events.accounts.account.created', false],
    ['account-management', SUBJECTS.documents.exportRequestRedeem, true],
    ['account-management', SUBJECTS.documents.documentGet, false],
    ['account-management', SUBJECTS.accounts.accountGet, false],
    ['account-management', SUBJECTS.accounts.ping, true],
    ['account-management', 'kam.events.accounts.account.created', true],
    ['account-management', 'kam.events.performance.cycle.locked', false],
    ['performance-evaluation', SUBJECTS.accounts.memberContext, true],
    ['performance-evaluation', SUBJECTS.accounts.teamContext, true],
    ['performance-evaluation', SUBJECTS.accounts.accountGet, false],
    ['performance-evaluation', SUBJECTS.accounts.teamList, false],
    ['performance-evaluation', SUBJECTS.accounts.ping, false],
    ['performance-evaluation', 'kam.events.performance.cycle.locked', true],
    ['performance-evaluation', 'kam.events.accounts.account.created', false],
    ['document-security', SUBJECTS.accounts.accountRelations, true],
    ['document-security', SUBJECTS.accounts.metricsMembers, false],
    ['document-security', SUBJECTS.performance.cycleList, false],
    ['document-security', 'kam.events.documents.policy.acknowledgement-due', true],
    ['document-security', '$JS.API.STREAM.DELETE.KAM_EVENTS', false],
    ['document-security', '$JS.API.STREAM.PURGE.KAM_EVENTS', false],
    ['document-security', '$JS.API.STREAM.UPDATE.KAM_EVENTS', false],
    [
      'document-security',
      '$JS.API.CONSUMER.DELETE.KAM_EVENTS.account-management--notify-elimination-warning',
      false,
    ],
    [
      'document-security',
      '$JS.API.CONSUMER.MSG.NEXT.KAM_EVENTS.account-management--notify-elimination-warning',
      false,
    ],
    [
      'document-security',
      '$JS.API.CONSUMER.MSG.NEXT.KAM_EVENTS.document-security--documents-member-departed',
      true,
    ],
    ['account-management', '$O.kam-document-transfer.C.abc', false],
    ['document-security', '$O.kam-document-transfer.C.abc', true],
    ['performance-evaluation', '_INBOX.gateway.abc.1', false],
  ] as const)('%s may publish to %s: %s', (app, subject, allowed) => {
    expect(mayPublish(app, subject)).toBe(allowed);
  });

  it.each([
    ['gateway', '_INBOX.gateway.abc.1', true],
    ['gateway', SUBJECTS.accounts.accountGet, false],
    ['account-management', SUBJECTS.accounts.accountGet, true],
    ['account-management', SUBJECTS.documents.documentGet, false],
    ['performance-evaluation', '_INBOX.performance-evaluation.abc.1', true],
    ['performance-evaluation', '_INBOX.gateway.abc.1', false],
    ['performance-evaluation', 'kam.events.accounts.account.created', false],
    ['document-security', SUBJECTS.documents.documentGet, true],
    ['document-security', '_INBOX.account-management.x', false],
  ] as const)('%s may subscribe to %s: %s', (app, subject, allowed) => {
    expect(maySubscribe(app, subject)).toBe(allowed);
  });

  it('no service may publish a request that is not a system subject of another service or its own ping', () => {
    for (const app of NATS_APPS.filter((a) => a !== 'gateway')) {
      const requests = natsPermissions(app).publish.filter((p) => /^kam\.(?!events\.)/.test(p));
      const own = `kam.${{ 'account-management': 'accounts', 'performance-evaluation': 'performance', 'document-security': 'documents' }[app as Exclude<typeof app, 'gateway'>]}.system.ping`;
      expect(requests.sort()).toEqual([...SERVICE_CALLS[app as keyof typeof SERVICE_CALLS], own].sort());
      expect(requests.some((r) => r.includes('*') || r.includes('>'))).toBe(false);
    }
  });

  it('every app reads only its own durable consumers of the event stream', () => {
    for (const app of NATS_APPS)
      for (const other of NATS_APPS.filter((o) => o !== app))
        for (const d of EVENT_CONSUMERS[other])
          expect(mayPublish(app, `$JS.API.CONSUMER.MSG.NEXT.KAM_EVENTS.${other}--${d}`)).toBe(false);
  });

  it.each([
    ['gateway', 'KAM_NATS_GATEWAY_PASSWORD'],
    ['account-management', 'KAM_NATS_ACCOUNT_MANAGEMENT_PASSWORD'],
    ['fixtures', 'KAM_NATS_FIXTURES_PASSWORD'],
  ])('the password of %s comes from %s, never from the file', (user, variable) => {
    expect(passwordVariable(user)).toBe(variable);
    expect(natsServerConfig([{ user: 'fixtures' }])).toContain(`password: $${variable}\n`);
  });

  it.each([
    ['nQ3x-9_aZZZZZZZZZZZZ', true],
    ['12345678901234567', false], // read as a number by nats-server
    ['-abcdefghijklmnopq', false],
    ['abc def ghijklmnopq', false],
    ['short', false],
  ])('a password %s can travel through the environment of nats-server: %s', (pw, ok) => {
    expect(NATS_PASSWORD_PATTERN.test(pw)).toBe(ok);
  });
});
