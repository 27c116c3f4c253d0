#!/usr/bin/env node
'use strict';
/**
 * One-shot set-up for deployments that run their own PostgreSQL (docker compose, Kubernetes):
 * creates the database, one schema and one login role per service, then (KAM_SEED_DEMO=1) migrates and
 * seeds the demo workspace.
 *
 *   KAM_DATABASE_URL             admin URL (a role that may create roles and databases)
 *   KAM_DATABASE_NAME            database to create/use (default kam)
 *   KAM_DB_PASSWORD_GATEWAY, KAM_DB_PASSWORD_ACCOUNT_MANAGEMENT,
 *   KAM_DB_PASSWORD_PERFORMANCE_EVALUATION, KAM_DB_PASSWORD_DOCUMENT_SECURITY   the service roles' passwords
 */
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { bootstrapDatabase } = require('./lib/database');
const { SERVICES, serviceDatabaseUrl } = require('./lib/stack');

async function main() {
  const admin = process.env.KAM_DATABASE_URL;
  if (!admin) throw new Error('KAM_DATABASE_URL is required');
  const database = process.env.KAM_DATABASE_NAME || 'kam';
  const passwords = {};
  for (const service of Object.keys(SERVICES)) {
    const name = `KAM_DB_PASSWORD_${service.toUpperCase().replace(/-/g, '_')}`;
    if (!process.env[name]) throw new Error(`${name} is required`);
    passwords[service] = process.env[name];
  }
  await bootstrapDatabase(admin, database, passwords);
  process.stdout.write(`database ${database}: schemas and roles in place\n`);
  if (process.env.KAM_SEED_DEMO === '1') {
    const seed = spawnSync(
      process.execPath,
      [path.join(__dirname, '..', 'dist/apps/account-management/src/seed/main.js')],
      {
        env: {
          ...process.env,
          KAM_DATABASE_URL: serviceDatabaseUrl(
            admin,
            database,
            'account-management',
            passwords['account-management'],
          ),
        },
        stdio: 'inherit',
      },
    );
    if (seed.status !== 0) throw new Error('seeding failed');
  }
}

main().catch((e) => {
  process.stderr.write(`[setup] ${e.message}\n`);
  process.exit(1);
});
