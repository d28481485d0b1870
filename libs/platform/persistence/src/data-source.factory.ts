import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import type { DatabaseTls } from '@shopflow/platform/config';

export interface DatabaseOptions {
  /** mysql://user:password@host:port/schema */
  url: string;
  poolSize: number;
  /** TLS to the server (ADR 0010), from `databaseTlsFrom(config)`; plaintext when absent. */
  tls?: DatabaseTls;
  entities?: MixedList<string | (new () => unknown) | EntitySchema>;
  migrations?: MixedList<string | (new () => unknown)>;
}

/**
 * The one place DataSource options are decided, for the service (through `DatabaseModule`, i.e.
 * `TypeOrmModule`) and for its migration command. `synchronize` is never on: the schema changes
 * only through reviewed migrations.
 */
export function dataSourceOptions({
  url,
  poolSize,
  tls,
  entities = [],
  migrations = [],
}: DatabaseOptions): DataSourceOptions {
  return {
    type: 'mysql',
    connectorPackage: 'mysql2',
    url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    poolSize,
    // With TLS the server's certificate must chain to the CA (or a system CA) and name the host:
    // an encrypted connection to an impostor is no better than a plaintext one.
    // mysql2 checks the name only with verifyIdentity; without it any certificate the CA signed passes.
    // (For an IP address mysql2 checks the name "localhost": give the host by name in production.)
    ssl: tls ? { ca: tls.ca, rejectUnauthorized: true, verifyIdentity: true } : undefined,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Off: TypeORM's logger prints plain text with the query's parameters (password hashes, emails)
    // to the console. A failing query throws; the caller decides, and logs it as JSON if it must.
    logging: false,
    extra: { connectTimeout: 5_000, enableKeepAlive: true },
  };
}

/** A DataSource outside Nest: the migration command and tests. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}
