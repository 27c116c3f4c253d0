import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { serviceDatabaseUrl, TestEnv, testEnv } from './env';

export const ROOT = path.resolve(__dirname, '..', '..');
export type AppName = 'gateway' | 'account-management' | 'performance-evaluation' | 'document-security';
export const ALL_APPS: AppName[] = [
  'account-management',
  'performance-evaluation',
  'document-security',
  'gateway',
];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** KAM_NATS_USER and KAM_NATS_PASSWORD of an app, as `npm start` sets them (none for a NATS without users). */
export function natsUserEnv(env: TestEnv, app: AppName): Record<string, string> {
  const c = env.natsCredentials[app];
  return c ? { KAM_NATS_USER: c.user, KAM_NATS_PASSWORD: c.password } : {};
}

export interface RunningApp {
  name: AppName;
  child: ChildProcess;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SystemOptions {
  apps?: AppName[];
  devAuth?: boolean;
  extraEnv?: Partial<Record<AppName, Record<string, string>>>;
  /** Servers of the suite's own (test/support/private-stack.ts) instead of the shared test stack. */
  env?: TestEnv;
}

/** The four built apps as real processes against the test servers (as `npm start` runs them). */
export class TestSystem {
  readonly env: TestEnv;
  readonly apps = new Map<AppName, RunningApp>();
  /** Extra processes of a service (spawnReplica), beside the one in `apps`. */
  readonly replicas: RunningApp[] = [];
  httpPort = 0;
  private readonly logDir: string;

  constructor(private readonly options: SystemOptions = {}) {
    this.env = options.env ?? testEnv();
    this.logDir = path.join(ROOT, '.data', this.env.profile, 'logs');
    fs.mkdirSync(this.logDir, { recursive: true });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get jwtSecret(): string {
    return this.env.secrets.jwtSecret;
  }

  /** The deployment operator's secret (KAM_OPERATOR_SECRET): signs operator tokens for the raw job console. */
  get operatorSecret(): string {
    return this.env.secrets.operatorSecret;
  }

  appEnv(app: AppName, httpPort = this.httpPort): Record<string, string> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      KAM_DATABASE_URL: serviceDatabaseUrl(this.env, app),
      KAM_REDIS_URL: this.env.redisUrl,
      KAM_NATS_URL: this.env.natsUrl,
      ...natsUserEnv(this.env, app),
      KAM_LOG_LEVEL: 'info',
      KAM_OUTBOX_POLL_MS: '100',
      // Scheduled runs (a complaint sweep every 5 minutes, revisits at 06:00 Shanghai) would race the tests,
      // which drive every job by hand with an explicit clock.
      KAM_PERIODIC_JOBS: '0',
    };
    if (app === 'gateway') {
      env.KAM_HTTP_PORT = String(httpPort);
      env.KAM_JWT_SECRET = this.jwtSecret;
      env.KAM_DEV_AUTH = this.options.devAuth ? '1' : '0';
      // Generated per profile by scripts/lib/stack.js (older profiles lack it until the next start).
      if (this.env.secrets.crmSecretKey) env.KAM_CRM_SECRET_KEY = this.env.secrets.crmSecretKey;
      if (this.env.secrets.operatorSecret) env.KAM_OPERATOR_SECRET = this.env.secrets.operatorSecret;
    }
    if (app === 'document-security')
      env.KAM_DOCUMENT_MASTER_KEYS = `k1:${this.env.secrets.documentMasterKey}`;
    return { ...env, ...(this.options.extraEnv?.[app] ?? {}) };
  }

  spawnApp(app: AppName, logName: string = app): RunningApp {
    const running = this.spawnProcess(app, logName, this.httpPort);
    this.apps.set(app, running);
    return running;
  }

  /**
   * A second (third, …) process of a service beside the one in `apps`: the services share NATS queue groups and
   * BullMQ queues; a gateway replica listens on a port of its own (`httpPort` of the result).
   */
  async spawnReplica(
    app: AppName,
    logName = `${app}-replica`,
    env: Record<string, string> = {},
  ): Promise<RunningApp & { httpPort: number }> {
    const httpPort = app === 'gateway' ? await freePort() : this.httpPort;
    const running = { ...this.spawnProcess(app, logName, httpPort, env), httpPort };
    this.replicas.push(running);
    return running;
  }

  private spawnProcess(
    app: AppName,
    logName: string,
    httpPort: number,
    env: Record<string, string> = {},
  ): RunningApp {
    const logFile = path.join(this.logDir, `${logName}-${process.pid}-${Date.now()}.log`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        path.join(process.env.KAM_TEST_DIST ?? path.join(ROOT, 'dist'), 'apps', app, 'src/main.js'),
      ],
      {
        cwd: ROOT,
        env: { ...this.appEnv(app, httpPort), ...env },
        stdio: ['ignore', out, out],
      },
    );
    fs.closeSync(out);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { name: app, child, logFile, exited };
  }

  async start(): Promise<this> {
    this.httpPort = await freePort();
    for (const app of this.options.apps ?? ALL_APPS) this.spawnApp(app);
    await this.waitHealthy();
    return this;
  }

  /** Resolves when GET /health is 200; fails early if an app exits. */
  async waitHealthy(timeoutMs = 45000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      for (const a of this.apps.values()) {
        if (a.child.exitCode !== null)
          throw new Error(`${a.name} exited: ${fs.readFileSync(a.logFile, 'utf8').slice(-2000)}`);
      }
      try {
        const res = await fetch(`${this.baseUrl}/health`);
        if (res.status === 200) return;
        last = await res.text();
      } catch (e) {
        last = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`system not healthy: ${last}`);
  }

  /** kill -9: no shutdown hooks, no draining. */
  async kill(app: AppName): Promise<void> {
    const a = this.apps.get(app);
    if (!a || a.child.exitCode !== null) return;
    a.child.kill('SIGKILL');
    await a.exited;
  }

  async stopApp(
    app: AppName,
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const a = this.apps.get(app);
    if (!a) throw new Error(`${app} is not running`);
    if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill(signal);
    return a.exited;
  }

  async stop(): Promise<void> {
    const order = [...this.replicas, ...this.apps.values()].reverse();
    for (const a of order) {
      if (a.child.exitCode === null && a.child.signalCode === null) {
        a.child.kill('SIGTERM');
        const t = setTimeout(() => a.child.kill('SIGKILL'), 10000);
        await a.exited;
        clearTimeout(t);
      }
    }
  }

  logs(app: AppName): string {
    const a = this.apps.get(app);
    return a ? fs.readFileSync(a.logFile, 'utf8') : '';
  }
}
