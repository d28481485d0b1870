#!/usr/bin/env node
// A local trace backend without Docker: the Zipkin server's executable jar from Maven Central
// (io.zipkin:zipkin-server:<zipkin-version.txt>:jar:exec), in-memory storage, bound to 127.0.0.1.
// The services export to it with OpenTelemetry's Zipkin exporter (TRACING_ZIPKIN_URL).
//   node tools/zipkin/zipkin.mjs [--port 9411]    runs it in the foreground until Ctrl-C
// `npm start` and the e2e trace test use startZipkin() below. Why Zipkin: docs/adr/0009.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CACHE_DIR = path.join(HERE, '.cache');
export const ZIPKIN_VERSION = fs.readFileSync(path.join(HERE, 'zipkin-version.txt'), 'utf8').trim();
if (!/^\d+\.\d+\.\d+$/.test(ZIPKIN_VERSION))
  throw new Error(`zipkin-version.txt must hold a version like 3.5.1, got "${ZIPKIN_VERSION}"`);

const javaCommand = () => (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const jarPath = () => path.join(CACHE_DIR, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);

/** Resolves the jar into .cache/ with Maven (only when missing); safe for concurrent callers. */
export async function fetchZipkin({ log = () => {} } = {}) {
  const jar = jarPath();
  if (fs.existsSync(jar)) return jar;
  for (const tool of [
    [javaCommand(), '-version'],
    ['mvn', '-v'],
  ])
    if (spawnSync(tool[0], [tool[1]], { stdio: 'ignore' }).status !== 0)
      throw new Error(`${tool[0]} not found: the local trace backend needs Java 17 and Maven`);
  const tmp = path.join(CACHE_DIR, `fetch-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  fs.mkdirSync(tmp, { recursive: true });
  const artifact = `io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec`;
  log(`resolving ${artifact} with Maven…`);
  try {
    const result = spawnSync(
      'mvn',
      ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${tmp}`],
      { encoding: 'utf8' },
    );
    const fetched = path.join(tmp, path.basename(jar));
    if (result.status !== 0 || !fs.existsSync(fetched))
      throw new Error(
        `mvn could not resolve ${artifact} (exit ${result.status}):\n${result.stdout}${result.stderr}`,
      );
    if (!fs.existsSync(jar)) fs.renameSync(fetched, jar);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return jar;
}

/**
 * Starts Zipkin on 127.0.0.1:<port> and resolves once it answers /health. Returns its URLs and
 * stop(). The process is a child of the caller: it also dies with it.
 */
export async function startZipkin({ port = 9411, timeoutMs = 120_000, log = () => {} } = {}) {
  const jar = await fetchZipkin({ log });
  const child = spawn(
    javaCommand(),
    [
      // Small and quick to start: a development backend, in-memory storage.
      '-Xms64m',
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-jar',
      jar,
      `--armeria.ports[0].port=${port}`,
      '--armeria.ports[0].ip=127.0.0.1',
      '--armeria.ports[0].protocols=http',
      '--logging.level.root=WARN',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STORAGE_TYPE: 'mem' } },
  );
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`zipkin exited with code ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`zipkin did not answer on ${base} within ${timeoutMs / 1000} s:\n${output}`);
    }
    await sleep(250);
  }
  return {
    uiUrl: `${base}/zipkin/`,
    apiUrl: `${base}/api/v2`,
    spansUrl: `${base}/api/v2/spans`,
    output: () => output,
    stop,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 9411;
  const zipkin = await startZipkin({ port, log: (m) => process.stdout.write(`› ${m}\n`) });
  process.stdout.write(
    `Zipkin ${ZIPKIN_VERSION} at ${zipkin.uiUrl} (spans: ${zipkin.spansUrl}); Ctrl-C stops it\n`,
  );
  const stopAndExit = () => zipkin.stop().then(() => process.exit(0));
  process.once('SIGINT', stopAndExit);
  process.once('SIGTERM', stopAndExit);
}
