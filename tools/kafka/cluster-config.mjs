// The cluster layout (nodes, ports, listeners) and the configuration files each node runs with.
import path from 'node:path';
import { CACHE_DIR, CONTROLLER_PORT_OFFSET, DEFAULT_PORT, HOST, KafkaToolError } from './common.mjs';

// --- Cluster layout and configuration -----------------------------------------------------------

export function defaultDataDir(port = DEFAULT_PORT) {
  return path.join(CACHE_DIR, `run-${port}`);
}

/** `NAME:PROTOCOL:PORT_OFFSET` (the CLI's --listener) as { name, protocol, portOffset }. */
export function parseListener(spec) {
  const match = /^([A-Z][A-Z0-9_]*):(SSL|SASL_SSL|SASL_PLAINTEXT):(\d+)$/.exec(spec);
  if (!match || ['PLAINTEXT', 'CONTROLLER'].includes(match[1]) || Number(match[3]) < 10)
    throw new KafkaToolError(
      `--listener must be NAME:SSL|SASL_SSL|SASL_PLAINTEXT:OFFSET (>= 10), got "${spec}"`,
    );
  return { name: match[1], protocol: match[2], portOffset: Number(match[3]) };
}

export function clusterLayout({ brokers, port, dataDir, listeners = [] }) {
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

export function serverProperties({ brokers, nodes }, node, extra = {}) {
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

export function log4jProperties() {
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
