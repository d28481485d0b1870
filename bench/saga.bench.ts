// Order saga benchmark: `npm run bench:saga`. Prints numbers; asserts nothing.
// The three built services as their own processes, on fresh schemas and the bench broker. A fixed
// number of customers each loop: POST /v1/orders, wait for the order's final state, next order.
// Measured: orders/s reaching a final state, and POST → CONFIRMED latency, next to the raw Kafka
// round trip on the same broker in the same run (the floor: the saga crosses Kafka four times).
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { TOPICS, type Order } from '@shopflow/contracts';
import { createLogger } from '@shopflow/platform/observability';
import { eventually, IsolatedInfra, OutcomeTap, ShopflowStack } from '@shopflow/testing';
import { benchInfra, machine } from './bench-infra';
import { databaseServerPid, kafkaPid } from './cpu-meter';
import { rawKafkaRoundTrip } from './kafka-round-trip';
import { sagaPhase, type PhaseResult } from './saga-phase';
import { printCpu, printFloor, printStages, printThroughput, type Row } from './saga-report';
import { sagaStages } from './saga-stages';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const WARM_UP_SECONDS = Number(process.env['WARM_UP_SECONDS'] ?? 5);
/** Rows of the table: customers ordering at once. 1 shows the saga's latency without queueing. */
const CONCURRENCY = (process.env['SAGA_CONCURRENCY'] ?? '1,20,30,50').split(',').map(Number);
/** Customers of the warm-up and of the limited-stock row. */
const BASE_CONCURRENCY = 20;
const CUSTOMERS = Math.max(BASE_CONCURRENCY, ...CONCURRENCY);
const PRODUCTS = 10;
/** The limited-stock phase: this many units of one product, ordered one at a time. */
const SCARCE_STOCK = Number(process.env['SCARCE_STOCK'] ?? 1_000);
const FLOOR_SAMPLES = Number(process.env['LATENCY_SAMPLES'] ?? 300);
const logger = createLogger({ service: 'bench', level: 'error' });
/** SAGA_SERVICE_<NAME>=value sets <NAME> for all three services, e.g. SAGA_SERVICE_DATABASE_POOL_SIZE=20. */
const SERVICE_ENV = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name, value]) => name.startsWith('SAGA_SERVICE_') && value !== undefined)
    .map(([name, value]) => [name.slice('SAGA_SERVICE_'.length), value!]),
);

async function main() {
  const { brokers } = benchInfra();
  const load0 = loadavg()[0]!;
  const setupStart = performance.now();
  const infra = await IsolatedInfra.onBroker(brokers, 'bench_saga');
  // Longer-lived tokens than the default 15 minutes: a long run must not see them expire.
  const auth = { ACCESS_TOKEN_TTL_SECONDS: '3600' };
  const stack = await ShopflowStack.start({
    infra,
    env: { auth: { ...SERVICE_ENV, ...auth }, catalog: SERVICE_ENV, order: SERVICE_ENV },
  }).catch(async (error: unknown) => {
    await infra.destroy();
    throw error;
  });
  const tap = new OutcomeTap(brokers);
  try {
    await tap.start();
    const plenty = await Promise.all(Array.from({ length: PRODUCTS }, () => stack.product(1_000_000)));
    const scarce = await stack.product(Math.max(1, SCARCE_STOCK)); // 0: no such row
    // Registration is argon2-bound: a few at a time, and not measured.
    const tokens: string[] = [];
    for (let i = 0; i < CUSTOMERS; i += 4) {
      const batch = Array.from({ length: Math.min(4, CUSTOMERS - i) }, (_, j) => stack.customer(`C${i + j}`));
      tokens.push(...(await Promise.all(batch)).map((c) => c.token));
    }
    // The order service learns products from the catalog's events: wait until it accepts each.
    for (const { id: productId } of [...plenty, scarce]) {
      await eventually(
        async () => {
          const res = await stack.request<Order>('POST', '/v1/orders', {
            token: tokens[0],
            body: { lines: [{ productId, quantity: 1 }] },
          });
          if (res.status !== 202) throw new Error(`order service does not know ${productId} yet`);
          await tap.outcome(res.body.id);
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    }
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const pids = {
      ...Object.fromEntries((['auth', 'catalog', 'order'] as const).map((s) => [s, stack.pid(s)])),
      bench: process.pid,
      mariadb: databaseServerPid(),
      kafka: kafkaPid(brokers),
    };
    const plentyIds = plenty.map((p) => p.id);
    const run = (customers: number, products: string[], seconds: number) =>
      sagaPhase(stack, tap, { tokens: tokens.slice(0, customers), products, seconds, pids });
    const row = async (label: string, result: PhaseResult): Promise<Row> => ({
      label,
      ...result,
      stages: await sagaStages((service) => infra.databaseUrl(service), result.samples),
      load: loadavg()[0]!,
    });

    // The floor, on the same broker, before the load (nothing else running on it).
    const floor = await rawKafkaRoundTrip({ brokers, logger, latencySamples: FLOOR_SAMPLES });
    await run(BASE_CONCURRENCY, plentyIds, WARM_UP_SECONDS);
    const rows: Row[] = [];
    for (const customers of CONCURRENCY)
      rows.push(await row(`${customers}`, await run(customers, plentyIds, SECONDS)));
    // Limited stock: the customers all order the one scarce product until it runs out.
    if (SCARCE_STOCK > 0)
      rows.push(
        await row(`${BASE_CONCURRENCY}, 1 scarce product`, await run(BASE_CONCURRENCY, [scarce.id], SECONDS)),
      );
    const floorAfter = await rawKafkaRoundTrip({ brokers, logger, latencySamples: FLOOR_SAMPLES });

    console.log(`\norder saga benchmark — ${machine()}`);
    console.log(
      `services: auth, catalog, order as built processes (LOG_LEVEL=warn, default pool/relay/consumer settings); ` +
        `load generator and outcome consumer in the bench process; setup ${setupSeconds.toFixed(0)} s; ` +
        `load average ${load0.toFixed(2)} at start` +
        (Object.keys(SERVICE_ENV).length ? `; service env ${JSON.stringify(SERVICE_ENV)}` : ''),
    );
    console.log(
      `each customer loops: POST /v1/orders (1 line, quantity 1, one of ${PRODUCTS} products) → wait for ` +
        `OrderConfirmed/OrderRejected on ${TOPICS.orderEvents.name} (own consumer group) → next; ` +
        `${SECONDS} s per row after a ${WARM_UP_SECONDS} s warm-up; scarce product: ${SCARCE_STOCK} units\n`,
    );
    printThroughput(rows);
    printFloor(FLOOR_SAMPLES, floor.latency, floorAfter.latency);
    printCpu(rows, SECONDS);
    printStages(rows);
  } finally {
    await tap.stop().catch(() => undefined);
    await stack.stop();
    await infra.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
