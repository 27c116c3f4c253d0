import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, Migration } from 'typeorm';
import { createServiceDataSource, ServiceDataSourceOptions } from './data-source';

const DS_OPTIONS = Symbol('DS_OPTIONS');

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/**
 * The pending migrations, one process at a time per schema (a session advisory lock): replicas that start together
 * wait for the first to finish, then find nothing to do, instead of running the same migration twice and failing
 * on what the other created. The wait has no statement timeout (a long migration is waited for).
 */
async function migrate(ds: DataSource, schema: string): Promise<Migration[]> {
  const lock = ds.createQueryRunner();
  await lock.connect();
  const key = `kam-migrations:${schema}`;
  try {
    await lock.query(`SET statement_timeout = 0`);
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [key]);
    return await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query(`SELECT pg_advisory_unlock(hashtext($1))`, [key]).catch(() => undefined);
    await lock.query(`RESET statement_timeout`).catch(() => undefined);
    await lock.release();
  }
}

/**
 * Provides the service's DataSource, initialised and migrated before anything else starts.
 * Migrations run in the service's own schema with the service's own role.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: ServiceDataSourceOptions & { migrate?: boolean }): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        { provide: DS_OPTIONS, useValue: options },
        {
          provide: DataSource,
          inject: [DS_OPTIONS],
          useFactory: async (o: ServiceDataSourceOptions & { migrate?: boolean }) => {
            const ds = createServiceDataSource(o);
            await ds.initialize();
            if (o.migrate !== false) {
              const ran = await migrate(ds, o.schema);
              if (ran.length) new Logger('migrations').log(`applied ${ran.map((m) => m.name).join(', ')}`);
            }
            return ds;
          },
        },
        DataSourceCloser,
      ],
      exports: [DataSource],
    };
  }
}
