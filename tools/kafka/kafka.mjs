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

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CACHE_DIR = path.join(HERE, '.cache');
const POM = path.join(HERE, 'pom.xml');
const HOST = '127.0.0.1';
const CONTROLLER_PORT_OFFSET = 10000; // broker port 9092 -> controller port 19092
const DEFAULT_PORT = 9092;
const RUN_MARKER = '.kafka-mjs-run'; // marks a data dir as ours, so we may wipe it
const MISSING_TOOL_HINT =
  'install OpenJDK 17 and Maven, or set KAFKA_BROKERS to a running broker (docker compose up kafka)';
// Tuned for start-up time, not throughput: this broker is for development and tests.
const JVM_FLAGS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/** A failure with a one-line, user-facing message (the CLI prints `kafka: <message>`). */
export class KafkaToolError extends Error {
  constructor(message, details) {
    super(message);
    this.name = 'KafkaToolError';
    this.details = details; // optional multi-line text (tool output, log tail)
  }
}

export const KAFKA_VERSION = fs.readFileSync(path.join(HERE, 'kafka-version.txt'), 'utf8').trim();
if (!/^\d+\.\d+\.\d+$/.test(KAFKA_VERSION)) {
  throw new KafkaToolError(`kafka-version.txt must hold a version like 3.9.1, got "${KAFKA_VERSION}"`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ code: -1, output: `${output}${err.message}\n` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function requireTool(name, command, args) {
  const r = spawnSync(command, args, { stdio: 'ignore' });
  if (r.error || r.status !== 0) throw new KafkaToolError(`${name} not found — ${MISSING_TOOL_HINT}`);
}

const javaCommand = () => (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java');

function requireJava() {
  const where = process.env.JAVA_HOME ? ` (JAVA_HOME=${process.env.JAVA_HOME})` : '';
  requireTool(`java${where}`, javaCommand(), ['-version']);
}

// --- fetch: resolve the broker jars from Maven Central into .cache/lib-<version>/ ---------------

export function libDir(version = KAFKA_VERSION) {
  return path.join(CACHE_DIR, `lib-${version}`);
}

// Written into the jars folder when complete: a change of pom.xml or of the version makes it stale.
const libFingerprint = () =>
  crypto.createHash('sha256').update(`${KAFKA_VERSION}\n`).update(fs.readFileSync(POM)).digest('hex');

function isLibComplete(dir) {
  try {
    return fs.readFileSync(path.join(dir, '.complete'), 'utf8').trim() === libFingerprint();
  } catch {
    return false;
  }
}

/**
 * Makes sure the jars for KAFKA_VERSION are in .cache/lib-<version>/ (runs Maven only when they are
 * not) and returns the folder. Safe for concurrent processes: Maven fills a private folder that is
 * then renamed into place.
 */
export async function fetchKafka({ log = () => {} } = {}) {
  const dir = libDir();
  if (isLibComplete(dir)) return dir;
  requireJava();
  requireTool('mvn', 'mvn', ['-v']);
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const args = ['-q', '-B', '-f', POM, `-Dkafka.version=${KAFKA_VERSION}`];
  args.push('dependency:copy-dependencies', `-DoutputDirectory=${tmp}`);
  log(`resolving org.apache.kafka:kafka_2.13:${KAFKA_VERSION} with Maven…`);
  try {
    const { code, output } = await run('mvn', args);
    if (code !== 0 || !fs.existsSync(path.join(tmp, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
      const message = `mvn could not resolve Kafka ${KAFKA_VERSION} jars (exit ${code}); command: mvn ${args.join(' ')}`;
      throw new KafkaToolError(message, output);
    }
    fs.writeFileSync(path.join(tmp, '.complete'), `${libFingerprint()}\n`);
    if (isLibComplete(dir)) return dir; // another process won the race
    fs.rmSync(dir, { recursive: true, force: true }); // stale or partial
    fs.renameSync(tmp, dir);
  } catch (err) {
    if (!isLibComplete(dir)) throw err; // else another process renamed its folder first
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

// --- Cluster layout and configuration -----------------------------------------------------------

export function defaultDataDir(port = DEFAULT_PORT) {
  return path.join(CACHE_DIR, `run-${port}`);
}

/** `NAME:PROTOCOL:PORT_OFFSET` (the CLI's --listener) as { name, protocol, portOffset }. */
function parseListener(spec) {
  const match = /^([A-Z][A-Z0-9_]*):(SSL|SASL_SSL|SASL_PLAINTEXT):(\d+)$/.exec(spec);
  if (!match || ['PLAINTEXT', 'CONTROLLER'].includes(match[1]) || Number(match[3]) < 10)
    throw new KafkaToolError(
      `--listener must be NAME:SSL|SASL_SSL|SASL_PLAINTEXT:OFFSET (>= 10), got "${spec}"`,
    );
  return { name: match[1], protocol: match[2], portOffset: Number(match[3]) };
}

function clusterLayout({ brokers, port, dataDir, listeners = [] }) {
  if (![1, 3].includes(brokers)) throw new KafkaToolError(`--brokers must be 1 or 3, got ${brokers}`);
  const maxPort = 65535 - CONTROLLER_PORT_OFFSET - brokers;
  if (!Number.isInteger(port) || port < 1024 || port > maxPort) {
    throw new KafkaToolError(`--port must be an integer in 1024..${maxPort}, got ${port}`);
  }
  const nodes = Array.from({ length: brokers }, (_, i) => ({
    id: i + 1,
    port: port + i,
    controllerPort: port + CONTROLLER_PORT_OFFSET + i,
    extraPorts: listeners.map((l) => ({ ...l, port: port + l.portOffset + i })),
    dir: path.join(dataDir, `node-${i + 1}`),
  }));
  const bootstrapServers = nodes.map((n) => `${HOST}:${n.port}`).join(',');
  return { brokers, port, dataDir, nodes, bootstrapServers };
}

function serverProperties({ brokers, nodes }, node, extra = {}) {
  const rf = Math.min(3, brokers);
  const extraListeners = node.extraPorts.map((l) => `,${l.name}://${HOST}:${l.port}`).join('');
  const props = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': nodes.map((x) => `${x.id}@${HOST}:${x.controllerPort}`).join(','),
    listeners: `PLAINTEXT://${HOST}:${node.port},CONTROLLER://${HOST}:${node.controllerPort}${extraListeners}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${node.port}${extraListeners}`,
    'listener.security.protocol.map': [
      'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      ...node.extraPorts.map((l) => `${l.name}:${l.protocol}`),
    ].join(','),
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': path.join(node.dir, 'data'),
    'auto.create.topics.enable': false,
    'num.partitions': 3,
    'default.replication.factor': rf,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': brokers === 1 ? 1 : 2,
    'group.initial.rebalance.delay.ms': 0,
    'num.recovery.threads.per.data.dir': 1,
    ...extra, // the caller's (TLS, SASL) win
  };
  const lines = Object.entries(props).map(([k, v]) => `${k}=${String(v).replaceAll('\\', '\\\\')}`);
  return `# Written by tools/kafka/kafka.mjs on every start.\n${lines.join('\n')}\n`;
}

function log4jProperties() {
  const level = (process.env.KAFKA_LOG_LEVEL || 'INFO').toUpperCase();
  // ${kafka.logs.dir} is a system property set per node; log4j 1.x substitutes it.
  return `# Written by tools/kafka/kafka.mjs. Each node logs to <data-dir>/node-<id>/server.log.
log4j.rootLogger=${level}, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=\${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
log4j.logger.kafka.coordinator=WARN
log4j.logger.org.apache.kafka.coordinator=WARN
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
`;
}

// --- Processes and stop -------------------------------------------------------------------------

const pidsFile = (dataDir) => path.join(dataDir, 'pids');

function readPids(dataDir) {
  try {
    return fs.readFileSync(pidsFile(dataDir), 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function readClusterInfo(dataDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, 'cluster.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** True if pid is alive and still a Kafka broker (a zombie or a recycled pid is not). */
function isKafkaProcess(pid) {
  const r = spawnSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('kafka.Kafka');
}

/** Sends sig to pids, then waits until they exit: at most timeoutMs, or graceMs once a minority is left. */
async function waitForExit(pids, sig, timeoutMs, graceMs = timeoutMs) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
  let deadline = Date.now() + timeoutMs;
  let alive = pids;
  while ((alive = alive.filter(isKafkaProcess)).length && Date.now() < deadline) {
    if (alive.length * 2 < pids.length) deadline = Math.min(deadline, Date.now() + graceMs);
    await sleep(100);
  }
  return alive;
}

/** Stops the brokers recorded in one data dir, keeping the data. Returns how many were running. */
async function stopDataDir(dataDir, timeoutMs = 30_000) {
  const pids = readPids(dataDir).filter(isKafkaProcess);
  // All nodes at once: each broker asks the (still running) controllers for a controlled shutdown.
  // Once most nodes are gone, the last Raft leader waits 5 s for a successor, then exits. But a
  // broker still waiting for its approval does not exit: no quorum is left to give it. Hence a
  // grace period, then SIGKILL.
  const grace = Math.min(timeoutMs, 8000);
  let left = await waitForExit(pids, 'SIGTERM', timeoutMs, grace);
  if (left.length) left = await waitForExit(left, 'SIGKILL', 10_000);
  if (left.length) throw new KafkaToolError(`could not stop Kafka pid(s) ${left.join(', ')} in ${dataDir}`);
  fs.rmSync(pidsFile(dataDir), { force: true });
  return pids.length;
}

/** The data dirs a command applies to: one, or every one of ours under .cache/. */
function dataDirs({ dataDir, port }) {
  if (dataDir || port) return [path.resolve(dataDir ?? defaultDataDir(port))];
  const all = fs.existsSync(CACHE_DIR) ? fs.readdirSync(CACHE_DIR).map((d) => path.join(CACHE_DIR, d)) : [];
  return all.filter((d) => fs.existsSync(path.join(d, RUN_MARKER)));
}

/**
 * Stops Kafka, keeping its data: the cluster in dataDir (or in the default data dir of port), or
 * with neither, every cluster whose data dir is under tools/kafka/.cache/. Idempotent.
 * @returns {Promise<{stopped: number}>} number of broker processes that were running
 */
export async function stopKafka({ dataDir, port, timeoutMs } = {}) {
  let stopped = 0;
  for (const dir of dataDirs({ dataDir, port })) stopped += await stopDataDir(dir, timeoutMs);
  return { stopped };
}

// --- start --------------------------------------------------------------------------------------

function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err) => {
      const hint = '(another Kafka? try `node tools/kafka/kafka.mjs stop`, or use --port)';
      const busy = err.code === 'EADDRINUSE';
      reject(
        new KafkaToolError(
          busy ? `port ${port} is already in use ${hint}` : `cannot use port ${port}: ${err}`,
        ),
      );
    });
    srv.listen(port, HOST, () => srv.close(() => resolve()));
  });
}

/** cluster.json of the cluster this script formatted in dataDir, if its storage is intact. */
function formattedCluster(dataDir) {
  const info = readClusterInfo(dataDir);
  const formatted = (n) => fs.existsSync(path.join(dataDir, `node-${n.id}`, 'data', 'meta.properties'));
  const ours = info?.version === KAFKA_VERSION && fs.existsSync(path.join(dataDir, RUN_MARKER));
  return ours && info.nodes?.length === info.brokers && info.nodes.every(formatted) ? info : undefined;
}

function tail(file) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts Kafka and resolves once a client can produce and consume (see waitForKafka). The data
 * dir is wiped and formatted, unless keepData is set and it holds a cluster this script formatted:
 * then its nodes start again on their ports, with their topics, messages and committed offsets
 * (brokers and port default to that cluster's). The broker JVMs are detached: they outlive this
 * process until stop()/stopKafka()/`kafka.mjs stop`.
 *
 * @param {{brokers?: 1|3, port?: number, dataDir?: string, keepData?: boolean, timeoutMs?: number,
 *   log?: (line: string) => void}} [options]
 * @returns {Promise<{bootstrapServers: string, brokers: string[], dataDir: string, pids: number[],
 *   version: string, readyMs: number, stop: () => Promise<void>}>}
 */
export async function startKafka({
  brokers,
  port,
  dataDir,
  keepData,
  timeoutMs,
  listeners,
  properties,
  scram = [],
  log = () => {},
} = {}) {
  const t0 = Date.now();
  dataDir = path.resolve(dataDir ?? defaultDataDir(port ?? DEFAULT_PORT));
  const kept = keepData ? formattedCluster(dataDir) : undefined;
  if (kept && ((brokers && Number(brokers) !== kept.brokers) || (port && Number(port) !== kept.port))) {
    const what = `${kept.brokers}-broker cluster on port ${kept.port}`;
    throw new KafkaToolError(`${dataDir} holds a ${what}: start it with those, or without --keep-data`);
  }
  brokers = Number(kept?.brokers ?? brokers ?? 1);
  // A kept cluster restarts with the listeners and properties it was started with.
  listeners = (listeners ?? kept?.listeners ?? []).map((l) => (typeof l === 'string' ? parseListener(l) : l));
  properties ??= kept?.properties ?? {};
  const layout = clusterLayout({
    brokers,
    port: Number(kept?.port ?? port ?? DEFAULT_PORT),
    dataDir,
    listeners,
  });
  requireJava();
  loadKafkajs(); // before starting anything: readiness needs it
  const lib = await fetchKafka({ log });
  await stopDataDir(dataDir); // a previous run in the same data dir
  for (const node of layout.nodes) {
    await assertPortFree(node.port);
    await assertPortFree(node.controllerPort);
    for (const extra of node.extraPorts) await assertPortFree(extra.port);
  }

  if (kept) {
    log(`restarting the cluster in ${dataDir} with its data`);
  } else {
    if (keepData) log(`no cluster to keep in ${dataDir}, starting a fresh one`);
    const entries = fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : [];
    if (entries.length && !entries.includes(RUN_MARKER)) {
      throw new KafkaToolError(`refusing to wipe ${dataDir}: not empty and not a kafka.mjs data dir`);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(dataDir, RUN_MARKER),
      'Data dir of tools/kafka/kafka.mjs: wiped on start, unless --keep-data.\n',
    );
  }
  const log4jFile = path.join(dataDir, 'log4j.properties');
  fs.writeFileSync(log4jFile, log4jProperties());
  const java = (node, mainClass, ...args) => [
    ...JVM_FLAGS,
    ...(process.env.KAFKA_JVM_OPTS ?? '').split(/\s+/).filter(Boolean), // after ours, so they win
    `-Dlog4j.configuration=${pathToFileURL(log4jFile)}`,
    `-Dkafka.logs.dir=${node.dir}`,
    '-cp',
    path.join(lib, '*'),
    mainClass,
    ...args,
  ];
  for (const node of layout.nodes) {
    node.props = path.join(node.dir, 'server.properties');
    fs.mkdirSync(node.dir, { recursive: true });
    fs.writeFileSync(node.props, serverProperties(layout, node, properties));
  }

  let clusterId = kept?.clusterId;
  if (!clusterId) {
    // 16 random bytes in base64url, like Kafka's Uuid, which also avoids a leading '-' (an option).
    do clusterId = crypto.randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-'));
    // SCRAM users exist from the first start: KRaft stores them in the metadata log.
    const scramArgs = scram.flatMap((spec) => ['--add-scram', spec]);
    const format = (node) =>
      run(
        javaCommand(),
        java(node, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', node.props, ...scramArgs),
      );
    for (const [i, { code, output }] of (await Promise.all(layout.nodes.map(format))).entries()) {
      if (code) throw new KafkaToolError(`formatting storage of node ${i + 1} failed (exit ${code})`, output);
    }
  }

  let exited; // set when a node exits while starting, so that the wait ends early
  for (const node of layout.nodes) {
    const out = fs.openSync(path.join(node.dir, 'stdout.log'), 'w'); // JVM errors; Kafka logs to server.log
    const options = { detached: true, stdio: ['ignore', out, out] };
    const child = spawn(javaCommand(), java(node, 'kafka.Kafka', node.props), options);
    fs.closeSync(out);
    child.on('error', (err) => (exited ??= { node, reason: err.message }));
    child.on('exit', (code, sig) => (exited ??= { node, reason: `exited with ${sig ?? `code ${code}`}` }));
    child.unref();
    node.pid = child.pid;
    fs.appendFileSync(pidsFile(dataDir), `${child.pid}\n`);
  }
  const { bootstrapServers, nodes } = layout;
  const info = {
    version: KAFKA_VERSION,
    clusterId,
    brokers,
    port: layout.port,
    bootstrapServers,
    nodes: nodes.map((n) => ({ id: n.id, port: n.port, controllerPort: n.controllerPort, pid: n.pid })),
    listeners,
    properties,
    startedAt: new Date(t0).toISOString(),
  };
  fs.writeFileSync(path.join(dataDir, 'cluster.json'), `${JSON.stringify(info, null, 2)}\n`);

  const abort = () => {
    if (!exited) return undefined;
    const { node, reason } = exited;
    const serverLog = path.join(node.dir, 'server.log');
    const message = `Kafka node ${node.id} ${reason} while starting (log: ${serverLog})`;
    return new KafkaToolError(message, tail(path.join(node.dir, 'stdout.log')) || tail(serverLog));
  };
  try {
    timeoutMs ??= Number(process.env.KAFKA_START_TIMEOUT_MS || 120_000);
    await waitForKafka({ bootstrapServers, brokers, timeoutMs, abort });
  } catch (err) {
    await stopDataDir(dataDir).catch(() => {});
    err.details ||= tail(path.join(nodes[0].dir, 'server.log'));
    throw err;
  }
  return {
    bootstrapServers,
    brokers: bootstrapServers.split(','),
    dataDir,
    pids: nodes.map((n) => n.pid),
    version: KAFKA_VERSION,
    readyMs: Date.now() - t0,
    stop: async () => {
      await stopDataDir(dataDir);
    },
  };
}

// --- Readiness, checked with kafkajs ------------------------------------------------------------

const PROBE_DEBUG = process.env.KAFKA_PROBE_DEBUG === '1';

let kafkajs;
function loadKafkajs() {
  try {
    kafkajs ??= createRequire(import.meta.url)('kafkajs'); // lazily: fetch, stop and status work without it
  } catch (err) {
    throw err.code === 'MODULE_NOT_FOUND'
      ? new KafkaToolError('kafkajs not installed — run npm ci first')
      : err;
  }
  return kafkajs;
}

/** A kafkajs client that gives up early (its callers retry) and is silent unless KAFKA_PROBE_DEBUG=1. */
function kafkaClient(brokers, { retries = 5, requestTimeout = 10_000 } = {}) {
  const { Kafka, logLevel } = loadKafkajs();
  return new Kafka({
    clientId: 'kafka-mjs',
    brokers,
    logLevel: PROBE_DEBUG ? logLevel.INFO : logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

const serverList = (s) =>
  (Array.isArray(s) ? s : String(s ?? '').split(',')).map((x) => x.trim()).filter(Boolean);

/**
 * Runs fn(admin, server) with an admin client bootstrapped from each server alone. A fresh client
 * sends its first metadata request to that server, so a broker whose metadata lags the controller
 * is noticed (a shared client would ask any one broker).
 */
function everyNode(servers, fn) {
  return Promise.all(
    servers.map(async (server) => {
      const admin = kafkaClient([server], { retries: 0, requestTimeout: 5000 }).admin();
      try {
        await admin.connect();
        return await fn(admin, server);
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }),
  );
}

/** Throws unless every server lists each topic with a leader for every partition. */
function assertTopicsLed(servers, topics) {
  return everyNode(servers, async (admin, server) => {
    const { topics: found } = await admin.fetchTopicMetadata({ topics });
    const bad = found.find((t) => !t.partitions.length || t.partitions.some((p) => p.leader < 0));
    if (bad) throw new Error(`${server}: ${bad.name} has partitions without a leader`);
  });
}

/** Calls check(msLeft) until it resolves, every 50 ms for at most timeoutMs; a KafkaToolError ends it. */
async function retryUntil(what, timeoutMs, check, { abort, debug = () => {} } = {}) {
  const deadline = Date.now() + timeoutMs;
  let reason = 'not tried';
  for (;;) {
    const stop = abort?.();
    if (stop) throw stop;
    try {
      return await check(deadline - Date.now());
    } catch (err) {
      if (err instanceof KafkaToolError) throw err;
      if (err.message !== reason) debug(err.message);
      reason = err.message;
    }
    if (Date.now() + 50 >= deadline)
      throw new KafkaToolError(`${what} not ready after ${timeoutMs} ms: ${reason}`);
    await sleep(50);
  }
}

/**
 * One readiness attempt, abandoned after timeoutMs: its clients are then disconnected, and it may
 * not open new ones. Each step is safe to repeat in the next attempt (the topic may exist already).
 */
async function probeOnce({ servers, expected, topic, group, timeoutMs, debug }) {
  const kafka = kafkaClient(servers, { requestTimeout: timeoutMs });
  const clients = [];
  let abandoned = false;
  const open = async (client) => {
    if (abandoned) throw new Error('probe attempt abandoned');
    clients.push(client);
    await client.connect();
    return client;
  };

  const attempt = async () => {
    // 1. Every node answers and lists every broker as registered.
    await everyNode(servers, async (admin, server) => {
      const { brokers } = await admin.describeCluster();
      if (brokers.length !== expected)
        throw new Error(`${server}: ${brokers.length}/${expected} brokers registered`);
    });
    debug('brokers registered');
    // 2. A topic with one partition per broker, on every broker. kafkajs' waitForLeaders fails
    //    spuriously with 3 brokers (see waitForTopics), so poll the metadata instead. Meanwhile an
    //    idempotent producer connects: it needs a producer id, which a broker hands out only once
    //    it got a block of them from the controller. And asking for the probe group makes the
    //    broker create __consumer_offsets (on a fresh cluster) and load the group coordinator.
    const admin = await open(kafka.admin());
    const topics = [{ topic, numPartitions: expected, replicationFactor: expected }];
    const abort = () => abandoned && new Error('probe attempt abandoned'); // ends the polling below
    const [producer] = await Promise.all([
      open(kafka.producer({ idempotent: true, maxInFlightRequests: 1 })),
      admin.describeGroups([group]).catch(() => {}),
      admin
        .createTopics({ topics, waitForLeaders: false })
        .then(() => retryUntil('probe topic', Infinity, () => assertTopicsLed(servers, [topic]), { abort })),
    ]);
    debug('probe topic led, producer id received');
    // 3. The producer writes to every partition with acks=all while a consumer group joins (so the
    //    group coordinator is loaded), reads the records back and commits. Short fetches, because
    //    disconnect waits for the one in flight (up to maxWaitTimeInMs, 5 s by default).
    const consumer = await open(kafka.consumer({ groupId: group, maxWaitTimeInMs: 20 }));
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const nonce = crypto.randomBytes(4).toString('hex');
    const messages = Array.from({ length: expected }, (_, p) => ({ partition: p, value: `${nonce}-${p}` }));
    const [offsets] = await Promise.all([
      new Promise((resolve, reject) => {
        const seen = new Map();
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
        const eachMessage = async ({ partition, message }) => {
          if (message.value?.toString() !== `${nonce}-${partition}`) return; // an earlier attempt's
          seen.set(partition, { topic, partition, offset: String(Number(message.offset) + 1) });
          if (seen.size === expected) resolve([...seen.values()]);
        };
        consumer.run({ autoCommit: false, eachMessage }).catch(reject);
      }),
      producer.send({ topic, acks: -1, messages }).then(() => debug('produced')),
    ]);
    await consumer.commitOffsets(offsets);
    debug('consumed and committed');
    // 4. Best-effort clean-up, so that tests listing topics or groups do not see the probe.
    await consumer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.deleteGroups([group]).catch(() => {});
  };

  let timer;
  const pending = attempt();
  pending.catch(() => {}); // it may still fail after being abandoned
  try {
    await Promise.race([
      pending,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`probe did not finish within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    abandoned = true;
    clearTimeout(timer);
    await Promise.all(clients.map((c) => c.disconnect().catch(() => {})));
  }
}

/**
 * Resolves once a Kafka client can use the cluster: every node answers, `brokers` brokers are
 * registered, a probe topic (a partition per broker, replicated on all) can be created, an
 * idempotent producer can write to every partition with acks=all, and a consumer group can read
 * the records back and commit. The probe topic and group are deleted afterwards. Attempts (each
 * bounded) repeat until timeoutMs: no fixed sleeps.
 *
 * @param {{bootstrapServers: string | string[], brokers?: number, timeoutMs?: number,
 *   abort?: () => Error | undefined}} options abort: polled between attempts; a returned error ends the wait
 */
export async function waitForKafka({ bootstrapServers, brokers, timeoutMs = 60_000, abort } = {}) {
  const servers = serverList(bootstrapServers);
  if (!servers.length) throw new KafkaToolError('waitForKafka: no bootstrap servers');
  const t0 = Date.now();
  const debug = PROBE_DEBUG ? (m) => console.error(`kafka: +${Date.now() - t0} ms ${m}`) : () => {};
  // A new name for every probe: a cluster restarted with its data may hold an interrupted probe's topic.
  const topic = `_kafka-mjs-ready-${crypto.randomBytes(6).toString('hex')}`;
  const probe = { servers, expected: brokers ?? servers.length, topic, group: `${topic}-group`, debug };
  const attempt = (left) => probeOnce({ ...probe, timeoutMs: Math.max(1000, Math.min(15_000, left)) });
  await retryUntil(`Kafka at ${servers.join(',')}`, timeoutMs, attempt, { abort, debug });
  debug('ready');
}

/**
 * Resolves once EVERY broker's metadata shows each topic with all partitions led. Use it after
 * creating topics in tests: in a multi-broker KRaft cluster a broker's metadata cache can lag the
 * controller, and kafkajs' createTopics({ waitForLeaders: true }) then fails with "This server
 * does not host this topic-partition". So: createTopics({ ..., waitForLeaders: false }), then
 * waitForTopics({ bootstrapServers, topics }).
 *
 * @param {{bootstrapServers: string | string[], topics: string[], timeoutMs?: number}} options
 */
export async function waitForTopics({ bootstrapServers, topics, timeoutMs = 30_000 } = {}) {
  const first = serverList(bootstrapServers).slice(0, 1);
  await retryUntil(`topics ${topics.join(', ')}`, timeoutMs, async () => {
    const [{ brokers }] = await everyNode(first, (admin) => admin.describeCluster());
    await assertTopicsLed(
      brokers.map((b) => `${b.host}:${b.port}`),
      topics,
    );
  });
}

/** @returns {Promise<Array<{dataDir: string, bootstrapServers?: string, version?: string, brokers?: number, pids: number[], alive: number[], running: boolean}>>} */
export async function kafkaStatus({ dataDir, port } = {}) {
  return dataDirs({ dataDir, port }).map((dir) => {
    const { bootstrapServers, version, brokers } = readClusterInfo(dir) ?? {};
    const pids = readPids(dir);
    const alive = pids.filter(isKafkaProcess);
    const running = pids.length > 0 && alive.length === pids.length;
    return { dataDir: dir, bootstrapServers, version, brokers, pids, alive, running };
  });
}

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
