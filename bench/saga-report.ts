import { cpus } from 'node:os';
import type { PhaseResult } from './saga-phase';
import type { sagaStages } from './saga-stages';

export interface Row extends PhaseResult {
  label: string;
  stages: Awaited<ReturnType<typeof sagaStages>>;
  load: number;
}
type Latency = { p50: number; p99: number };

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const pair = (x: Latency) => `${f(x.p50)} / ${f(x.p99)}`;
const CPU_COLUMNS = ['order', 'catalog', 'auth', 'bench', 'kafka', 'mariadb', 'machine'];
const SQL_KINDS = ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback'] as const;

/** Throughput and latency per row. */
export function printThroughput(rows: Row[]): void {
  console.log(
    'customers              final/s  POST→CONFIRMED p50/p99 ms  POST→202 p50/p99 ms  confirmed  rejected  lost  non-202  load',
  );
  for (const r of rows) {
    console.log(
      [
        r.label.padEnd(20),
        f(r.ordersPerSecond).padStart(8),
        pair(r.confirmedLatency).padStart(26),
        pair(r.post).padStart(20),
        String(r.confirmed).padStart(10),
        String(r.rejected).padStart(9),
        String(r.lost).padStart(5),
        String(r.failedPosts).padStart(8),
        r.load.toFixed(2).padStart(5),
      ].join(' '),
    );
  }
}

/** The raw Kafka round trip before and after the load: the saga's floor. */
export function printFloor(samples: number, before: Latency, after: Latency): void {
  console.log(
    `\nfloor: raw kafkajs produce→consume (idempotent, acks=all), ${samples} sequential messages: ` +
      `p50 ${f(before.p50)} ms, p99 ${f(before.p99)} ms before the load; ` +
      `p50 ${f(after.p50)} ms, p99 ${f(after.p99)} ms after it.\n` +
      `An order crosses Kafka 3 times (OrderPlaced → catalog, StockReserved → order, OrderConfirmed → ` +
      `the bench's consumer): ~${f(3 * before.p50)} ms of its p50 is the broker alone.`,
  );
}

/** CPU ms per order of each process, the machine's busy share, and SQL per order. */
export function printCpu(rows: Row[], seconds: number): void {
  console.log(
    '\nCPU during each row (ms of CPU per order reaching a final state; machine = all processes, 2 cores = 2000 ms/s):',
  );
  console.log(
    `${'customers'.padEnd(22)}${CPU_COLUMNS.map((n) => n.padStart(9)).join('')}   machine busy   others   SQL statements / commits per order`,
  );
  const capacity = seconds * 1000 * cpus().length;
  for (const r of rows) {
    const ours = CPU_COLUMNS.slice(0, -1).reduce((sum, n) => sum + (r.cpu[n] ?? 0), 0);
    console.log(
      `${r.label.padEnd(22)}${CPU_COLUMNS.map((n) => f((r.cpu[n] ?? NaN) / r.reached).padStart(9)).join('')}` +
        `   ${f((100 * (r.cpu['machine'] ?? NaN)) / capacity).padStart(10)} %` +
        `   ${f((100 * ((r.cpu['machine'] ?? NaN) - ours)) / capacity).padStart(4)} %` +
        `   ${f(r.sql.statements / r.reached)} / ${f(r.sql.commits / r.reached)}`,
    );
  }
  console.log(
    'others = the machine minus the processes listed: other work on the machine (noise). MariaDB is ' +
      'shared: its column includes other clients’ queries.',
  );
  console.log('\nSQL statements per order, by kind (begin = START TRANSACTION):');
  console.log(`${'customers'.padEnd(22)}${SQL_KINDS.map((n) => n.padStart(9)).join('')}`);
  for (const r of rows)
    console.log(
      `${r.label.padEnd(22)}${SQL_KINDS.map((n) => f((r.sql[n] ?? NaN) / r.reached).padStart(9)).join('')}`,
    );
}

/** Where the time goes, step by step, per row. */
export function printStages(rows: Row[]): void {
  console.log(
    '\nwhere the time goes (p50 / p99 ms of each step, 300 confirmed orders per row, from the services’ timestamps):',
  );
  console.log(`${'step'.padEnd(48)}${rows.map((r) => r.label.padStart(22)).join('')}`);
  for (let i = 0; i < (rows[0]?.stages.length ?? 0); i++) {
    console.log(
      `${rows[0]!.stages[i]!.name.padEnd(48)}${rows.map((r) => (r.stages[i] ? pair(r.stages[i]!) : '-').padStart(22)).join('')}`,
    );
  }
}
