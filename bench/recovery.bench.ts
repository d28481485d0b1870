// Recovery benchmark: `npm run bench:recovery`. Prints numbers; asserts nothing.
// Each fault of issue #12 under the same saga load, next to the same load with no fault, in one
// run: the longest time without a confirmation, the longest time a client was refused, the
// restarted process's start-to-ready time, orders rejected for timeout, and the invariants.
import { RECOVERY_SCENARIOS, runRecoveryScenario, type RecoveryReport } from '@shopflow/testing';
import { loadavg } from 'node:os';
import { machine } from './bench-infra';

const LOAD = {
  customers: Number(process.env['RECOVERY_CUSTOMERS'] ?? 10),
  ratePerSecond: Number(process.env['RECOVERY_RATE'] ?? 40),
  durationMs: Number(process.env['RECOVERY_SECONDS'] ?? 30) * 1000,
  stock: 100_000,
  faultAfterMs: 8_000,
};
const ONLY = process.env['RECOVERY_SCENARIOS']?.split(',');
/** RECOVERY_SERVICE_<NAME>=value sets <NAME> for every service, e.g. RECOVERY_SERVICE_KAFKA_SESSION_TIMEOUT_MS=30000. */
const SERVICE_ENV = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name, value]) => name.startsWith('RECOVERY_SERVICE_') && value !== undefined)
    .map(([name, value]) => [name.slice('RECOVERY_SERVICE_'.length), value!]),
);

const seconds = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(1));

function row(r: RecoveryReport): string {
  const held = Object.values(r.invariants).every(Boolean) ? 'all hold' : JSON.stringify(r.invariants);
  return (
    `| ${r.scenario} | ${r.accepted} | ${r.confirmed} | ${seconds(r.longestStallMs)} | ` +
    `${seconds(r.longestRefusalMs)} | ${seconds(r.restartToReadyMs)} | ${r.rejectedForTimeout} | ${held} |`
  );
}

async function main() {
  process.stdout.write(
    `recovery under saga load: ${LOAD.customers} customers, ${LOAD.ratePerSecond} orders/s for ` +
      `${LOAD.durationMs / 1000} s, fault at ${LOAD.faultAfterMs / 1000} s; ${machine()}\n` +
      `service settings: ${JSON.stringify(SERVICE_ENV)}; load average before: ${loadavg()[0]!.toFixed(1)}\n\n` +
      '| scenario | accepted | confirmed | longest stall s | longest refusal s | restart→ready s | timeouts | invariants |\n' +
      '|---|---|---|---|---|---|---|---|\n',
  );
  for (const [key, scenario] of Object.entries(RECOVERY_SCENARIOS)) {
    if (ONLY && !ONLY.includes(key)) continue;
    const report = await runRecoveryScenario(scenario, LOAD, SERVICE_ENV);
    process.stdout.write(`${row(report)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
