import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HealthIndicator } from '@shopflow/platform/observability';
import { createDataSource, type DatabaseOptions } from './data-source.factory';

@Injectable()
export class DatabaseHealthIndicator implements HealthIndicator {
  readonly name = 'database';
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

/** Closes the pool last: `onApplicationShutdown` runs after the HTTP server has drained. */
@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DataSource, useFactory: () => createDataSource(options).initialize() },
        DataSourceCloser,
        DatabaseHealthIndicator,
      ],
      exports: [DataSource, DatabaseHealthIndicator],
    };
  }
}
