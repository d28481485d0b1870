#!/usr/bin/env node
// `npm test`: every test (unit, integration, end-to-end) against real infrastructure that this
// script provides: Apache Kafka (started here unless KAFKA_BROKERS is set) and fresh test schemas
// on the MySQL/MariaDB server at MYSQL_ADMIN_URL. Extra arguments go to jest.
import { join } from 'node:path';
import { DEFAULT_ADMIN_URL } from '../db/provision.mjs';
import {
  buildServices,
  checkSources,
  ensureKafka,
  InfraError,
  migrateAndCreateTopics,
  prepareDatabases,
  ROOT,
  run,
} from '../infra/local-infra.mjs';

// Below the ephemeral range (32768+), as is its controller port (+10000), so no outgoing connection holds it.
// TEST_KAFKA_PORT and TEST_DB_PREFIX let two checkouts run their suites side by side on one machine.
const TEST_KAFKA_PORT = Number(process.env.TEST_KAFKA_PORT || 21092);
const TEST_DB_PREFIX = process.env.TEST_DB_PREFIX || 'test_';
if (!/^test_[a-z0-9_]*$/.test(TEST_DB_PREFIX)) {
  process.stderr.write(
    `npm test: TEST_DB_PREFIX=${TEST_DB_PREFIX} must start with test_ (tests drop its schemas)\n`,
  );
  process.exit(2);
}

async function main() {
  const started = Date.now();
  const databaseUrls = await prepareDatabases({ prefix: TEST_DB_PREFIX, fresh: true });
  const kafka = await ensureKafka({
    port: TEST_KAFKA_PORT,
    dataDir: join(ROOT, `tools/kafka/.cache/test-run-${TEST_KAFKA_PORT}`),
  });
  let exitCode = 1;
  const stopOnSignal = async () => {
    await kafka.stop();
    process.exit(130);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    await checkSources();
    await buildServices();
    await migrateAndCreateTopics(databaseUrls, kafka.brokers);
    process.stdout.write(
      `\u203a infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)} s; running jest\n`,
    );
    exitCode = await run(join(ROOT, 'node_modules/.bin/jest'), ['--ci', ...process.argv.slice(2)], {
      env: {
        KAFKA_BROKERS: kafka.brokers,
        // <SERVICE>_DATABASE_URL for every service in tools/db/databases.mjs (libs/testing databaseUrl).
        ...Object.fromEntries(
          Object.entries(databaseUrls).map(([service, url]) => [
            `${service.toUpperCase()}_DATABASE_URL`,
            url,
          ]),
        ),
        MYSQL_ADMIN_URL: process.env.MYSQL_ADMIN_URL || DEFAULT_ADMIN_URL,
        // The catalog cache's tests use a real Redis: the machine's, unless REDIS_URL names another.
        REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379/0',
      },
    }).then(
      () => 0,
      () => 1,
    );
  } finally {
    await kafka.stop();
  }
  process.exit(exitCode);
}

main().catch((error) => {
  process.stderr.write(error instanceof InfraError ? `npm test: ${error.message}\n` : `${error.stack}\n`);
  process.exit(1);
});
