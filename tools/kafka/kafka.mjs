#!/usr/bin/env node
// Runs the real Apache Kafka broker (KRaft mode) from its Maven Central jars, for local development
// and tests: no Docker, only a JDK and Maven. Readiness is checked with kafkajs, the client the
// services use. `node tools/kafka/kafka.mjs --help` lists the commands (fetch, start, stop, status, run).
//
// From Node (e.g. a test harness):
//   const { startKafka, stopKafka, waitForTopics } = await import('../../tools/kafka/kafka.mjs');
//   const kafka = await startKafka({ brokers: 1, port: 9092 }); // or brokers: 3
//   // kafka.bootstrapServers === '127.0.0.1:9092' (comma-separated for 3 brokers), kafka.brokers is the array
//   await admin.createTopics({ topics, waitForLeaders: false }); // kafkajs + multi-broker KRaft: see waitForTopics
//   await waitForTopics({ bootstrapServers: kafka.bootstrapServers, topics: ['orders'] });
//   await stopKafka({ dataDir: kafka.dataDir }); // keeps the data; to resume with it:
//   await startKafka({ dataDir: kafka.dataDir, keepData: true });
//
// Secured listeners (tests of TLS and SASL, ADR 0010) come on top of the PLAINTEXT one, which the
// brokers keep for their own traffic and this script's readiness probe:
//   startKafka({ listeners: [{ name: 'SECURE', protocol: 'SASL_SSL', portOffset: 50 }],
//     properties: { 'ssl.keystore.location': ... }, scram: ['SCRAM-SHA-512=[name=u,password=p]'] })
//
// The Kafka version is written once, in kafka-version.txt next to this file.
// See docs/adr/0002-local-kafka-from-maven.md.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from './cluster-config.mjs';
import { CONTROLLER_PORT_OFFSET, DEFAULT_PORT, KAFKA_VERSION, KafkaToolError } from './common.mjs';
import { fetchKafka } from './fetch.mjs';
import { isKafkaProcess, stopKafka } from './processes.mjs';
import { kafkaStatus } from './readiness.mjs';
import { startKafka } from './start.mjs';

// The API other scripts and the test harness import (see the header): one entry point.
export { KAFKA_VERSION, KafkaToolError } from './common.mjs';
export { fetchKafka, libDir } from './fetch.mjs';
export { defaultDataDir } from './cluster-config.mjs';
export { stopKafka } from './processes.mjs';
export { startKafka } from './start.mjs';
export { kafkaStatus, waitForKafka, waitForTopics } from './readiness.mjs';

// --- CLI ----------------------------------------------------------------------------------------

const USAGE = `usage: node tools/kafka/kafka.mjs <command> [options]

commands:
  fetch                      resolve the Kafka ${KAFKA_VERSION} jars with Maven into tools/kafka/.cache/ (if needed)
  start                      start a cluster in the background; returns once it is usable
  stop                       stop a cluster, keeping its data (every cluster under tools/kafka/.cache/ when
                             neither --port nor --data-dir)
  status                     show clusters; exit 0 if running, 3 if not
  run                        start, stay in the foreground, stop on Ctrl-C / SIGTERM

options:
  --brokers N                1 (default) or 3 brokers (each also a KRaft controller)
  --port P                   first broker port (default ${DEFAULT_PORT}); brokers use P..P+N-1, controllers P+${CONTROLLER_PORT_OFFSET}..
  --data-dir DIR             default tools/kafka/.cache/run-<port>/ (wiped on every start, unless --keep-data)
  --keep-data                start the cluster already in the data dir again, with its topics and messages
  --timeout SECONDS          how long start waits for the cluster to be usable (default 120)
  --listener NAME:PROTO:OFF  an extra listener (SSL, SASL_SSL or SASL_PLAINTEXT) on each broker's port + OFF
                             (repeatable); the PLAINTEXT listener stays for the brokers and readiness
  --property KEY=VALUE       an extra broker property, e.g. ssl.keystore.location=... (repeatable)
  --add-scram SPEC           a SCRAM user at format time, e.g. 'SCRAM-SHA-512=[name=u,password=p]' (repeatable)

environment: JAVA_HOME, KAFKA_JVM_OPTS (extra JVM flags), KAFKA_START_TIMEOUT_MS, KAFKA_PROBE_DEBUG=1 (trace readiness),
  KAFKA_LOG_LEVEL (default INFO; logs go to <data-dir>/node-<id>/server.log)`;

function relative(p) {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let interrupted; // the stop started by a signal during start-up

/** Ctrl-C while `start`/`run` is still starting: do not leave half-started brokers behind. */
function stopOnSignalWhileStarting(dataDir, port) {
  const handler = (sig) => {
    console.error(`kafka: ${sig} while starting, stopping…`);
    interrupted ??= stopKafka({ dataDir: dataDir ?? defaultDataDir(port) }).finally(() => process.exit(130));
  };
  SIGNALS.forEach((sig) => process.on(sig, handler));
  return () => SIGNALS.forEach((sig) => process.off(sig, handler));
}

function parseProperty(spec) {
  const at = spec.indexOf('=');
  if (at < 1) throw new KafkaToolError(`--property must be KEY=VALUE, got "${spec}"`);
  return [spec.slice(0, at), spec.slice(at + 1)];
}

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'keep-data': { type: 'boolean' },
      timeout: { type: 'string' },
      listener: { type: 'string', multiple: true },
      property: { type: 'string', multiple: true },
      'add-scram': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (rest.length) throw new KafkaToolError(`unexpected argument: ${rest[0]} (see --help)`);
  const int = (name) => {
    const v = values[name];
    if (v !== undefined && !/^\d+$/.test(v))
      throw new KafkaToolError(`--${name} must be a number, got "${v}"`);
    return v === undefined ? undefined : Number(v);
  };
  const port = int('port');
  const dataDir = values['data-dir'] && path.resolve(values['data-dir']);
  const progress = (line) => console.error(`kafka: ${line}`);
  const start = async () => {
    const removeHandlers = stopOnSignalWhileStarting(dataDir, port ?? DEFAULT_PORT);
    const timeout = int('timeout');
    const timeoutMs = timeout === undefined ? undefined : timeout * 1000;
    const properties = values.property && Object.fromEntries(values.property.map(parseProperty));
    const options = {
      ...{ brokers: int('brokers'), port, dataDir, keepData: values['keep-data'], timeoutMs },
      ...{ listeners: values.listener, properties, scram: values['add-scram'] },
    };
    const k = await startKafka({ ...options, log: progress });
    removeHandlers();
    const n = k.brokers.length;
    const what = `Kafka ${k.version}, ${n} broker${n > 1 ? 's' : ''}, ${(k.readyMs / 1000).toFixed(1)} s`;
    console.log(`kafka ready at ${k.bootstrapServers} (${what}, data ${relative(k.dataDir)})`);
    return k;
  };

  switch (command) {
    case 'fetch':
      console.log(`kafka ${KAFKA_VERSION} jars in ${relative(await fetchKafka({ log: progress }))}`);
      return 0;
    case 'start':
      await start();
      return 0;
    case 'stop': {
      const { stopped } = await stopKafka({ dataDir, port });
      console.log(
        stopped ? `kafka stopped (${stopped} process${stopped > 1 ? 'es' : ''})` : 'kafka not running',
      );
      return 0;
    }
    case 'status': {
      const all = (await kafkaStatus({ dataDir, port })).filter((s) => s.pids.length);
      if (!all.length) console.log('kafka not running');
      for (const s of all) {
        const state = s.running
          ? 'running'
          : `NOT running (${s.alive.length}/${s.pids.length} processes alive)`;
        const where = `${s.bootstrapServers ?? '?'} (pids ${s.pids.join(' ')}, data ${relative(s.dataDir)})`;
        console.log(`kafka ${s.version ?? '?'} ${state} at ${where}`);
      }
      return all.length && all.every((s) => s.running) ? 0 : 3;
    }
    case 'run': {
      const k = await start();
      progress(`logs in ${relative(k.dataDir)}/node-*/server.log; Ctrl-C to stop`);
      // Stay in the foreground until a signal, or until a broker exits.
      const why = await new Promise((resolve) => {
        SIGNALS.forEach((sig) => process.on(sig, () => resolve(sig)));
        setInterval(() => {
          const dead = k.pids.filter((pid) => !isKafkaProcess(pid));
          if (dead.length)
            resolve(
              `broker process ${dead.join(', ')} exited (see ${relative(k.dataDir)}/node-*/server.log)`,
            );
        }, 1000);
      });
      progress(`${why}, stopping…`);
      await k.stop();
      console.log('kafka stopped');
      return why.startsWith('SIG') ? 0 : 1;
    }
    default:
      throw new KafkaToolError(`unknown command "${command}" (see --help)`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    async (err) => {
      if (interrupted) await interrupted; // exits 130 quietly
      if (!(err instanceof KafkaToolError || err?.code?.startsWith?.('ERR_PARSE_ARGS_'))) console.error(err);
      else console.error(`${err.details ? `${err.details.trimEnd()}\n` : ''}kafka: ${err.message}`);
      process.exit(1);
    },
  );
}
