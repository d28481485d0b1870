#!/usr/bin/env node
// `npm run bench:<name>`: provides Kafka (unless KAFKA_BROKERS is set) and the MySQL admin URL the
// way `npm test` does, then runs bench/<name>.bench.ts. Benchmarks print numbers; they never fail on them.
import { join } from 'node:path';
import { DEFAULT_ADMIN_URL } from '../db/provision.mjs';
import { buildServices, ensureKafka, InfraError, ROOT, run } from '../infra/local-infra.mjs';

const name = process.argv[2];
if (!name) {
  process.stderr.write('usage: node tools/bench/run-bench.mjs <name>   (runs bench/<name>.bench.ts)\n');
  process.exit(2);
}

// BENCH_KAFKA_PORT moves the bench broker (and the dedicated brokers derived from it) off a port in use.
const port = Number(process.env.BENCH_KAFKA_PORT || 22092);
const kafka = await ensureKafka({ port, dataDir: join(ROOT, `tools/kafka/.cache/bench-${port}`) }).catch(
  (error) => {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(1);
  },
);
let code = 0;
try {
  await buildServices(); // benchmarks that start a service run the built one
  await run(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'bench', `${name}.bench.ts`)], {
    env: {
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json'),
      KAFKA_BROKERS: kafka.brokers,
      MYSQL_ADMIN_URL: process.env.MYSQL_ADMIN_URL || DEFAULT_ADMIN_URL,
    },
  });
} catch (error) {
  process.stderr.write(error instanceof InfraError ? `bench: ${error.message}\n` : `${error.stack}\n`);
  code = 1;
} finally {
  await kafka.stop();
}
process.exit(code);
