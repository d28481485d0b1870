// The local infrastructure every entry point shares (`npm start`, `npm test`, the benchmarks, `npm run
// db:migrate`): check prerequisites, bring up Kafka (unless one is configured), provision and migrate
// the databases, build the services, create the topics.
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATABASES } from '../db/databases.mjs';
import { DEFAULT_ADMIN_URL, provisionDatabases } from '../db/provision.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVICES = DATABASES.map((db) => db.service);

export class InfraError extends Error {}

export function step(message) {
  process.stdout.write(`\u203a ${message}\n`);
}

function reachable(hostPort, timeoutMs = 2000) {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Uses KAFKA_BROKERS when it points at a reachable broker (compose, a cluster); otherwise starts the
 * real Apache Kafka from its Maven Central jars. Returns { brokers, stop }.
 */
export async function ensureKafka({ port, dataDir, brokers = 1 }) {
  const configured = process.env.KAFKA_BROKERS;
  if (configured) {
    if (!(await reachable(configured.split(',')[0]))) {
      throw new InfraError(
        `KAFKA_BROKERS=${configured} is not reachable: start that broker or unset KAFKA_BROKERS`,
      );
    }
    step(`using Kafka at ${configured}`);
    return { brokers: configured, stop: async () => undefined };
  }
  const missing = ['java', 'mvn'].filter((c) => !hasCommand(c));
  if (missing.length) {
    throw new InfraError(
      `${missing.join(' and ')} not found: install Java 17 and Maven to run Kafka locally, ` +
        'or set KAFKA_BROKERS to a running broker (e.g. `docker compose up -d kafka`)',
    );
  }
  const { startKafka, KAFKA_VERSION } = await import('../kafka/kafka.mjs');
  step(
    `starting Apache Kafka ${KAFKA_VERSION} (KRaft, ${brokers} node${brokers > 1 ? 's' : ''}) on 127.0.0.1:${port}`,
  );
  const kafka = await startKafka({ brokers, port, dataDir }).catch((error) => {
    throw new InfraError(error.message);
  });
  return { brokers: kafka.bootstrapServers, stop: () => kafka.stop() };
}

/** Provisions each service's schema and user; returns { auth: url, catalog: url, order: url }. */
export async function prepareDatabases({ prefix = '', fresh = false } = {}) {
  const adminUrl = process.env.MYSQL_ADMIN_URL || DEFAULT_ADMIN_URL;
  step(`provisioning databases on ${new URL(adminUrl).host}${prefix ? ` (prefix ${prefix})` : ''}`);
  try {
    return await provisionDatabases({ adminUrl, prefix, fresh });
  } catch (error) {
    throw new InfraError(error.message);
  }
}

export function run(command, args, { env = {}, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new InfraError(`${command} ${args.join(' ')} failed (${code})\n${output}`)),
    );
  });
}

/**
 * Type errors, lint (module boundaries included) and formatting: the build and jest skip type
 * checks. One TypeScript program and one ESLint run over the whole workspace (`typecheck-all`,
 * `lint-all` in tools/project.json, cached by Nx), not one per project: each of those builds the
 * shared libraries' types again, and on two cores the sixteen `typecheck` and eighteen `lint`
 * targets took three times as long. `nx affected -t lint typecheck` still checks per project.
 */
export async function checkSources() {
  step('checking types, lint and formatting');
  await Promise.all([
    run(join(ROOT, 'node_modules/.bin/nx'), ['run-many', '-t', 'typecheck-all', 'lint-all'], {
      quiet: true,
      env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    }),
    run(join(ROOT, 'node_modules/.bin/prettier'), ['--check', '--log-level', 'warn', '.'], { quiet: true }),
  ]);
}

export async function buildServices() {
  step('building services');
  await run(
    join(ROOT, 'node_modules/.bin/nx'),
    // The load generator too: the e2e suite runs it against the services (apps/loadgen).
    ['run-many', '-t', 'build', `--projects=${[...SERVICES, 'loadgen'].join(',')}`],
    {
      quiet: true,
      env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    },
  );
}

/** Runs each built service's own `migrate` and `create-topics` commands, as a deployment would. */
export async function migrateAndCreateTopics(databaseUrls, kafkaBrokers) {
  step('running migrations and creating topics');
  await Promise.all(
    SERVICES.map(async (service) => {
      const env = { DATABASE_URL: databaseUrls[service], KAFKA_BROKERS: kafkaBrokers, LOG_LEVEL: 'warn' };
      const main = join(ROOT, 'dist/apps', service, 'main.js');
      await run(process.execPath, [main, 'migrate'], { env, quiet: true });
      await run(process.execPath, [main, 'create-topics'], { env, quiet: true });
    }),
  );
}
