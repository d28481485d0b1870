// The brokers a data dir records: which are alive, and stopping them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from './cluster-config.mjs';
import { CACHE_DIR, KafkaToolError, RUN_MARKER, sleep } from './common.mjs';

// --- Processes and stop -------------------------------------------------------------------------

export const pidsFile = (dataDir) => path.join(dataDir, 'pids');

export function readPids(dataDir) {
  try {
    return fs.readFileSync(pidsFile(dataDir), 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function readClusterInfo(dataDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, 'cluster.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** True if pid is alive and still a Kafka broker (a zombie or a recycled pid is not). */
export function isKafkaProcess(pid) {
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
export async function stopDataDir(dataDir, timeoutMs = 30_000) {
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
export function dataDirs({ dataDir, port }) {
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
