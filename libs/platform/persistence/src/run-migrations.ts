import type { DatabaseOptions } from './data-source.factory';
import { createDataSource } from './data-source.factory';

/** Applies pending migrations and returns the names applied (empty when the schema is current). */
export async function runMigrations(options: DatabaseOptions): Promise<string[]> {
  const dataSource = createDataSource({ ...options, poolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
