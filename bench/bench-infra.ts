import { cpus, totalmem } from 'node:os';
import { requireTestEnv } from '@shopflow/testing';

/**
 * Kafka as provided by tools/bench/run-bench.mjs (the same way `npm test` does); MySQL schemas come
 * from createTestSchema, through the MYSQL_ADMIN_URL it also sets.
 */
export function benchInfra(): { brokers: string[] } {
  return { brokers: requireTestEnv('KAFKA_BROKERS').split(',') };
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)] ?? NaN;
}

export function summarize(samplesMs: number[]) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
