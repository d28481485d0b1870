import { readdirSync, readFileSync } from 'node:fs';

// CPU accounting from /proc (Linux): the one place the benchmarks read it. Clock ticks are 10 ms.
const TICK_MS = 10;

/** CPU time (ms) of a process: user + system; NaN when unknown or gone. */
export function processCpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** CPU time (ms) of the whole machine, all cores: busy and in total (busy + idle). */
export function machineCpuMs(): { busy: number; total: number } {
  const [, ...ticks] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}

function processes(): string[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
}

/** The first process whose command is one of `commands` (e.g. mariadbd or mysqld). */
export function pidOf(...commands: string[]): number | undefined {
  for (const entry of processes()) {
    try {
      if (commands.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** The MySQL or MariaDB server of this machine. */
export const databaseServerPid = () => pidOf('mariadbd', 'mysqld');

/** The local Kafka broker serving `brokers` (started by tools/kafka), found by its server.properties. */
export function kafkaPid(brokers: string[]): number | undefined {
  const listener = `PLAINTEXT://${brokers[0]}`;
  for (const entry of processes()) {
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const props = args[args.indexOf('kafka.Kafka') + 1];
      if (args.includes('kafka.Kafka') && props && readFileSync(props, 'utf8').includes(listener))
        return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

/**
 * Starts measuring; the returned function gives the CPU ms each named process used since, and the
 * machine's busy ms as `machine`.
 */
export function cpuMeter(pids: Record<string, number | undefined>): () => Record<string, number> {
  const snapshot = () => ({
    ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)])),
    machine: machineCpuMs().busy,
  });
  const before: Record<string, number> = snapshot();
  return () => {
    const after: Record<string, number> = snapshot();
    return Object.fromEntries(Object.entries(after).map(([name, ms]) => [name, ms - before[name]!]));
  };
}
