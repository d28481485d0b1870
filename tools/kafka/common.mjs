// Shared by the tools/kafka modules: paths, ports, the pinned version, the error type, child processes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CACHE_DIR = path.join(HERE, '.cache');
export const POM = path.join(HERE, 'pom.xml');
export const HOST = '127.0.0.1';
export const CONTROLLER_PORT_OFFSET = 10000; // broker port 9092 -> controller port 19092
export const DEFAULT_PORT = 9092;
export const RUN_MARKER = '.kafka-mjs-run'; // marks a data dir as ours, so we may wipe it
const MISSING_TOOL_HINT =
  'install OpenJDK 17 and Maven, or set KAFKA_BROKERS to a running broker (docker compose up kafka)';
// Tuned for start-up time, not throughput: this broker is for development and tests.
export const JVM_FLAGS = [
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ code: -1, output: `${output}${err.message}\n` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

export function requireTool(name, command, args) {
  const r = spawnSync(command, args, { stdio: 'ignore' });
  if (r.error || r.status !== 0) throw new KafkaToolError(`${name} not found — ${MISSING_TOOL_HINT}`);
}

export const javaCommand = () =>
  process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

export function requireJava() {
  const where = process.env.JAVA_HOME ? ` (JAVA_HOME=${process.env.JAVA_HOME})` : '';
  requireTool(`java${where}`, javaCommand(), ['-version']);
}
