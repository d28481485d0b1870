// Formats storage and starts 1 or 3 KRaft nodes, then waits until kafkajs can use them.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  clusterLayout,
  defaultDataDir,
  log4jProperties,
  parseListener,
  serverProperties,
} from './cluster-config.mjs';
import {
  DEFAULT_PORT,
  HOST,
  JVM_FLAGS,
  KAFKA_VERSION,
  KafkaToolError,
  RUN_MARKER,
  javaCommand,
  requireJava,
  run,
} from './common.mjs';
import { fetchKafka } from './fetch.mjs';
import { pidsFile, readClusterInfo, stopDataDir } from './processes.mjs';
import { loadKafkajs, waitForKafka } from './readiness.mjs';

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
