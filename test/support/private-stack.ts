import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Redis as IORedis } from 'ioredis';
import { TestEnv, testEnv } from './env';
import { freePort, ROOT } from './system';
import { eventually } from './e2e-helpers';

// scripts/lib is plain CommonJS without types: what this helper needs, typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require('../../scripts/lib/stack') as {
  redisServerArgs(port: number, dir: string): string[];
  natsServer(
    dir: string,
    port: number,
    credentials: TestEnv['natsCredentials'],
    opts: { dist?: string; fixtures?: boolean },
  ): { args: string[]; env: NodeJS.ProcessEnv };
  waitForPort(port: number, host?: string, timeoutMs?: number): Promise<void>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const system = require('../../scripts/lib/system') as {
  which(bin: string): string | null;
  postgresBinDir(): string | null;
  isRoot(): boolean;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const database = require('../../scripts/lib/database') as {
  bootstrapDatabase(adminUrl: string, database: string, passwords: Record<string, string>): Promise<void>;
};

interface Server {
  child: ChildProcess;
  exited: Promise<void>;
}

/**
 * PostgreSQL, Redis and NATS of one suite's own, on free ports, started the way scripts/lib/stack.js starts
 * them (same settings, same Redis persistence, JetStream with a store folder), so that a fault suite can stop
 * and start them without pulling the shared test servers from under the other suites.
 * PostgreSQL is driven with pg_ctl (start, `stop -m fast`), as an operator would.
 */
export class PrivateStack {
  readonly dir: string;
  readonly base: TestEnv = testEnv();
  pgPort = 0;
  redisPort = 0;
  natsPort = 0;
  private redis?: Server;
  private nats?: Server;

  constructor(name: string) {
    this.dir = path.join(ROOT, '.data', this.base.profile, name);
  }

  get env(): TestEnv {
    const admin = new URL(this.base.adminDatabaseUrl);
    admin.port = String(this.pgPort);
    return {
      ...this.base,
      adminDatabaseUrl: admin.toString(),
      redisUrl: `redis://127.0.0.1:${this.redisPort}`,
      natsUrl: `nats://127.0.0.1:${this.natsPort}`,
    };
  }

  private get pgData(): string {
    return path.join(this.dir, 'postgres', 'data');
  }

  private pgCtl(args: string[]): void {
    const bin = path.join(system.postgresBinDir() ?? '/usr/lib/postgresql/15/bin', 'pg_ctl');
    const [cmd, a] = system.isRoot()
      ? [system.which('runuser') ?? '/usr/sbin/runuser', ['-u', 'postgres', '--', bin, ...args]]
      : [bin, args];
    execFileSync(cmd, a, { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  async start(): Promise<TestEnv> {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(this.dir, 'postgres', 'sock'), { recursive: true });
    fs.mkdirSync(path.join(this.dir, 'redis'), { recursive: true });
    fs.mkdirSync(path.join(this.dir, 'nats'), { recursive: true });
    [this.pgPort, this.redisPort, this.natsPort] = [await freePort(), await freePort(), await freePort()];

    const pg = path.join(this.dir, 'postgres');
    const pwfile = path.join(pg, '.pw');
    fs.writeFileSync(pwfile, this.base.secrets.postgres, { mode: 0o600 });
    if (system.isRoot()) execFileSync('chown', ['-R', 'postgres:postgres', pg]);
    this.pgCtl([
      'initdb',
      '-D',
      this.pgData,
      '-o',
      `-U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 --pwfile=${pwfile}`,
    ]);
    fs.unlinkSync(pwfile);
    await this.startPostgres();
    await database.bootstrapDatabase(this.env.adminDatabaseUrl, this.base.database, this.base.secrets);
    await this.startRedis();
    await this.startNats();
    return this.env;
  }

  /** Every start passes the settings (`pg_ctl start` does not reuse postmaster.opts, only `restart` does). */
  async startPostgres(): Promise<void> {
    const pg = path.join(this.dir, 'postgres');
    const settings = [
      `-p ${this.pgPort}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${path.join(pg, 'sock')}`,
      '-c max_connections=300',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    this.pgCtl(['start', '-w', '-D', this.pgData, '-l', path.join(pg, 'postgres.log'), '-o', settings]);
    await stack.waitForPort(this.pgPort);
  }

  /** `pg_ctl stop -m fast`: open sessions are terminated, the server exits cleanly. */
  stopPostgres(): void {
    this.pgCtl(['stop', '-w', '-m', 'fast', '-D', this.pgData]);
  }

  private spawn(cmd: string, args: string[], log: string, env?: NodeJS.ProcessEnv): Server {
    const out = fs.openSync(path.join(this.dir, log), 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', out, out], ...(env ? { env } : {}) });
    fs.closeSync(out);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { child, exited };
  }

  private static async stopServer(s: Server | undefined): Promise<void> {
    if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return;
    s.child.kill('SIGTERM');
    await s.exited;
  }

  async startRedis(): Promise<void> {
    this.redis = this.spawn(
      system.which('redis-server') ?? 'redis-server',
      stack.redisServerArgs(this.redisPort, path.join(this.dir, 'redis')),
      'redis.log',
    );
    await stack.waitForPort(this.redisPort);
    // Ready once the append-only file is loaded (LOADING errors until then).
    await eventually('Redis to answer PING', async () => {
      const c = new IORedis(this.env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return (await c.ping()) === 'PONG' ? true : undefined;
      } finally {
        c.disconnect();
      }
    });
  }

  stopRedis(): Promise<void> {
    return PrivateStack.stopServer(this.redis);
  }

  /** With the users and permissions of the shared test NATS (none when that one has none). */
  async startNats(): Promise<void> {
    const dir = path.join(this.dir, 'nats');
    const credentials = this.base.natsCredentials;
    const { args, env } = Object.keys(credentials).length
      ? stack.natsServer(dir, this.natsPort, credentials, {
          dist: process.env.KAM_TEST_DIST,
          fixtures: 'fixtures' in credentials,
        })
      : { args: ['-a', '127.0.0.1', '-p', String(this.natsPort), '-js', '-sd', dir], env: undefined };
    this.nats = this.spawn(system.which('nats-server') ?? 'nats-server', args, 'nats.log', env);
    await stack.waitForPort(this.natsPort);
  }

  stopNats(): Promise<void> {
    return PrivateStack.stopServer(this.nats);
  }

  async stop(): Promise<void> {
    await this.stopNats();
    await this.stopRedis();
    try {
      this.stopPostgres();
    } catch {
      /* already stopped */
    }
  }
}
