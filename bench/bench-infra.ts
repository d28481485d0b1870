// Infrastructure for benchmarks: the same Kafka and MySQL the tests use, started the same way.
import { join } from 'node:path';

export interface BenchInfra {
  brokers: string[];
  adminUrl: string;
  stop(): Promise<void>;
}

export async function startBenchInfra(): Promise<BenchInfra> {
  // tools/ is plain ESM; Node >= 20.19 can require() it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const infra = require('../tools/dev/infra.mjs');
  const kafka = await infra.ensureKafka({ port: 59092, dataDir: join(__dirname, '../tools/kafka/.cache/bench') });
  return {
    brokers: kafka.brokers.split(','),
    adminUrl: process.env['MYSQL_ADMIN_URL'] || 'mysql://root@127.0.0.1:3306',
    stop: () => kafka.stop(),
  };
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)]!;
}

export function summarize(samplesMs: number[]) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

export function machine(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('node:os');
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
