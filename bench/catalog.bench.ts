// Catalog benchmark: `npm run bench:catalog`. Prints numbers; fails only when something is broken
// (a server that does not start, the service and the bare server answering differently, errors).
// (1) The two public reads, GET /v1/products/:id and a filtered, sorted page, through the built
//     catalog service and through a bare Fastify + mysql2 server running the same SQL
//     (catalog-bare-server.ts), on the same 10,000 products, in one run.
// (2) The same reads of the products admins are writing to (stock adjustments and If-Match price
//     changes through the service, at a fixed rate), quiet and under the writes: ADR 0005's numbers.
// (3) Staleness under those writes: a price changed through the service, until a second replica
//     serves it (p50 / p99 / max).
// The service runs with its read cache as BENCH_CATALOG_CACHE says: lru (the default), redis
// (REDIS_URL, default the machine's) or off (CATALOG_CACHE_TTL_MS=0): one run per backend (ADR 0011).
// Knobs: BENCH_SECONDS, BENCH_WARM_UP_SECONDS, BENCH_CONNECTIONS, BENCH_WRITES_PER_SECOND,
// BENCH_POOL_SIZE, BENCH_SERVICE_NODE_OPTIONS, BENCH_CATALOG_CACHE, BENCH_STALENESS_SAMPLES.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection } from 'mysql2/promise';
import { topicsCreatedBy } from '@shopflow/contracts';
import { KafkajsBroker } from '@shopflow/platform/messaging';
import { createLogger } from '@shopflow/platform/observability';
import {
  createTestSchema,
  freePort,
  JwksServer,
  nowSec,
  spawnService,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TestSigningKey,
  tenThousandProductsSql,
  waitUntilReady,
  type ServiceProcess,
} from '@shopflow/testing';
import { benchInfra, summarize } from './bench-infra';
import { databaseServerPid, machineCpuMs, pidOf, processCpuMs } from './cpu-meter';
import { assertSameAnswers, startBareServer, type Server } from './catalog-baseline';
import { printCatalogReport, type Measured } from './catalog-report';
import { cacheCounts, invalidationLagQuantiles, measureStaleness } from './catalog-staleness';
import { startCatalogWriters } from './catalog-writers';
import { load } from './http-load';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARM_UP_SECONDS = Number(process.env['BENCH_WARM_UP_SECONDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const WRITES_PER_SECOND = Number(process.env['BENCH_WRITES_PER_SECOND'] ?? 100);
const POOL_SIZE = process.env['BENCH_POOL_SIZE'] ?? '10'; // the service's default DATABASE_POOL_SIZE, for both servers
const PRODUCTS = 10_000;
const CACHE = process.env['BENCH_CATALOG_CACHE'] ?? 'lru';
const CACHE_ENV: Record<string, string> =
  CACHE === 'redis'
    ? { REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379/0' }
    : CACHE === 'off'
      ? { CATALOG_CACHE_TTL_MS: '0' }
      : {};
const STALENESS_SAMPLES = Number(process.env['BENCH_STALENESS_SAMPLES'] ?? 200);
const PAGE = '/v1/products?category=cat-7&minPriceCents=1000&maxPriceCents=60000&sort=-priceCents&limit=20';
const logger = createLogger({ service: 'bench', level: 'error' });

// A 200-character description, as a real product would have; 1,000 units each.
const SEED = tenThousandProductsSql({ description: 'A sturdy product. '.repeat(11), stock: 1000 });

/** The processes of this benchmark, MySQL's included: CPU used by anything else is noise. */
const ours: number[] = [process.pid];

/** Busy and total CPU of the machine, and the CPU of this benchmark's own processes (ms). */
function cpuSnapshot() {
  const machine = machineCpuMs();
  return { ...machine, ours: ours.reduce((sum, pid) => sum + processCpuMs(pid), 0) };
}

/** Warm-up, then the measurement; any non-2xx or connection error means something is broken. */
async function measure(label: string, baseUrl: string, path: string | (() => string)): Promise<Measured> {
  const options = {
    url: `${baseUrl}${typeof path === 'string' ? path : path()}`,
    connections: CONNECTIONS,
    ...(typeof path === 'string' ? {} : { path }),
  };
  await load({ ...options, seconds: WARM_UP_SECONDS });
  const before = cpuSnapshot();
  const result = await load({ ...options, seconds: SECONDS });
  const after = cpuSnapshot();
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${label}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  // NaN when a process is gone or /proc is missing (not Linux): unknown, not zero.
  const others =
    Math.max(0, after.busy - before.busy - (after.ours - before.ours)) / (after.total - before.total);
  return { ...result, others };
}

/** Two measurements of the same thing (taken in the order A B B A against the other server). */
function mean(a: Measured, b: Measured): Measured {
  const avg = (x: number, y: number) => (x + y) / 2;
  const requestsPerSecond = avg(a.requestsPerSecond, b.requestsPerSecond);
  return {
    requestsPerSecond,
    p50: avg(a.p50, b.p50),
    p99: avg(a.p99, b.p99),
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    others: avg(a.others, b.others),
    spread: Math.abs(a.requestsPerSecond - b.requestsPerSecond) / requestsPerSecond,
  };
}

async function main() {
  const { brokers } = benchInfra();
  const schema = await createTestSchema('bench_catalog');
  const jwks = await JwksServer.start();
  const servers: Server[] = [];
  try {
    const env = {
      DATABASE_URL: schema.url,
      DATABASE_POOL_SIZE: POOL_SIZE,
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_JWKS_URL: jwks.url,
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      // e.g. `--require /path/to/profiler.js` to profile the service under the same load
      NODE_OPTIONS: process.env['BENCH_SERVICE_NODE_OPTIONS'],
      ...CACHE_ENV,
    };
    const run = async (args: string[]) => {
      const command = spawnService('catalog', env, args);
      if ((await command.exited) !== 0) throw new Error(`catalog ${args[0]} failed:\n${command.output()}`);
    };
    await run(['migrate']);
    await run(['create-topics']);
    // The catalog consumes order.events, which the order service creates.
    const broker = new KafkajsBroker({ brokers, clientId: 'bench-catalog-admin', logger });
    try {
      await broker.ensureTopics(topicsCreatedBy('order'));
    } finally {
      await broker.close();
    }

    const db = await createConnection(schema.url);
    let ids: string[];
    let hot: string[];
    let database: string;
    try {
      await db.query(SEED);
      await db.query('ANALYZE TABLE product');
      ids = ((await db.query('SELECT id FROM product'))[0] as { id: string }[]).map((r) => r.id);
      // The products on and around the measured page: the ones the writers change.
      hot = (
        (
          await db.query(
            "SELECT id FROM product WHERE status = 'ACTIVE' AND category = 'cat-7' AND price_cents BETWEEN 1000 AND 60000",
          )
        )[0] as { id: string }[]
      ).map((r) => r.id);
      database = ((await db.query('SELECT VERSION() AS v'))[0] as { v: string }[])[0]?.v ?? '?';
    } finally {
      await db.end();
    }
    if (ids.length !== PRODUCTS) throw new Error(`seeded ${ids.length} products, not ${PRODUCTS}`);

    const catalog: ServiceProcess = spawnService('catalog', { ...env, KAFKA_CLIENT_ID: 'catalog-a' });
    servers.push({ ...catalog, pid: catalog.child.pid });
    await waitUntilReady(catalog);
    // A second replica, read only by the staleness probe (3).
    const replica: ServiceProcess = spawnService('catalog', {
      ...env,
      HTTP_PORT: String(await freePort()),
      KAFKA_CLIENT_ID: 'catalog-b',
    });
    servers.push({ ...replica, pid: replica.child.pid });
    await waitUntilReady(replica);
    const bare = await startBareServer(schema.url, POOL_SIZE);
    servers.push(bare);
    // Redis, when it is the cache, is part of the system under test, not noise.
    const cachePid = CACHE === 'redis' ? pidOf('redis-server') : undefined;
    for (const pid of [catalog.child.pid, replica.child.pid, bare.pid, databaseServerPid(), cachePid])
      if (pid !== undefined) ours.push(pid);

    const randomId = (from: string[]) => () =>
      `/v1/products/${from[Math.floor(Math.random() * from.length)]}`;
    await assertSameAnswers(catalog.baseUrl, bare.baseUrl, [
      ...Array.from({ length: 20 }, randomId(ids)),
      PAGE,
      PAGE.replace('limit=20', 'limit=20&page=3'),
      '/v1/products?sort=createdAt&limit=50',
      '/v1/products?minPriceCents=500&maxPriceCents=900&sort=name',
    ]);

    // (1) Service vs bare server, in the order service, bare, bare, service, so that a drift in the
    // machine's load weighs on both alike; each figure is the mean of its two measurements.
    const abba = async (
      label: string,
      service: string | (() => string),
      bareServer: string | (() => string),
    ) => {
      const s1 = await measure(`service ${label}`, catalog.baseUrl, service);
      const b1 = await measure(`bare ${label}`, bare.baseUrl, bareServer);
      const b2 = await measure(`bare ${label}`, bare.baseUrl, bareServer);
      const s2 = await measure(`service ${label}`, catalog.baseUrl, service);
      return { service: mean(s1, s2), bare: mean(b1, b2) };
    };
    const byId = await abba('GET by id', randomId(ids), randomId(ids));
    const page = await abba('page', PAGE, PAGE);

    // (2) Reads of the products being written, quiet, then while admins write to them through the
    // service. The bare server, measured alongside, shows what the machine loses to the writes
    // (CPU, MySQL); the service loses that plus what the writes cost its own event loop and pool.
    const quiet = {
      byId: await measure('quiet GET by id', catalog.baseUrl, randomId(hot)),
      bareById: await measure('quiet bare GET by id', bare.baseUrl, randomId(hot)),
      page: await measure('quiet page', catalog.baseUrl, PAGE),
      barePage: await measure('quiet bare page', bare.baseUrl, PAGE),
    };
    const signingKey = await TestSigningKey.generate('bench-catalog');
    jwks.publish(signingKey.jwk);
    const token = await signingKey.sign({ roles: ['customer', 'admin'], exp: nowSec() + 3600 });
    const writers = startCatalogWriters(catalog.baseUrl, token, hot, WRITES_PER_SECOND);
    let busy: typeof quiet;
    let writeRate: number;
    let writeLatency: { p50: number; p99: number };
    let staleness: number[];
    try {
      await sleep(1000);
      const before = writers.snapshot();
      const t0 = performance.now();
      const hotSet = new Set(hot);
      const probed = ids.filter((id) => !hotSet.has(id)).slice(0, 50); // the writers never touch these
      const stalenessProbe = measureStaleness(
        catalog.baseUrl,
        replica.baseUrl,
        token,
        probed,
        STALENESS_SAMPLES,
      );
      busy = {
        byId: await measure('GET by id under writes', catalog.baseUrl, randomId(hot)),
        bareById: await measure('bare GET by id under writes', bare.baseUrl, randomId(hot)),
        page: await measure('page under writes', catalog.baseUrl, PAGE),
        barePage: await measure('bare page under writes', bare.baseUrl, PAGE),
      };
      staleness = await stalenessProbe;
      const after = writers.snapshot();
      writeRate = (after.writes - before.writes) / ((performance.now() - t0) / 1000);
      writeLatency = summarize(writers.latencies.slice(before.latencies, after.latencies));
    } finally {
      await writers.stop();
    }
    if (writers.failures.length > 0)
      throw new Error(`writes failed: ${[...new Set(writers.failures)].join('; ')}`);
    // The written state reads the same through both servers.
    await assertSameAnswers(catalog.baseUrl, bare.baseUrl, [
      ...hot.slice(0, 20).map((id) => `/v1/products/${id}`),
      PAGE,
    ]);

    const [lag50, lag99] = await invalidationLagQuantiles(replica.baseUrl, [0.5, 0.99]);
    printCatalogReport({
      settings: {
        cache: CACHE,
        database,
        products: PRODUCTS,
        connections: CONNECTIONS,
        seconds: SECONDS,
        warmUpSeconds: WARM_UP_SECONDS,
        poolSize: POOL_SIZE,
        page: PAGE,
        writesPerSecond: WRITES_PER_SECOND,
      },
      byId,
      pageReads: page,
      quiet,
      busy,
      hotProducts: hot.length,
      writes: { rate: writeRate, latency: writeLatency, counts: writers.counts },
      staleness,
      cacheCounts: await cacheCounts(catalog.baseUrl),
      invalidationLag: { p50: lag50!, p99: lag99! },
    });
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await jwks.close();
    await schema.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
