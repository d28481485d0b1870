#!/usr/bin/env node
// Creates each service's schema and its own user with privileges on that schema only.
// Idempotent: safe to run on every start. `--fresh` drops the schemas first (tests).
//   MYSQL_ADMIN_URL   admin connection (default mysql://root@127.0.0.1:3306)
//   DB_PREFIX         prefix for schema and user names (tests use "test_")
//   DB_REQUIRE_SSL    "true": the service users may connect over TLS only (REQUIRE SSL); the
//                     services then need DATABASE_SSL=true (docs/adr/0010-encryption-in-transit.md)
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { DATABASES } from './databases.mjs';

const require = createRequire(import.meta.url);

export const DEFAULT_ADMIN_URL = 'mysql://root@127.0.0.1:3306';

/** Returns { [service]: DATABASE_URL } for the provisioned schemas. */
export async function provisionDatabases({
  adminUrl = DEFAULT_ADMIN_URL,
  prefix = '',
  fresh = false,
  requireSsl = false,
} = {}) {
  const mysql = require('mysql2/promise');
  const admin = new URL(adminUrl);
  let connection;
  try {
    connection = await mysql.createConnection({
      uri: adminUrl,
      connectTimeout: 5000,
      multipleStatements: false,
    });
  } catch (error) {
    throw new Error(
      `cannot reach MySQL at ${admin.host} as ${admin.username || 'root'} (${error.code ?? error.message}): ` +
        'start MySQL 8 or MariaDB, set MYSQL_ADMIN_URL, or run `docker compose up`',
    );
  }
  const urls = {};
  try {
    for (const db of DATABASES) {
      const schema = `${prefix}${db.schema}`;
      const user = `${prefix}${db.user}`;
      const password = process.env[`${db.service.toUpperCase()}_DB_PASSWORD`] || db.devPassword;
      if (fresh) await connection.query(`DROP DATABASE IF EXISTS \`${schema}\``);
      await connection.query(
        `CREATE DATABASE IF NOT EXISTS \`${schema}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
      await connection.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [user, '%', password]);
      await connection.query('ALTER USER ?@? IDENTIFIED BY ?', [user, '%', password]);
      await connection.query(`GRANT ALL PRIVILEGES ON \`${schema}\`.* TO ?@?`, [user, '%']);
      // Stated every time, so turning the option off again takes effect too.
      await connection.query(`ALTER USER ?@? REQUIRE ${requireSsl ? 'SSL' : 'NONE'}`, [user, '%']);
      urls[db.service] =
        `mysql://${user}:${encodeURIComponent(password)}@${admin.hostname}:${admin.port || 3306}/${schema}`;
    }
  } finally {
    await connection.end();
  }
  return urls;
}

// argv[1] is absent when another script imports this one from `node -e` (the generator test does).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  provisionDatabases({
    adminUrl: process.env.MYSQL_ADMIN_URL || DEFAULT_ADMIN_URL,
    prefix: process.env.DB_PREFIX ?? '',
    fresh: process.argv.includes('--fresh'),
    requireSsl: process.env.DB_REQUIRE_SSL === 'true',
  }).then(
    (urls) => {
      for (const [service, url] of Object.entries(urls))
        console.log(`${service}: ${url.replace(/:[^:@/]+@/, ':***@')}`);
    },
    (error) => {
      console.error(`db: ${error.message}`);
      process.exit(1);
    },
  );
}
