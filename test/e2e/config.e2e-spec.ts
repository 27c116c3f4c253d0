import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { serviceDatabaseUrl, testEnv } from '../support/env';
import { ALL_APPS, AppName, freePort, natsUserEnv, ROOT } from '../support/system';

/**
 * Start-up configuration of the built apps: a missing or malformed variable stops the process at once with
 * exit code 78 (EX_CONFIG) and a message naming the variable, instead of starting half-configured.
 */
describe('start-up configuration check of every app', () => {
  const env = testEnv();
  const dist = process.env.KAM_TEST_DIST ?? path.join(ROOT, 'dist');
  let httpPort = 0;

  beforeAll(async () => {
    httpPort = await freePort();
  });

  /** A complete, valid configuration for the app (the one the e2e system uses). */
  function validEnv(app: AppName): Record<string, string> {
    const e: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      KAM_DATABASE_URL: serviceDatabaseUrl(env, app),
      KAM_REDIS_URL: env.redisUrl,
      KAM_NATS_URL: env.natsUrl,
      ...natsUserEnv(env, app),
      KAM_LOG_LEVEL: 'info',
    };
    if (app === 'gateway') {
      e.KAM_HTTP_PORT = String(httpPort);
      e.KAM_JWT_SECRET = env.secrets.jwtSecret;
    }
    if (app === 'document-security') e.KAM_DOCUMENT_MASTER_KEYS = `k1:${env.secrets.documentMasterKey}`;
    return e;
  }

  interface Outcome {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }

  /** Runs the built app; a process that does not stop on its own is killed after `timeoutMs`. */
  function runApp(app: AppName, childEnv: Record<string, string>, timeoutMs = 20000): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(dist, 'apps', app, 'src', 'main.js')], {
        cwd: ROOT,
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  interface Case {
    app: AppName;
    situation: string;
    change: Record<string, string | undefined>;
    /** Every one of these names must appear in the message. */
    names: string[];
  }

  const cases: Case[] = [
    ...ALL_APPS.flatMap((app): Case[] => [
      {
        app,
        situation: 'without KAM_DATABASE_URL',
        change: { KAM_DATABASE_URL: undefined },
        names: ['KAM_DATABASE_URL'],
      },
      {
        app,
        situation: 'with KAM_DATABASE_URL that is not a URL',
        change: { KAM_DATABASE_URL: 'kam_user:secret@db-host/kam' },
        names: ['KAM_DATABASE_URL'],
      },
      {
        app,
        situation: 'with KAM_NATS_URL=http://x (wrong protocol)',
        change: { KAM_NATS_URL: 'http://x' },
        names: ['KAM_NATS_URL'],
      },
      {
        app,
        situation: 'with KAM_REQUEST_TIMEOUT_MS=abc',
        change: { KAM_REQUEST_TIMEOUT_MS: 'abc' },
        names: ['KAM_REQUEST_TIMEOUT_MS'],
      },
    ]),
    {
      app: 'document-security',
      situation: 'with a master key that is not 32 bytes of base64',
      change: { KAM_DOCUMENT_MASTER_KEYS: 'k1:dG9vLXNob3J0' },
      names: ['KAM_DOCUMENT_MASTER_KEYS'],
    },
    {
      app: 'gateway',
      situation: 'without KAM_JWT_SECRET or KAM_JWKS_URL',
      change: { KAM_JWT_SECRET: undefined, KAM_JWKS_URL: undefined },
      names: ['KAM_JWT_SECRET', 'KAM_JWKS_URL'],
    },
    {
      app: 'gateway',
      situation: 'with a 10-character KAM_JWT_SECRET',
      change: { KAM_JWT_SECRET: 'short-0123' },
      names: ['KAM_JWT_SECRET'],
    },
  ];

  it.each(cases)(
    '$app $situation stops at start-up with exit code 78 and a message naming the variable',
    async ({ app, change, names }) => {
      const childEnv = validEnv(app);
      for (const [k, v] of Object.entries(change)) {
        if (v === undefined) delete childEnv[k];
        else childEnv[k] = v;
      }
      const out = await runApp(app, childEnv);

      expect({ code: out.code, signal: out.signal }).toEqual({ code: 78, signal: null });
      for (const name of names) expect(out.stderr).toContain(name);
      expect(out.stderr).toContain(`[${app}] Invalid configuration`);
      // Only the variable that was broken is reported: the rest of the configuration is valid.
      expect(out.stderr.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(1);
      // The message never echoes a secret of the valid configuration.
      expect(out.stderr).not.toContain(env.secrets[app]);
      expect(out.stderr).not.toContain(env.secrets.jwtSecret);
      // It stopped before starting anything.
      expect(out.stdout).not.toMatch(/ready/);
    },
  );
});
