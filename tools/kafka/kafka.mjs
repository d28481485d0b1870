#!/usr/bin/env node
// Runs the real Apache Kafka broker (KRaft mode) from its Maven Central jars, for local
// development and tests. No Docker, no npm dependencies: only node: built-ins, a JDK and Maven.
//
//   node tools/kafka/kafka.mjs fetch
//   node tools/kafka/kafka.mjs start  [--brokers 1|3] [--port 9092] [--data-dir DIR] [--timeout SECONDS]
//   node tools/kafka/kafka.mjs stop   [--port 9092 | --data-dir DIR]   (no option: every cluster under .cache/)
//   node tools/kafka/kafka.mjs status [--port 9092 | --data-dir DIR]
//   node tools/kafka/kafka.mjs run    [--brokers 1|3] [--port 9092] [--data-dir DIR]  (foreground; Ctrl-C stops)
//
// From Node (e.g. a test harness):
//   const { startKafka, waitForTopics } = await import('../../tools/kafka/kafka.mjs');
//   const kafka = await startKafka({ brokers: 1, port: 9092 });
//   // kafka.bootstrapServers === '127.0.0.1:9092' (comma-separated for 3 brokers), kafka.brokers is the array
//   await admin.createTopics({ topics, waitForLeaders: false }); // kafkajs + multi-broker KRaft: see waitForTopics
//   await waitForTopics({ bootstrapServers: kafka.bootstrapServers, topics: ['orders'] });
//   await kafka.stop();
//
// The Kafka version is written once, in kafka-version.txt next to this file.
// See docs/adr/0002-local-kafka-from-maven.md.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
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
const STOP_TIMEOUT_MS = 30_000;
const MARKER = '.complete';
const RUN_MARKER = '.kafka-mjs-run'; // marks a data dir as ours, so we may wipe it

/** A failure with a one-line, user-facing message (the CLI prints `kafka: <message>`). */
export class KafkaToolError extends Error {
  constructor(message, details) {
    super(message);
    this.name = 'KafkaToolError';
    this.details = details; // optional multi-line text (tool output, log tail)
  }
}

export const KAFKA_VERSION = readKafkaVersion();
const SCALA_VERSION = '2.13';

const MISSING_TOOL_HINT =
  'install OpenJDK 17 and Maven, or set KAFKA_BROKERS to a running broker (docker compose up kafka)';

// JVM flags tuned for start-up time, not throughput: this broker is for development and tests.
const JVM_FLAGS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

function readKafkaVersion() {
  const file = path.join(HERE, 'kafka-version.txt');
  const version = fs.readFileSync(file, 'utf8').trim();
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new KafkaToolError(`${file} must contain a Kafka version like 3.9.1, got "${version}"`);
  }
  return version;
}

// ---------------------------------------------------------------------------------------------
// Tools: java and mvn
// ---------------------------------------------------------------------------------------------

function javaCommand() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

let javaChecked = false;
function requireJava() {
  if (javaChecked) return;
  const java = javaCommand();
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const where = process.env.JAVA_HOME ? ` (JAVA_HOME=${process.env.JAVA_HOME})` : '';
    throw new KafkaToolError(`java not found${where} — ${MISSING_TOOL_HINT}`);
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (major < 11) {
    throw new KafkaToolError(`java ${major} is too old for Kafka ${KAFKA_VERSION} — ${MISSING_TOOL_HINT}`);
  }
  javaChecked = true;
}

function mavenCommand() {
  return process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
}

function requireMaven() {
  const r = spawnSync(mavenCommand(), ['-v'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (r.error || r.status !== 0) {
    throw new KafkaToolError(`mvn not found — ${MISSING_TOOL_HINT}`);
  }
}

// ---------------------------------------------------------------------------------------------
// fetch: resolve the broker jars from Maven Central into .cache/lib-<version>/
// ---------------------------------------------------------------------------------------------

export function libDir(version = KAFKA_VERSION) {
  return path.join(CACHE_DIR, `lib-${version}`);
}

function libFingerprint() {
  // A change of pom.xml (or of the version) makes the cached folder stale.
  return crypto.createHash('sha256').update(`${KAFKA_VERSION}\n`).update(fs.readFileSync(POM)).digest('hex');
}

function isLibComplete(dir) {
  try {
    return fs.readFileSync(path.join(dir, MARKER), 'utf8').trim() === libFingerprint();
  } catch {
    return false;
  }
}

/**
 * Makes sure the jars for KAFKA_VERSION are in .cache/lib-<version>/ (runs Maven only when they
 * are not). Idempotent and safe to call from concurrent processes. Returns the folder.
 */
export async function fetchKafka({ log = () => {} } = {}) {
  const dir = libDir();
  if (isLibComplete(dir)) return dir;
  requireJava();
  requireMaven();
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  log(`resolving org.apache.kafka:kafka_${SCALA_VERSION}:${KAFKA_VERSION} with Maven…`);
  const args = [
    '-q',
    '-B',
    '-f',
    POM,
    `-Dkafka.version=${KAFKA_VERSION}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${tmp}`,
  ];
  try {
    const { code, output } = await runCapture(mavenCommand(), args, { shell: process.platform === 'win32' });
    const mainJar = path.join(tmp, `kafka_${SCALA_VERSION}-${KAFKA_VERSION}.jar`);
    if (code !== 0 || !fs.existsSync(mainJar)) {
      throw new KafkaToolError(
        `mvn could not resolve Kafka ${KAFKA_VERSION} jars (exit ${code}); command: mvn ${args.join(' ')}`,
        output,
      );
    }
    fs.writeFileSync(path.join(tmp, MARKER), `${libFingerprint()}\n`);
    if (fs.existsSync(dir)) {
      if (isLibComplete(dir)) return dir; // another process won the race
      fs.rmSync(dir, { recursive: true, force: true }); // stale (pom.xml changed) or partial
    }
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      if (!isLibComplete(dir)) throw err;
    }
    return dir;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function runCapture(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ code: -1, output: `${output}${err.message}\n` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

// ---------------------------------------------------------------------------------------------
// Cluster layout and configuration
// ---------------------------------------------------------------------------------------------

export function defaultDataDir(port = DEFAULT_PORT) {
  return path.join(CACHE_DIR, `run-${port}`);
}

function clusterLayout({ brokers, port, dataDir }) {
  if (![1, 3].includes(brokers)) throw new KafkaToolError(`--brokers must be 1 or 3, got ${brokers}`);
  if (!Number.isInteger(port) || port < 1024 || port + CONTROLLER_PORT_OFFSET + brokers > 65535) {
    throw new KafkaToolError(
      `--port must be an integer in 1024..${65535 - CONTROLLER_PORT_OFFSET - brokers}, got ${port}`,
    );
  }
  const nodes = [];
  for (let i = 0; i < brokers; i++) {
    const id = i + 1;
    nodes.push({
      id,
      port: port + i,
      controllerPort: port + CONTROLLER_PORT_OFFSET + i,
      dir: path.join(dataDir, `node-${id}`),
    });
  }
  return {
    brokers,
    port,
    dataDir,
    nodes,
    bootstrapServers: nodes.map((n) => `${HOST}:${n.port}`).join(','),
  };
}

function serverProperties(layout, node) {
  const n = layout.brokers;
  const rf = Math.min(3, n);
  const voters = layout.nodes.map((x) => `${x.id}@${HOST}:${x.controllerPort}`).join(',');
  const props = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://${HOST}:${node.port},CONTROLLER://${HOST}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${node.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': path.join(node.dir, 'data'),
    'auto.create.topics.enable': 'false',
    'num.partitions': 3,
    'default.replication.factor': rf,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': n === 1 ? 1 : 2,
    'group.initial.rebalance.delay.ms': 0,
    'num.recovery.threads.per.data.dir': 1,
  };
  return (
    `# Written by tools/kafka/kafka.mjs for Kafka ${KAFKA_VERSION}; regenerated on every start.\n` +
    Object.entries(props)
      .map(([k, v]) => `${k}=${String(v).replaceAll('\\', '\\\\')}`)
      .join('\n') +
    '\n'
  );
}

function log4jProperties() {
  const level = (process.env.KAFKA_LOG_LEVEL || 'INFO').toUpperCase();
  // ${kafka.logs.dir} is a system property set per node; log4j 1.x substitutes it.
  return `# Written by tools/kafka/kafka.mjs. Each node logs to <data-dir>/node-<id>/server.log.
log4j.rootLogger=${level}, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=\${kafka.logs.dir}/server.log
log4j.appender.file.Append=true
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

/** Kafka's cluster id: a random 16-byte UUID in unpadded base64url (what StorageTool random-uuid prints). */
function randomClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // Kafka's Uuid.randomUuid() avoids a leading '-' too
  }
}

// ---------------------------------------------------------------------------------------------
// Processes and the pids file
// ---------------------------------------------------------------------------------------------

function pidsFile(dataDir) {
  return path.join(dataDir, 'pids');
}

function readPids(dataDir) {
  try {
    return fs
      .readFileSync(pidsFile(dataDir), 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter((p) => Number.isInteger(p) && p > 0);
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

/** True if pid is alive (zombies count as dead) and, where we can tell, still a Kafka broker. */
function isKafkaProcess(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') return false;
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes('kafka.Kafka');
    } catch {
      return false;
    }
  }
  const r = spawnSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('kafka.Kafka');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForExit(pids, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isKafkaProcess);
  while (alive.length && Date.now() < deadline) {
    await sleep(100);
    alive = alive.filter(isKafkaProcess);
  }
  return alive;
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Stops the brokers recorded in one data dir. Idempotent. Returns how many processes were stopped. */
async function stopDataDir(dataDir, { timeoutMs = STOP_TIMEOUT_MS } = {}) {
  const pids = readPids(dataDir).filter(isKafkaProcess);
  // All nodes at once: brokers then ask the (still running) controllers for controlled shutdown.
  for (const pid of pids) signal(pid, 'SIGTERM');
  let left = await waitForExit(pids, timeoutMs);
  if (left.length) {
    for (const pid of left) signal(pid, 'SIGKILL');
    left = await waitForExit(left, 10_000);
  }
  if (left.length) throw new KafkaToolError(`could not stop Kafka pid(s) ${left.join(', ')} in ${dataDir}`);
  fs.rmSync(pidsFile(dataDir), { force: true });
  return pids.length;
}

function runDirs() {
  try {
    // Every data dir under .cache/ (default run-<port>/ and custom ones placed there).
    return fs
      .readdirSync(CACHE_DIR)
      .map((d) => path.join(CACHE_DIR, d))
      .filter((d) => fs.existsSync(path.join(d, RUN_MARKER)));
  } catch {
    return [];
  }
}

/**
 * Stops Kafka. With dataDir (or port: the default data dir for that port) stops that cluster;
 * with neither, stops every cluster whose data dir is under tools/kafka/.cache/. Idempotent.
 * @returns {Promise<{stopped: number}>} number of broker processes that were running
 */
export async function stopKafka({ dataDir, port, timeoutMs } = {}) {
  const dirs = dataDir ? [path.resolve(dataDir)] : port ? [defaultDataDir(port)] : runDirs();
  let stopped = 0;
  for (const dir of dirs) stopped += await stopDataDir(dir, { timeoutMs });
  return { stopped };
}

// ---------------------------------------------------------------------------------------------
// start
// ---------------------------------------------------------------------------------------------

function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err) =>
      reject(
        new KafkaToolError(
          err.code === 'EADDRINUSE'
            ? `port ${port} is already in use (another Kafka? try \`node tools/kafka/kafka.mjs stop\`, or use --port)`
            : `cannot use port ${port}: ${err.message}`,
        ),
      ),
    );
    srv.listen(port, HOST, () => srv.close(() => resolve()));
  });
}

function prepareDataDir(dataDir) {
  if (fs.existsSync(dataDir)) {
    const entries = fs.readdirSync(dataDir);
    if (entries.length && !entries.includes(RUN_MARKER)) {
      throw new KafkaToolError(`refusing to wipe ${dataDir}: not empty and not a kafka.mjs data dir`);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    path.join(dataDir, RUN_MARKER),
    'Data dir of tools/kafka/kafka.mjs: wiped on every start.\n',
  );
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function javaArgs(lib, extra, mainClass, args) {
  const user = (process.env.KAFKA_JVM_OPTS ?? '').split(/\s+/).filter(Boolean); // later flags win
  return [...JVM_FLAGS, ...user, ...extra, '-cp', path.join(lib, '*'), mainClass, ...args];
}

async function formatStorage(lib, layout, clusterId, log4jFile) {
  // One StorageTool JVM per node, in parallel.
  await Promise.all(
    layout.nodes.map(async (node) => {
      const props = path.join(node.dir, 'server.properties');
      const args = javaArgs(
        lib,
        [`-Dlog4j.configuration=${pathToFileURL(log4jFile)}`, `-Dkafka.logs.dir=${node.dir}`],
        'kafka.tools.StorageTool',
        ['format', '-t', clusterId, '-c', props],
      );
      const { code, output } = await runCapture(javaCommand(), args);
      if (code !== 0) {
        throw new KafkaToolError(`formatting storage of node ${node.id} failed (exit ${code})`, output);
      }
    }),
  );
}

/**
 * Starts a fresh Kafka cluster (data dir wiped) and resolves once a client can produce and
 * consume (see waitForKafka). The broker JVMs are detached: they outlive this process until
 * stop()/stopKafka()/`kafka.mjs stop`.
 *
 * @param {{brokers?: 1|3, port?: number, dataDir?: string, timeoutMs?: number, log?: (line: string) => void}} [options]
 * @returns {Promise<{bootstrapServers: string, brokers: string[], dataDir: string, pids: number[],
 *   version: string, readyMs: number, stop: () => Promise<void>}>}
 */
export async function startKafka({
  brokers = 1,
  port = DEFAULT_PORT,
  dataDir,
  timeoutMs,
  log = () => {},
} = {}) {
  const t0 = Date.now();
  dataDir = path.resolve(dataDir ?? defaultDataDir(port));
  const layout = clusterLayout({ brokers: Number(brokers), port: Number(port), dataDir });
  requireJava();
  const lib = await fetchKafka({ log });

  await stopDataDir(dataDir); // a previous run in the same data dir
  for (const node of layout.nodes) {
    await assertPortFree(node.port);
    await assertPortFree(node.controllerPort);
  }
  prepareDataDir(dataDir);

  const log4jFile = path.join(dataDir, 'log4j.properties');
  fs.writeFileSync(log4jFile, log4jProperties());
  for (const node of layout.nodes) {
    fs.mkdirSync(node.dir, { recursive: true });
    fs.writeFileSync(path.join(node.dir, 'server.properties'), serverProperties(layout, node));
  }
  const clusterId = randomClusterId();
  await formatStorage(lib, layout, clusterId, log4jFile);

  let exited; // first unexpected exit while starting
  for (const node of layout.nodes) {
    const out = fs.openSync(path.join(node.dir, 'stdout.log'), 'a');
    const args = javaArgs(
      lib,
      [`-Dlog4j.configuration=${pathToFileURL(log4jFile)}`, `-Dkafka.logs.dir=${node.dir}`],
      'kafka.Kafka',
      [path.join(node.dir, 'server.properties')],
    );
    const child = spawn(javaCommand(), args, { detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.on('error', (err) => (exited ??= { node, reason: err.message }));
    child.on('exit', (code, sig) => (exited ??= { node, reason: `exited with ${sig ?? `code ${code}`}` }));
    child.unref();
    node.pid = child.pid;
    fs.appendFileSync(pidsFile(dataDir), `${child.pid}\n`);
  }
  const info = {
    version: KAFKA_VERSION,
    clusterId,
    brokers: layout.brokers,
    port: layout.port,
    bootstrapServers: layout.bootstrapServers,
    nodes: layout.nodes.map(({ id, port: p, controllerPort, pid }) => ({ id, port: p, controllerPort, pid })),
    startedAt: new Date(t0).toISOString(),
  };
  fs.writeFileSync(path.join(dataDir, 'cluster.json'), `${JSON.stringify(info, null, 2)}\n`);

  try {
    await waitForKafka({
      bootstrapServers: layout.bootstrapServers,
      brokers: layout.brokers,
      timeoutMs: timeoutMs ?? Number(process.env.KAFKA_START_TIMEOUT_MS || 120_000),
      abort: () =>
        exited &&
        new KafkaToolError(
          `Kafka node ${exited.node.id} ${exited.reason} while starting (log: ${path.join(exited.node.dir, 'server.log')})`,
          tail(path.join(exited.node.dir, 'server.log')) || tail(path.join(exited.node.dir, 'stdout.log')),
        ),
    });
  } catch (err) {
    await stopDataDir(dataDir).catch(() => {});
    if (!err.details) err.details = tail(path.join(layout.nodes[0].dir, 'server.log'));
    throw err;
  }
  const readyMs = Date.now() - t0;
  return {
    bootstrapServers: layout.bootstrapServers,
    brokers: layout.bootstrapServers.split(','),
    dataDir,
    pids: layout.nodes.map((n) => n.pid),
    version: KAFKA_VERSION,
    readyMs,
    stop: async () => {
      await stopDataDir(dataDir);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Readiness: a minimal Kafka wire-protocol client (fixed, non-flexible API versions that Kafka
// 3.x and 4.x both serve). It checks what a client needs, end to end: every node answers,
// every broker is registered, a topic can be created, a record can be produced (acks=all) to
// every partition and fetched back, the group coordinator (__consumer_offsets) accepts an
// offset commit, and every broker hands out producer ids (idempotent producers). The probe topic
// and group are deleted afterwards.
// ---------------------------------------------------------------------------------------------

const API = {
  Produce: 0,
  Fetch: 1,
  Metadata: 3,
  OffsetCommit: 8,
  FindCoordinator: 10,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DeleteGroups: 42,
};

const ERRORS = {
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT',
  8: 'BROKER_NOT_AVAILABLE',
  14: 'COORDINATOR_LOAD_IN_PROGRESS',
  15: 'COORDINATOR_NOT_AVAILABLE',
  16: 'NOT_COORDINATOR',
  19: 'NOT_ENOUGH_REPLICAS',
  20: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  36: 'TOPIC_ALREADY_EXISTS',
  38: 'INVALID_REPLICATION_FACTOR',
  41: 'NOT_CONTROLLER',
  51: 'CONCURRENT_TRANSACTIONS',
};
const errName = (code) => `${ERRORS[code] ?? 'error'} (${code})`;

class NotReady extends Error {}

class Writer {
  constructor() {
    this.parts = [];
  }
  buf(b) {
    this.parts.push(b);
    return this;
  }
  int8(v) {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.buf(b);
  }
  int16(v) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.buf(b);
  }
  int32(v) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.buf(b);
  }
  uint32(v) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    return this.buf(b);
  }
  int64(v) {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return this.buf(b);
  }
  bool(v) {
    return this.int8(v ? 1 : 0);
  }
  string(s) {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).buf(b);
  }
  bytes(b) {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).buf(b);
  }
  array(items, fn) {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) fn(this, item);
    return this;
  }
  varint(v) {
    // zig-zag, signed (record fields)
    let z = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
    const out = [];
    while (z >= 0x80n) {
      out.push(Number((z & 0x7fn) | 0x80n));
      z >>= 7n;
    }
    out.push(Number(z));
    return this.buf(Buffer.from(out));
  }
  varBytes(b) {
    if (b === null) return this.varint(-1);
    return this.varint(b.length).buf(b);
  }
  toBuffer() {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  constructor(buf) {
    this.b = buf;
    this.o = 0;
  }
  int8() {
    return this.b.readInt8((this.o += 1) - 1);
  }
  int16() {
    return this.b.readInt16BE((this.o += 2) - 2);
  }
  int32() {
    return this.b.readInt32BE((this.o += 4) - 4);
  }
  int64() {
    return this.b.readBigInt64BE((this.o += 8) - 8);
  }
  bool() {
    return this.int8() !== 0;
  }
  string() {
    const n = this.int16();
    if (n < 0) return null;
    return this.b.toString('utf8', this.o, (this.o += n));
  }
  bytes() {
    const n = this.int32();
    if (n < 0) return null;
    return this.b.subarray(this.o, (this.o += n));
  }
  array(fn) {
    const n = this.int32();
    if (n < 0) return null;
    const out = [];
    for (let i = 0; i < n; i++) out.push(fn(this));
    return out;
  }
  varint() {
    let z = 0n;
    let shift = 0n;
    for (;;) {
      const byte = BigInt(this.b[this.o++]);
      z |= (byte & 0x7fn) << shift;
      if (byte < 0x80n) break;
      shift += 7n;
    }
    return Number((z >> 1n) ^ -(z & 1n));
  }
  varBytes() {
    const n = this.varint();
    if (n < 0) return null;
    return this.b.subarray(this.o, (this.o += n));
  }
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

function crc32c(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC32C_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One uncompressed, non-transactional record batch (magic 2) holding one record. */
function recordBatch({ key, value, headers = [] }) {
  const record = new Writer()
    .int8(0) // attributes
    .varint(0) // timestamp delta
    .varint(0) // offset delta
    .varBytes(key)
    .varBytes(value)
    .varint(headers.length);
  for (const [k, v] of headers) record.varBytes(Buffer.from(k)).varBytes(v);
  const recordBuf = record.toBuffer();
  const now = BigInt(Date.now());
  const afterCrc = new Writer()
    .int16(0) // attributes
    .int32(0) // last offset delta
    .int64(now) // base timestamp
    .int64(now) // max timestamp
    .int64(-1) // producer id
    .int16(-1) // producer epoch
    .int32(-1) // base sequence
    .int32(1) // record count
    .varint(recordBuf.length)
    .buf(recordBuf)
    .toBuffer();
  const head = new Writer()
    .int64(0) // base offset
    .int32(4 + 1 + 4 + afterCrc.length) // batch length (after this field)
    .int32(-1) // partition leader epoch
    .int8(2) // magic
    .uint32(crc32c(afterCrc))
    .toBuffer();
  return Buffer.concat([head, afterCrc]);
}

function* readRecords(buf) {
  const r = new Reader(buf);
  while (r.o + 12 <= buf.length) {
    const baseOffset = r.int64();
    const batchLength = r.int32();
    const end = r.o + batchLength;
    if (end > buf.length) return; // partial batch at the end of a fetch
    r.int32(); // partition leader epoch
    const magic = r.int8();
    if (magic !== 2) {
      r.o = end;
      continue;
    }
    r.int32(); // crc
    const attributes = r.int16();
    r.o += 4 + 8 + 8 + 8 + 2 + 4; // last offset delta, timestamps, producer id/epoch, base sequence
    const count = r.int32();
    if (attributes & 0x7 || attributes & 0x20) {
      // compressed or control batch: the probe never writes those
      r.o = end;
      continue;
    }
    for (let i = 0; i < count; i++) {
      r.varint(); // length
      r.int8(); // attributes
      r.varint(); // timestamp delta
      const offsetDelta = r.varint();
      const key = r.varBytes();
      const value = r.varBytes();
      const headers = [];
      const nh = r.varint();
      for (let h = 0; h < nh; h++) headers.push([r.varBytes().toString(), r.varBytes()]);
      yield { offset: baseOffset + BigInt(offsetDelta), key, value, headers };
    }
    r.o = end;
  }
}

class Connection {
  static open(host, port, timeoutMs) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new NotReady(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new Connection(socket, `${host}:${port}`));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new NotReady(`${host}:${port}: ${err.code ?? err.message}`));
      });
    });
  }

  constructor(socket, address) {
    this.socket = socket;
    this.address = address;
    this.pending = new Map();
    this.correlationId = 0;
    this.buffer = Buffer.alloc(0);
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
    const fail = (err) => {
      for (const { reject } of this.pending.values()) {
        reject(new NotReady(`${address}: ${err ? (err.code ?? err.message) : 'connection closed'}`));
      }
      this.pending.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  onData(d) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + size) return;
      const frame = this.buffer.subarray(4, 4 + size);
      this.buffer = this.buffer.subarray(4 + size);
      const id = frame.readInt32BE(0);
      const p = this.pending.get(id);
      if (p) {
        this.pending.delete(id);
        clearTimeout(p.timer);
        p.resolve(new Reader(frame.subarray(4)));
      }
    }
  }

  /** Sends a request (header v1, non-flexible) and resolves with a Reader over the response body. */
  request(apiKey, apiVersion, body, timeoutMs) {
    const id = ++this.correlationId;
    const header = new Writer()
      .int16(apiKey)
      .int16(apiVersion)
      .int32(id)
      .string('kafka-mjs-probe')
      .toBuffer();
    const payload = Buffer.concat([header, body]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NotReady(`${this.address}: no answer to API ${apiKey} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(Buffer.concat([size, payload]));
    });
  }

  close() {
    this.socket.destroy();
  }
}

function parseServers(bootstrapServers) {
  const list = Array.isArray(bootstrapServers) ? bootstrapServers : String(bootstrapServers).split(',');
  return list
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.lastIndexOf(':');
      return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) };
    });
}

/** Metadata v4 request (topics null = all topics; never auto-creates). */
function metadataRequest(topics) {
  return new Writer().array(topics, (w, t) => w.string(t)).bool(false);
}

/** Metadata v4 response. */
function parseMetadata(r) {
  r.int32(); // throttle
  const brokers = r.array((x) => ({ id: x.int32(), host: x.string(), port: x.int32(), rack: x.string() }));
  r.string(); // cluster id
  r.int32(); // controller id
  const topics = r.array((x) => ({
    error: x.int16(),
    name: x.string(),
    internal: x.bool(),
    partitions: x.array((y) => ({
      error: y.int16(),
      id: y.int32(),
      leader: y.int32(),
      replicas: y.array((z) => z.int32()),
      isr: y.array((z) => z.int32()),
    })),
  }));
  return { brokers, topics };
}

async function probeOnce(servers, expectedBrokers, requestTimeoutMs, { topic, group, cleanUp, debug }) {
  const conns = new Map();
  const connect = async ({ host, port }) => {
    const key = `${host}:${port}`;
    if (!conns.has(key)) conns.set(key, await Connection.open(host, port, requestTimeoutMs));
    return conns.get(key);
  };
  const call = async (server, apiKey, version, body) =>
    (await connect(server)).request(apiKey, version, body.toBuffer(), requestTimeoutMs);

  let created = false;
  let coordinator;
  let ok = false;
  let metadata;
  try {
    // 1. Every node answers ApiVersions.
    for (const s of servers) {
      const r = await call(s, API.ApiVersions, 0, new Writer());
      const error = r.int16();
      if (error) throw new NotReady(`${s.host}:${s.port} ApiVersions: ${errName(error)}`);
    }
    debug('apiversions ok');
    // 2. Every broker is registered (and unfenced) in the cluster metadata.
    metadata = async (topics, server = servers[0]) =>
      parseMetadata(await call(server, API.Metadata, 4, metadataRequest(topics)));
    const { brokers } = await metadata([]);
    if (brokers.length < expectedBrokers) {
      throw new NotReady(`${brokers.length}/${expectedBrokers} brokers registered`);
    }
    const initProducerId = (b) => call(b, API.InitProducerId, 1, new Writer().string(null).int32(60_000));
    for (const b of brokers) initProducerId(b).catch(() => {}); // starts producer-id allocation early (step 7)
    debug('brokers registered');
    // 3. Create a probe topic: one partition per broker, replicated like the internal topics.
    const partitions = Math.max(1, expectedBrokers);
    const rf = Math.min(3, brokers.length);
    {
      const body = new Writer()
        .array([topic], (w, t) =>
          w
            .string(t)
            .int32(partitions)
            .int16(rf)
            .array([], () => {})
            .array([], () => {}),
        )
        .int32(requestTimeoutMs)
        .bool(false);
      const r = await call(servers[0], API.CreateTopics, 2, body);
      r.int32();
      const [res] = r.array((x) => ({ name: x.string(), error: x.int16(), message: x.string() }));
      if (res.error && res.error !== 36)
        throw new NotReady(`create topic: ${errName(res.error)} ${res.message ?? ''}`);
      created = true;
    }
    debug('topic created');
    // 4. Wait for every partition to have a leader and a full ISR.
    let parts;
    for (;;) {
      const m = await metadata([topic]);
      const t = m.topics[0];
      parts = t?.partitions ?? [];
      const ok =
        t &&
        !t.error &&
        parts.length === partitions &&
        parts.every((p) => !p.error && p.leader >= 0 && p.isr.length === rf);
      if (ok) {
        for (const p of parts) p.leaderAddr = m.brokers.find((b) => b.id === p.leader);
        if (parts.every((p) => p.leaderAddr)) break;
      }
      await sleep(50);
    }
    debug('partitions led');
    // 5. Produce one record (acks=all) to every partition, then fetch it back from the leader.
    const nonce = crypto.randomBytes(8).toString('hex');
    for (const p of parts) {
      const value = Buffer.from(`ready-${nonce}-${p.id}`);
      const batch = recordBatch({ key: Buffer.from('probe'), value, headers: [['probe', Buffer.from('1')]] });
      const body = new Writer()
        .string(null) // transactional id
        .int16(-1) // acks = all
        .int32(requestTimeoutMs)
        .array([topic], (w, t) => w.string(t).array([p.id], (w2, id) => w2.int32(id).bytes(batch)));
      const r = await call(p.leaderAddr, API.Produce, 3, body);
      const [res] = r.array((x) => ({
        name: x.string(),
        parts: x.array((y) => ({ id: y.int32(), error: y.int16(), offset: y.int64(), time: y.int64() })),
      }));
      const pr = res.parts[0];
      if (pr.error) throw new NotReady(`produce to ${topic}-${p.id}: ${errName(pr.error)}`);

      const fetchBody = new Writer()
        .int32(-1) // replica id
        .int32(0) // max wait
        .int32(1) // min bytes
        .int32(1 << 20) // max bytes
        .int8(0) // read uncommitted
        .array([topic], (w, t) =>
          w.string(t).array([p.id], (w2, id) =>
            w2
              .int32(id)
              .int64(pr.offset)
              .int32(1 << 20),
          ),
        );
      const f = await call(p.leaderAddr, API.Fetch, 4, fetchBody);
      f.int32(); // throttle
      const [ft] = f.array((x) => ({
        topic: x.string(),
        parts: x.array((y) => {
          const fp = { id: y.int32(), error: y.int16(), hw: y.int64(), lso: y.int64() };
          y.array((z) => [z.int64(), z.int64()]); // aborted transactions
          fp.records = y.bytes();
          return fp;
        }),
      }));
      const fp = ft.parts[0];
      if (fp.error) throw new NotReady(`fetch from ${topic}-${p.id}: ${errName(fp.error)}`);
      const got = fp.records ? [...readRecords(fp.records)] : [];
      if (!got.some((rec) => rec.value?.equals(value)))
        throw new NotReady(`fetch from ${topic}-${p.id}: record not there yet`);
    }
    debug('produce+fetch ok');
    // 6. The group coordinator is available and loaded: commit an offset for a probe group.
    {
      const r = await call(servers[0], API.FindCoordinator, 1, new Writer().string(group).int8(0));
      r.int32();
      const error = r.int16();
      const message = r.string();
      const c = { id: r.int32(), host: r.string(), port: r.int32() };
      if (error) throw new NotReady(`find group coordinator: ${errName(error)} ${message ?? ''}`);
      coordinator = c;
      const body = new Writer()
        .string(group)
        .int32(-1) // generation: a "simple" commit, no group membership
        .string('')
        .int64(-1) // retention
        .array([topic], (w, t) => w.string(t).array([0], (w2, id) => w2.int32(id).int64(1).string(null)));
      const oc = await call(c, API.OffsetCommit, 2, body);
      const [ot] = oc.array((x) => ({
        name: x.string(),
        parts: x.array((y) => ({ id: y.int32(), error: y.int16() })),
      }));
      if (ot.parts[0].error) throw new NotReady(`offset commit: ${errName(ot.parts[0].error)}`);
    }
    debug('offset commit ok');
    // 7. Every broker hands out producer ids (idempotent producers; the first block comes from
    //    the controller, until then brokers answer COORDINATOR_LOAD_IN_PROGRESS).
    for (const b of brokers) {
      const r = await initProducerId(b);
      r.int32();
      const error = r.int16();
      if (error) throw new NotReady(`init producer id on broker ${b.id}: ${errName(error)}`);
    }
    debug('producer ids ok');
    ok = true;
  } finally {
    // Best-effort clean-up so that tests listing topics or groups do not see the probe. A failed
    // attempt keeps them for the next attempt (which reuses the names), unless it is the last.
    if (coordinator && (ok || cleanUp())) {
      await call(
        coordinator,
        API.DeleteGroups,
        0,
        new Writer().array([group], (w, g) => w.string(g)),
      ).catch(() => {});
    }
    if (created && (ok || cleanUp())) {
      await call(
        servers[0],
        API.DeleteTopics,
        1,
        new Writer().array([topic], (w, t) => w.string(t)).int32(requestTimeoutMs),
      ).catch(() => {});
      // Deletion reaches each broker's metadata cache asynchronously: wait (briefly) until no
      // broker lists the probe topic any more.
      const until = Date.now() + 5000;
      for (const s of servers) {
        while (ok && Date.now() < until) {
          const m = await metadata([topic], s).catch(() => undefined);
          if (!m || m.topics[0]?.error === 3) break;
          await sleep(20);
        }
      }
    }
    if (ok) debug('cleaned up');
    for (const c of conns.values()) c.close();
  }
}

/**
 * Resolves once a Kafka client can use the cluster: every address answers, `brokers` brokers are
 * registered, a probe topic can be created, produced to (acks=all) and fetched from, the group
 * coordinator accepts an offset commit and every broker hands out producer ids (idempotent
 * producers). Polls until `timeoutMs` (no fixed sleeps).
 *
 * @param {{bootstrapServers: string | string[], brokers?: number, timeoutMs?: number}} options
 */
export async function waitForKafka({ bootstrapServers, brokers, timeoutMs = 60_000, abort } = {}) {
  const servers = parseServers(bootstrapServers);
  if (!servers.length) throw new KafkaToolError('waitForKafka: no bootstrap servers');
  const expected = brokers ?? servers.length;
  const t0 = Date.now();
  const deadline = t0 + timeoutMs;
  const topic = `_kafka-mjs-ready-${crypto.randomBytes(4).toString('hex')}`;
  const debug = process.env.KAFKA_PROBE_DEBUG
    ? (m) => console.error(`kafka: +${Date.now() - t0} ms ${m}`)
    : () => {};
  const names = { topic, group: `${topic}-group`, cleanUp: () => Date.now() + 1000 >= deadline, debug };
  let reason = 'not tried';
  for (;;) {
    const stop = abort?.();
    if (stop) throw stop;
    const left = deadline - Date.now();
    if (left <= 0) break;
    try {
      await withTimeout(probeOnce(servers, expected, Math.max(500, Math.min(10_000, left)), names), left);
      debug('ready');
      return;
    } catch (err) {
      if (!(err instanceof NotReady)) throw err;
      if (err.message !== reason) debug(err.message);
      reason = err.message;
    }
    await sleep(100);
  }
  throw new KafkaToolError(
    `Kafka at ${servers.map((s) => `${s.host}:${s.port}`).join(',')} not ready after ${timeoutMs} ms: ${reason}`,
  );
}

/**
 * Resolves once EVERY broker's metadata shows each topic with all partitions led. Use it after
 * creating topics in tests: in a multi-broker KRaft cluster a broker's metadata cache can lag the
 * controller, and kafkajs' createTopics({ waitForLeaders: true }) then fails with
 * "This server does not host this topic-partition". So: createTopics({ ..., waitForLeaders: false })
 * followed by waitForTopics({ bootstrapServers, topics }).
 *
 * @param {{bootstrapServers: string | string[], topics: string[], timeoutMs?: number}} options
 */
export async function waitForTopics({ bootstrapServers, topics, timeoutMs = 30_000 } = {}) {
  const servers = parseServers(bootstrapServers);
  const deadline = Date.now() + timeoutMs;
  let reason = 'not tried';
  while (Date.now() < deadline) {
    const conns = [];
    try {
      const first = await Connection.open(servers[0].host, servers[0].port, 5000);
      conns.push(first);
      const { brokers } = parseMetadata(
        await first.request(API.Metadata, 4, metadataRequest([]).toBuffer(), 5000),
      );
      let ok = true;
      for (const b of brokers) {
        const c = await Connection.open(b.host, b.port, 5000);
        conns.push(c);
        const m = parseMetadata(await c.request(API.Metadata, 4, metadataRequest(topics).toBuffer(), 5000));
        const bad = m.topics.find(
          (t) => t.error || !t.partitions.length || t.partitions.some((p) => p.leader < 0),
        );
        if (bad) {
          reason = `broker ${b.id}: ${bad.name} ${bad.error ? errName(bad.error) : 'has partitions without leader'}`;
          ok = false;
          break;
        }
      }
      if (ok) return;
    } catch (err) {
      if (!(err instanceof NotReady)) throw err;
      reason = err.message;
    } finally {
      for (const c of conns) c.close();
    }
    await sleep(50);
  }
  throw new KafkaToolError(`topics ${topics.join(', ')} not ready after ${timeoutMs} ms: ${reason}`);
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new NotReady(`probe did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// status
// ---------------------------------------------------------------------------------------------

/** @returns {Promise<Array<{dataDir: string, bootstrapServers?: string, version?: string, pids: number[], alive: number[], running: boolean}>>} */
export async function kafkaStatus({ dataDir, port } = {}) {
  const dirs = dataDir ? [path.resolve(dataDir)] : port ? [defaultDataDir(port)] : runDirs();
  return dirs.map((dir) => {
    const info = readClusterInfo(dir);
    const pids = readPids(dir);
    const alive = pids.filter(isKafkaProcess);
    return {
      dataDir: dir,
      bootstrapServers: info?.bootstrapServers,
      version: info?.version,
      brokers: info?.brokers,
      pids,
      alive,
      running: pids.length > 0 && alive.length === pids.length,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

const USAGE = `usage: node tools/kafka/kafka.mjs <command> [options]

commands:
  fetch                      resolve the Kafka ${KAFKA_VERSION} jars with Maven into tools/kafka/.cache/ (if needed)
  start                      start a fresh cluster in the background; returns once it is usable
  stop                       stop a cluster (all clusters under tools/kafka/.cache/ when neither --port nor --data-dir)
  status                     show clusters; exit 0 if running, 3 if not
  run                        start, stay in the foreground, stop on Ctrl-C / SIGTERM

options:
  --brokers N                1 (default) or 3 brokers (each also a KRaft controller)
  --port P                   first broker port (default ${DEFAULT_PORT}); brokers use P..P+N-1, controllers P+${CONTROLLER_PORT_OFFSET}..
  --data-dir DIR             default tools/kafka/.cache/run-<port>/ (wiped on every start)
  --timeout SECONDS          how long start waits for the cluster to be usable (default 120)

environment: JAVA_HOME, KAFKA_JVM_OPTS (extra JVM flags), KAFKA_START_TIMEOUT_MS, KAFKA_PROBE_DEBUG=1 (trace readiness),
  KAFKA_LOG_LEVEL (default INFO; logs go to <data-dir>/node-<id>/server.log)`;

function relative(p) {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

let interrupted; // the stop started by a signal during start-up

/** Ctrl-C while `start`/`run` is still starting: do not leave half-started brokers behind. */
function stopOnSignalWhileStarting(dataDir, port) {
  const dir = path.resolve(dataDir ?? defaultDataDir(port ?? DEFAULT_PORT));
  const handler = (sig) => {
    if (interrupted) return;
    console.error(`kafka: ${sig} while starting, stopping…`);
    interrupted = stopKafka({ dataDir: dir }).finally(() => process.exit(130));
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, handler);
  return () => {
    for (const sig of signals) process.off(sig, handler);
  };
}

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (rest.length) throw new KafkaToolError(`unexpected argument: ${rest[0]} (see --help)`);
  const int = (name, v) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new KafkaToolError(`--${name} must be a number, got "${v}"`);
    return Number(v);
  };
  const brokers = int('brokers', values.brokers) ?? 1;
  const port = int('port', values.port);
  const dataDir = values['data-dir'];
  const timeoutMs = values.timeout ? int('timeout', values.timeout) * 1000 : undefined;
  const progress = (line) => console.error(`kafka: ${line}`);

  switch (command) {
    case 'fetch': {
      const dir = await fetchKafka({ log: progress });
      console.log(`kafka ${KAFKA_VERSION} jars in ${relative(dir)}`);
      return 0;
    }
    case 'start': {
      stopOnSignalWhileStarting(dataDir, port);
      const k = await startKafka({ brokers, port: port ?? DEFAULT_PORT, dataDir, timeoutMs, log: progress });
      console.log(
        `kafka ready at ${k.bootstrapServers} (Kafka ${k.version}, ${brokers} broker${brokers > 1 ? 's' : ''}, ` +
          `${(k.readyMs / 1000).toFixed(1)} s, data ${relative(k.dataDir)})`,
      );
      return 0;
    }
    case 'stop': {
      const { stopped } = await stopKafka({ dataDir, port });
      console.log(
        stopped ? `kafka stopped (${stopped} process${stopped > 1 ? 'es' : ''})` : 'kafka not running',
      );
      return 0;
    }
    case 'status': {
      const all = (await kafkaStatus({ dataDir, port })).filter((s) => s.pids.length);
      if (!all.length) {
        console.log('kafka not running');
        return 3;
      }
      let ok = true;
      for (const s of all) {
        ok &&= s.running;
        const state = s.running
          ? 'running'
          : `NOT running (${s.alive.length}/${s.pids.length} processes alive)`;
        console.log(
          `kafka ${s.version ?? '?'} ${state} at ${s.bootstrapServers ?? '?'} (pids ${s.pids.join(' ')}, data ${relative(s.dataDir)})`,
        );
      }
      return ok ? 0 : 3;
    }
    case 'run': {
      const removeHandlers = stopOnSignalWhileStarting(dataDir, port);
      const k = await startKafka({ brokers, port: port ?? DEFAULT_PORT, dataDir, timeoutMs, log: progress });
      removeHandlers();
      console.log(
        `kafka ready at ${k.bootstrapServers} (Kafka ${k.version}, ${(k.readyMs / 1000).toFixed(1)} s; ` +
          `logs in ${relative(k.dataDir)}/node-*/server.log; Ctrl-C to stop)`,
      );
      return await new Promise((resolve) => {
        let stopping = false;
        const shutdown = async (why, code) => {
          if (stopping) return;
          stopping = true;
          clearInterval(watch);
          progress(`${why}, stopping…`);
          try {
            await k.stop();
            console.log('kafka stopped');
          } catch (err) {
            console.error(`kafka: ${err.message}`);
            code = 1;
          }
          resolve(code);
        };
        process.on('SIGINT', () => shutdown('SIGINT', 0));
        process.on('SIGTERM', () => shutdown('SIGTERM', 0));
        process.on('SIGHUP', () => shutdown('SIGHUP', 0));
        const watch = setInterval(() => {
          const dead = k.pids.filter((pid) => !isKafkaProcess(pid));
          if (dead.length)
            shutdown(
              `broker process ${dead.join(', ')} exited (see ${relative(k.dataDir)}/node-*/server.log)`,
              1,
            );
        }, 1000);
      });
    }
    default:
      throw new KafkaToolError(`unknown command "${command}" (see --help)`);
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    async (err) => {
      if (interrupted) await interrupted; // exits 130 quietly
      if (
        err instanceof KafkaToolError ||
        err?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
        err?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
      ) {
        if (err.details) console.error(err.details.trimEnd());
        console.error(`kafka: ${err.message}`);
      } else {
        console.error(err);
      }
      process.exit(1);
    },
  );
}
