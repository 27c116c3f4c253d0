import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { adminUrl, serviceDatabaseUrl } from '../support/env';
import { withDb } from '../support/fixtures';
import { AppName, TestSystem } from '../support/system';

/**
 * Each service logs in to PostgreSQL with its own role, which owns its own schema and nothing else
 * (DESIGN §3: "its own database role that can touch only its schema").
 */
describe('database roles: each service can touch only its own schema', () => {
  const SCHEMAS: Record<AppName, string> = {
    gateway: 'gateway',
    'account-management': 'account_management',
    'performance-evaluation': 'performance_evaluation',
    'document-security': 'document_security',
  };
  const SERVICES = Object.keys(SCHEMAS) as AppName[];
  const PAIRS: [AppName, AppName][] = SERVICES.flatMap((own) =>
    SERVICES.filter((other) => other !== own).map((other): [AppName, AppName] => [own, other]),
  );

  const system = new TestSystem();
  const tables: Record<string, string[]> = {};
  const suffix = randomBytes(4).toString('hex');

  beforeAll(async () => {
    // Every app runs its migrations once with its own role, then the system stops.
    try {
      await system.start();
    } finally {
      await system.stop();
    }
    await withDb(adminUrl(system.env), async (c) => {
      for (const schema of Object.values(SCHEMAS)) {
        const r = await c.query<{ tablename: string }>(
          `SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`,
          [schema],
        );
        tables[schema] = r.rows.map((row) => row.tablename);
      }
    });
  });

  const asService = <T>(service: AppName, fn: (c: Client) => Promise<T>) =>
    withDb(serviceDatabaseUrl(system.env, service), fn);

  /** PostgreSQL's "insufficient_privilege". */
  const permissionDenied = (what: RegExp) => ({
    code: '42501',
    message: expect.stringMatching(what),
  });

  it.each(SERVICES)('%s can read and write every table of its own schema', async (service) => {
    const schema = SCHEMAS[service];
    expect(tables[schema]).toEqual(expect.arrayContaining(['migrations']));
    await asService(service, async (c) => {
      for (const t of tables[schema]) {
        await expect(c.query(`SELECT * FROM "${schema}"."${t}" LIMIT 1`)).resolves.toBeDefined();
      }
      // Writes too, inside a transaction that is rolled back so nothing is left behind.
      await c.query('BEGIN');
      try {
        await expect(
          c.query(`CREATE TABLE "${schema}"."own_check_${suffix}" (x int)`),
        ).resolves.toBeDefined();
        await expect(
          c.query(`INSERT INTO "${schema}"."own_check_${suffix}" VALUES (1)`),
        ).resolves.toMatchObject({ rowCount: 1 });
      } finally {
        await c.query('ROLLBACK');
      }
    });
  });

  it.each(PAIRS)("%s is refused every table of %s's schema", async (service, other) => {
    const schema = SCHEMAS[other];
    expect(tables[schema].length).toBeGreaterThan(0);
    await asService(service, async (c) => {
      for (const t of tables[schema]) {
        await expect(c.query(`SELECT * FROM "${schema}"."${t}" LIMIT 1`)).rejects.toMatchObject(
          permissionDenied(new RegExp(`permission denied for schema ${schema}`)),
        );
      }
      await expect(c.query(`CREATE TABLE "${schema}"."intruder_${suffix}" (x int)`)).rejects.toMatchObject(
        permissionDenied(/permission denied for schema/),
      );
    });
  });

  it('for example, the gateway cannot read the key accounts table of account-management', async () => {
    await asService('gateway', async (c) => {
      await expect(c.query('SELECT * FROM account_management.accounts')).rejects.toMatchObject(
        permissionDenied(/permission denied for schema account_management/),
      );
    });
  });

  it.each(SERVICES)('%s cannot create tables in the public schema', async (service) => {
    await asService(service, async (c) => {
      await expect(c.query(`CREATE TABLE public."intruder_${suffix}" (x int)`)).rejects.toMatchObject(
        permissionDenied(/permission denied for schema public/),
      );
    });
  });

  it.each(SERVICES)('%s cannot create a database role', async (service) => {
    await asService(service, async (c) => {
      await expect(c.query(`CREATE ROLE "intruder_${suffix}" LOGIN`)).rejects.toMatchObject(
        permissionDenied(/permission denied to create role/),
      );
    });
  });

  it.each(SERVICES)('%s cannot create a database', async (service) => {
    await asService(service, async (c) => {
      await expect(c.query(`CREATE DATABASE "intruder_${suffix}"`)).rejects.toMatchObject(
        permissionDenied(/permission denied to create database/),
      );
    });
  });
});
