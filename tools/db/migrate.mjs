#!/usr/bin/env node
// `npm run db:migrate`: provisions the local schemas and users (idempotent), builds the services
// and runs each one's own `migrate` command, exactly as a deployment's migration job does.
import { join } from 'node:path';
import {
  buildServices,
  InfraError,
  prepareDatabases,
  ROOT,
  run,
  SERVICES,
  step,
} from '../infra/local-infra.mjs';

try {
  const urls = await prepareDatabases();
  await buildServices();
  for (const service of SERVICES) {
    step(`migrating ${service}`);
    // The migrate command reads the service's whole configuration; the broker is not contacted.
    await run(process.execPath, [join(ROOT, 'dist/apps', service, 'main.js'), 'migrate'], {
      env: { DATABASE_URL: urls[service], KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092' },
    });
  }
} catch (error) {
  process.stderr.write(error instanceof InfraError ? `db:migrate: ${error.message}\n` : `${error.stack}\n`);
  process.exit(1);
}
