import { createConnection } from 'mysql2/promise';
import { databaseUrl } from '@shopflow/testing';

/** The provisioning and migrations that `npm test` ran, checked against the real server. */
describe('service databases (real MySQL/MariaDB)', () => {
  it("refuses the catalog's user on the auth schema", async () => {
    const catalog = await createConnection(databaseUrl('catalog'));
    try {
      const authSchema = new URL(databaseUrl('auth')).pathname.slice(1);
      await expect(
        catalog.query(`SELECT COUNT(*) FROM \`${authSchema}\`.outbox_message`),
      ).rejects.toMatchObject({
        code: 'ER_TABLEACCESS_DENIED_ERROR',
      });
      await expect(catalog.query(`USE \`${authSchema}\``)).rejects.toMatchObject({
        code: 'ER_DBACCESS_DENIED_ERROR',
      });
    } finally {
      await catalog.end();
    }
  });

  it.each(['auth', 'catalog', 'order'] as const)(
    'migrated the %s schema with utf8mb4_unicode_ci tables',
    async (service) => {
      const connection = await createConnection(databaseUrl(service));
      try {
        const [tables] = await connection.query(
          `SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`,
        );
        const rows = tables as { name: string; collation: string }[];
        expect(rows.map((t) => t.name)).toEqual(
          expect.arrayContaining(['inbox_message', 'outbox_message', 'schema_migrations']),
        );
        expect(
          rows
            .filter((t) => t.name !== 'schema_migrations')
            .every((t) => t.collation === 'utf8mb4_unicode_ci'),
        ).toBe(true);
      } finally {
        await connection.end();
      }
    },
  );
});
