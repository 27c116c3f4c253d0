import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createServiceDataSource, ServiceDataSourceOptions } from './data-source';

const DS_OPTIONS = Symbol('DS_OPTIONS');

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
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
              const ran = await ds.runMigrations({ transaction: 'each' });
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
