export { createDataSource, type DatabaseOptions } from './data-source.factory';
export { DatabaseHealthIndicator, DatabaseModule } from './database.module';
export { runMigrations } from './run-migrations';
export { isDatabaseUnavailable, isDuplicateKey, isLockContention, mysqlErrorCode } from './mysql-errors';
export { caseById } from './case-by-id';
