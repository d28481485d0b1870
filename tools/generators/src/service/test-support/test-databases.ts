import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { ScratchWorkspace } from './scratch-workspace';

/**
 * Every service schema and user of the scratch copy's tools/db/databases.mjs (the generated
 * service's too), provisioned by its own tools/db/provision.mjs under a `test_gen_<random>_`
 * prefix on the test server, as `npm test` does with `test_`; dropped again by `drop()`.
 */
export async function provisionTestDatabases(workspace: ScratchWorkspace, adminUrl: string) {
  const prefix = `test_gen_${randomBytes(3).toString('hex')}_`;
  const script =
    "import('./tools/db/provision.mjs').then(async (m) => process.stdout.write(JSON.stringify(" +
    `await m.provisionDatabases({ adminUrl: process.env.MYSQL_ADMIN_URL, prefix: '${prefix}', fresh: true }))))`;
  const result = await workspace.run('node', ['--input-type=module', '-e', script], {
    MYSQL_ADMIN_URL: adminUrl,
  });
  if (result.code !== 0) throw new Error(`provisioning failed: ${result.output}`);
  const urls = JSON.parse(result.output) as Record<string, string>;
  return {
    urls,
    async drop(): Promise<void> {
      const admin = await createConnection(adminUrl);
      try {
        for (const url of Object.values(urls)) {
          const { username, pathname } = new URL(url);
          await admin.query(`DROP DATABASE IF EXISTS \`${pathname.slice(1)}\``);
          await admin.query('DROP USER IF EXISTS ?@?', [decodeURIComponent(username), '%']);
        }
      } finally {
        await admin.end();
      }
    },
  };
}
