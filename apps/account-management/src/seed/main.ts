import 'reflect-metadata';
import { loadConfigOrExit, serviceSchema } from '@app/config';
import { createServiceDataSource } from '@app/persistence';
import { SCHEMA } from '../config';
import { MIGRATIONS } from '../migrations';
import { seedDemoWorkspace } from './demo-workspace';
import { seedDemoComplaints } from './demo-complaints';
import { seedDemoService } from './demo-service';
import { seedDemoMore } from './demo-more';

/** `node dist/apps/account-management/src/seed/main.js`: migrate, then seed the demo workspace. */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ KAM_DATABASE_URL: serviceSchema.KAM_DATABASE_URL }, 'seed');
  const ds = createServiceDataSource({
    url: config.KAM_DATABASE_URL,
    schema: SCHEMA,
    entities: [],
    migrations: MIGRATIONS,
    poolSize: 2,
  });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const r = await seedDemoWorkspace(ds.manager);
    await seedDemoComplaints(ds.manager);
    await seedDemoService(ds.manager);
    await seedDemoMore(ds.manager);
    process.stdout.write(`seeded demo workspace: ${r.members} members, ${r.accounts} key accounts\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`seed failed: ${(e as Error).message}\n`);
  process.exit(1);
});
