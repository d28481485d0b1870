import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { requireTestEnv } from './test-env';

/**
 * A fresh schema of its own for a suite that needs tables nobody else touches. Created and dropped
 * through the admin connection `npm test` was given; the name always starts with `test_`.
 */
export async function createTestSchema(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = requireTestEnv('MYSQL_ADMIN_URL');
  const name = `test_${label}_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection(adminUrl);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const connection = await createConnection(adminUrl);
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
