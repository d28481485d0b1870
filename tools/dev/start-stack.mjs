#!/usr/bin/env node
// `npm start`: the whole system on this machine. Provisions the databases, starts Kafka (unless
// KAFKA_BROKERS points at one) and the Zipkin trace backend (unless TRACING_ZIPKIN_URL points at
// one; TRACING=off for neither), builds, migrates, creates topics, starts the three services and
// prints their URLs. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DATABASES } from '../db/databases.mjs';
import {
  buildServices,
  ensureKafka,
  InfraError,
  migrateAndCreateTopics,
  prepareDatabases,
  ROOT,
  step,
} from '../infra/local-infra.mjs';

const started = Date.now();
const children = new Map();
let kafka;
let zipkin;
let stopping = false;

async function waitUntilReady(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new InfraError(`${url} exited with code ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new InfraError(`${url} was not ready within ${timeoutMs / 1000} s`);
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  step('stopping services');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  if (kafka) {
    step('stopping Kafka');
    await kafka.stop();
  }
  if (zipkin) {
    step('stopping Zipkin');
    await zipkin.stop();
  }
  process.exit(exitCode);
}

async function main() {
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  const databaseUrls = await prepareDatabases();
  const port = Number(process.env.KAFKA_PORT || 9092);
  // Side by side; each is kept as soon as it is up, so a failure of the other still stops it.
  await Promise.all([
    ensureKafka({ port, dataDir: join(ROOT, 'tools/kafka/.cache/dev') }).then((k) => (kafka = k)),
    ensureZipkin().then((z) => (zipkin = z)),
  ]);
  await buildServices();
  await migrateAndCreateTopics(databaseUrls, kafka.brokers);

  for (const { service, port } of DATABASES) {
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps', service, 'main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        HTTP_PORT: String(port),
        DATABASE_URL: databaseUrls[service],
        KAFKA_BROKERS: kafka.brokers,
        JWT_JWKS_URL: `http://127.0.0.1:${DATABASES.find((d) => d.service === 'auth').port}/.well-known/jwks.json`,
        ...(zipkin ? { TRACING_ZIPKIN_URL: zipkin.spansUrl } : {}),
        // LOCAL DEVELOPMENT DEFAULTS (the same as compose's auth.env): an administrator, so that
        // `npm run loadgen` can fill an empty catalog. Set ADMIN_EMAIL/ADMIN_PASSWORD to change them.
        ...(service === 'auth'
          ? {
              ADMIN_EMAIL: process.env.ADMIN_EMAIL ?? 'admin@shopflow.local',
              ADMIN_PASSWORD: process.env.ADMIN_PASSWORD ?? 'admin-dev-password',
            }
          : {}),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code) => {
      if (stopping) return;
      process.stderr.write(`${service} exited unexpectedly (code ${code}); stopping the stack\n`);
      void stopAll(1);
    });
    children.set(service, child);
  }
  await Promise.all(
    DATABASES.map(({ service, port }) => waitUntilReady(`http://127.0.0.1:${port}`, children.get(service))),
  );

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`\nshopflow is ready in ${seconds} s (Ctrl-C stops everything)\n`);
  for (const { service, port } of DATABASES) {
    process.stdout.write(
      `  ${service.padEnd(8)} http://127.0.0.1:${port}  (API docs: /docs, metrics: /metrics)\n`,
    );
  }
  process.stdout.write(`  kafka    ${kafka.brokers}\n`);
  process.stdout.write('  traffic  npm run loadgen  (in another terminal)\n');
  process.stdout.write(
    zipkin
      ? `  traces   ${zipkin.uiUrl}  (Zipkin: "Run query", then a trace; see README "See one order")\n\n`
      : '  traces   off (TRACING=off)\n\n',
  );
}

/** The trace backend: TRACING_ZIPKIN_URL if set, else a local Zipkin; none with TRACING=off. */
async function ensureZipkin() {
  if (process.env.TRACING === 'off') return undefined;
  const configured = process.env.TRACING_ZIPKIN_URL;
  if (configured) {
    step(`sending traces to ${configured}`);
    return { spansUrl: configured, uiUrl: new URL('/zipkin/', configured).href, stop: async () => undefined };
  }
  const { startZipkin, ZIPKIN_VERSION } = await import('../zipkin/zipkin.mjs');
  const port = Number(process.env.ZIPKIN_PORT || 9411);
  step(`starting Zipkin ${ZIPKIN_VERSION} (trace backend) on 127.0.0.1:${port}`);
  return startZipkin({ port, log: step }).catch((error) => {
    throw new InfraError(`${error.message.split('\n')[0]} (TRACING=off starts the stack without traces)`);
  });
}

main().catch((error) => {
  process.stderr.write(error instanceof InfraError ? `npm start: ${error.message}\n` : `${error.stack}\n`);
  void stopAll(1);
});
