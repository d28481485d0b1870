// Order saga benchmark: `npm run bench:saga`. Prints numbers; asserts nothing.
// The three built services as their own processes, on fresh schemas and the bench broker. A fixed
// number of customers each loop: POST /v1/orders, wait for the order's final state, next order.
// Measured: orders/s reaching a final state, and POST → CONFIRMED latency, next to the raw Kafka
// round trip on the same broker in the same run (the floor: the saga crosses Kafka four times).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createConnection, type Connection } from 'mysql2/promise';
import { EVENT_HEADERS, TOPICS, type Order, type Product, type ServiceName } from '@shopflow/contracts';
import { KafkajsBroker, type ReceivedMessage } from '@shopflow/platform/messaging';
import { createLogger } from '@shopflow/platform/observability';
import {
  createTestSchema,
  eventually,
  requireTestEnv,
  freePort,
  spawnService,
  waitUntilReady,
  type ServiceProcess,
} from '@shopflow/testing';
import { benchInfra, machine, summarize } from './bench-infra';
import { rawKafkaRoundTrip } from './kafka-round-trip';

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
/** Longer than the order service's 30 s PENDING deadline: every order ends, one way or the other. */
const OUTCOME_TIMEOUT_MS = 40_000;
const SERVICES: ServiceName[] = ['auth', 'catalog', 'order'];
const logger = createLogger({ service: 'bench', level: 'error' });
/** SAGA_SERVICE_<NAME>=value sets <NAME> for all three services, e.g. SAGA_SERVICE_DATABASE_POOL_SIZE=20. */
const SERVICE_ENV = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name, value]) => name.startsWith('SAGA_SERVICE_') && value !== undefined)
    .map(([name, value]) => [name.slice('SAGA_SERVICE_'.length), value!]),
);

type FinalState = 'CONFIRMED' | 'REJECTED';
interface Outcome {
  state: FinalState;
  /** performance.now() when the bench's own consumer received the order's final event. */
  at: number;
}

/**
 * Learns each order's final state from OrderConfirmed / OrderRejected on order.events, in a
 * consumer group of its own: no polling load on the order service. The latency it yields includes
 * this consumer's delivery (one more Kafka hop than the service's own commit).
 */
class OutcomeTap {
  private readonly arrived = new Map<string, Outcome>();
  private readonly waiting = new Map<string, (outcome: Outcome) => void>();
  private readonly broker: KafkajsBroker;

  constructor(brokers: string[]) {
    this.broker = new KafkajsBroker({ brokers, clientId: 'bench-saga-tap', logger });
  }

  async start(): Promise<void> {
    await this.broker.startConsumer({
      groupId: `bench-saga-tap-${randomUUID()}`,
      topics: [TOPICS.orderEvents.name],
      // From the beginning, so nothing published between the group join and the first fetch is
      // missed; the bench broker is fresh each run, and unknown order ids are only remembered.
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      handleBatch: async (messages, controls) => {
        const at = performance.now();
        for (const m of messages) this.receive(m, at);
        await controls.commit(messages[messages.length - 1]!);
      },
    });
  }

  private receive(message: ReceivedMessage, at: number): void {
    const type = message.headers[EVENT_HEADERS.type];
    const state = type === 'OrderConfirmed' ? 'CONFIRMED' : type === 'OrderRejected' ? 'REJECTED' : null;
    if (!state || !message.key) return;
    const outcome = { state, at } as const;
    const resolve = this.waiting.get(message.key);
    if (resolve) {
      this.waiting.delete(message.key);
      resolve(outcome);
    } else this.arrived.set(message.key, outcome);
  }

  outcome(orderId: string): Promise<Outcome | null> {
    const early = this.arrived.get(orderId);
    if (early) {
      this.arrived.delete(orderId);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(orderId);
        resolve(null);
      }, OUTCOME_TIMEOUT_MS);
      this.waiting.set(orderId, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
    });
  }

  async stop(): Promise<void> {
    await this.broker.close();
  }
}

class Stack {
  readonly admin = {
    email: `admin-${randomUUID().slice(0, 8)}@example.com`,
    password: 'bench-admin-password',
  };
  private readonly processes = new Map<ServiceName, ServiceProcess>();
  private readonly schemas: { drop(): Promise<void> }[] = [];
  readonly databaseUrls = new Map<ServiceName, string>();
  kafkaPid?: number;

  async start(brokers: string[]): Promise<void> {
    this.kafkaPid = kafkaPid(brokers);
    const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await freePort()])));
    const privateKey = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const envs = new Map<ServiceName, Record<string, string>>();
    await Promise.all(
      SERVICES.map(async (service) => {
        const schema = await createTestSchema(`bench_saga_${service}`);
        this.schemas.push(schema);
        this.databaseUrls.set(service, schema.url);
        const env: Record<string, string> = {
          DATABASE_URL: schema.url,
          KAFKA_BROKERS: brokers.join(','),
          KAFKA_CLIENT_ID: `${service}-bench`,
          HTTP_PORT: String(ports[service]),
          LOG_LEVEL: 'warn',
          JWT_JWKS_URL: `http://127.0.0.1:${ports['auth']}/.well-known/jwks.json`,
          ...SERVICE_ENV,
          ...(service === 'auth'
            ? {
                JWT_PRIVATE_KEYS: privateKey,
                ACCESS_TOKEN_TTL_SECONDS: '3600',
                ADMIN_EMAIL: this.admin.email,
                ADMIN_PASSWORD: this.admin.password,
              }
            : {}),
        };
        envs.set(service, env);
        for (const command of ['migrate', 'create-topics']) {
          const run = spawnService(service, env, [command]);
          if ((await run.exited) !== 0) throw new Error(`${service} ${command} failed:\n${run.output()}`);
        }
      }),
    );
    // Every topic exists before any consumer subscribes.
    await Promise.all(
      SERVICES.map(async (service) => {
        const proc = spawnService(service, envs.get(service)!);
        this.processes.set(service, proc);
        await waitUntilReady(proc, 60_000);
      }),
    );
  }

  pid(service: ServiceName): number | undefined {
    return this.processes.get(service)?.child.pid;
  }

  url(service: ServiceName, path: string): string {
    return `${this.processes.get(service)!.baseUrl}${path}`;
  }

  async request<T>(
    service: ServiceName,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(this.url(service, path), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async login(email: string, password: string): Promise<string> {
    const res = await this.request<{ accessToken: string }>('auth', 'POST', '/v1/auth/login', {
      email,
      password,
    });
    if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }

  async customer(i: number): Promise<string> {
    const email = `customer-${i}-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'bench-customer-password';
    const res = await this.request('auth', 'POST', '/v1/auth/register', {
      email,
      password,
      displayName: `Customer ${i}`,
    });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    return this.login(email, password);
  }

  async product(adminToken: string, stock: number): Promise<string> {
    const res = await this.request<Product>(
      'catalog',
      'POST',
      '/v1/products',
      {
        sku: `BENCH-${randomUUID().slice(0, 12)}`,
        name: 'Bench product',
        category: 'bench',
        priceCents: 1999,
        currency: 'EUR',
        initialStock: stock,
      },
      adminToken,
    );
    if (res.status !== 201) throw new Error(`create product: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop('SIGTERM')));
    await Promise.all(this.schemas.map((s) => s.drop()));
  }
}

interface Sample {
  orderId: string;
  /** Wall-clock ms when the POST was sent, comparable with the services' timestamps. */
  startedAt: number;
  /** Wall-clock ms when the final event reached the bench's consumer. */
  finishedAt: number;
  /** POST → 202 */
  postMs: number;
  /** POST → final event seen by the tap; null when it never came. */
  finalMs: number | null;
  state: FinalState | 'LOST';
  /** When the final event came, relative to the phase's start. */
  doneAt: number;
}

/** CPU time (ms) of a process from /proc: user + system, in clock ticks of 10 ms. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Busy CPU time (ms) of the whole machine, all cores, from /proc/stat. */
function machineBusyMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (ticks.reduce((a, b) => a + b, 0) - idle) * 10;
}

function pidOf(command: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** The local Kafka broker serving `brokers` (started by tools/kafka), found by its server.properties. */
function kafkaPid(brokers: string[]): number | undefined {
  const listener = `PLAINTEXT://${brokers[0]}`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
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

/** CPU used during a window, per process of interest and for the whole machine. */
function cpuMeter(stack: Stack) {
  const pids: Record<string, number | undefined> = {
    auth: stack.pid('auth'),
    catalog: stack.pid('catalog'),
    order: stack.pid('order'),
    bench: process.pid,
    mariadb: pidOf('mariadbd'),
    kafka: stack.kafkaPid,
  };
  const snapshot = () => ({
    ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)])),
    machine: machineBusyMs(),
  });
  const before = snapshot();
  return () => {
    const after = snapshot();
    return Object.fromEntries(
      Object.entries(after).map(([name, ms]) => [name, ms - (before as Record<string, number>)[name]!]),
    );
  };
}

/** MariaDB's server-wide statement and commit counters (shared server: others' queries count too). */
async function sqlCounters(): Promise<{ statements: number; commits: number }> {
  const admin = await createConnection({ uri: requireTestEnv('MYSQL_ADMIN_URL') });
  try {
    const [rows] = await admin.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit')");
    const value = (name: string) =>
      Number(
        (rows as { Variable_name: string; Value: string }[]).find((r) => r.Variable_name === name)?.Value,
      );
    return { statements: value('Questions'), commits: value('Com_commit') };
  } finally {
    await admin.end();
  }
}

/** `customers` closed loops for `seconds`; orders still in flight at the end are waited for. */
async function phase(stack: Stack, tap: OutcomeTap, tokens: string[], products: string[], seconds: number) {
  const samples: Sample[] = [];
  let failedPosts = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  const url = stack.url('order', '/v1/orders');
  const sqlBefore = await sqlCounters();
  const meter = cpuMeter(stack);
  let cpu: Record<string, number> = {};
  let sql = { statements: NaN, commits: NaN };
  const window = new Promise<void>((resolve) =>
    setTimeout(() => {
      cpu = meter();
      void sqlCounters().then((after) => {
        sql = {
          statements: after.statements - sqlBefore.statements,
          commits: after.commits - sqlBefore.commits,
        };
        resolve();
      }, resolve);
    }, seconds * 1000),
  );
  await Promise.all(
    tokens.map(async (token) => {
      while (performance.now() < until) {
        const productId = products[Math.floor(Math.random() * products.length)]!;
        const start = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ lines: [{ productId, quantity: 1 }] }),
        });
        const posted = performance.now();
        if (response.status !== 202) {
          failedPosts++;
          await response.text();
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const order = (await response.json()) as Order;
        const outcome = await tap.outcome(order.id);
        const end = outcome?.at ?? performance.now();
        samples.push({
          orderId: order.id,
          startedAt: performance.timeOrigin + start,
          finishedAt: performance.timeOrigin + end,
          postMs: posted - start,
          finalMs: outcome ? outcome.at - start : null,
          state: outcome?.state ?? 'LOST',
          doneAt: end - t0,
        });
      }
    }),
  );
  await window;
  const reached = samples.filter((s) => s.state !== 'LOST' && s.doneAt <= seconds * 1000);
  const confirmed = samples.filter((s) => s.state === 'CONFIRMED');
  return {
    ordersPerSecond: reached.length / seconds,
    reached: reached.length,
    cpu,
    sql,
    confirmedLatency: summarize(confirmed.map((s) => s.finalMs!)),
    post: summarize(samples.map((s) => s.postMs)),
    confirmed: confirmed.length,
    rejected: samples.filter((s) => s.state === 'REJECTED').length,
    lost: samples.filter((s) => s.state === 'LOST').length,
    failedPosts,
    samples,
  };
}

/**
 * Where the time goes, for a sample of confirmed orders, from the timestamps the services wrote
 * (read from their schemas after the row, so it adds no load during it; one clock, one machine).
 * `published_at` is written after the broker acknowledged; `processed_at` when the consumer's
 * transaction records the event in its inbox, before the handler runs.
 */
async function stages(stack: Stack, samples: Sample[], count = 300) {
  const picked = samples
    .filter((s) => s.state === 'CONFIRMED')
    .sort(() => Math.random() - 0.5)
    .slice(0, count);
  const connect = (service: ServiceName) =>
    createConnection({ uri: stack.databaseUrls.get(service)!, timezone: 'Z' });
  const [orderDb, catalogDb] = await Promise.all([connect('order'), connect('catalog')]);
  type Row = Record<string, unknown> & { t?: Date };
  const rows = async (db: Connection, sql: string, params: unknown[]) =>
    (await db.query(sql, params))[0] as Row[];
  const ms = (d: unknown) => (d instanceof Date ? d.getTime() : NaN);
  try {
    const ids = picked.map((s) => s.orderId);
    if (ids.length === 0) return [];
    const byKey = (list: Row[], key: string) => new Map(list.map((r) => [String(r[key]), r]));
    const created = byKey(
      await rows(orderDb, 'SELECT id, created_at FROM customer_order WHERE id IN (?)', [ids]),
      'id',
    );
    const orderOutbox = await rows(
      orderDb,
      `SELECT id, message_key, event_type, created_at, published_at FROM outbox_message
        WHERE message_key IN (?) AND event_type IN ('OrderPlaced', 'OrderConfirmed')`,
      [ids],
    );
    const placed = byKey(
      orderOutbox.filter((r) => r['event_type'] === 'OrderPlaced'),
      'message_key',
    );
    const confirmed = byKey(
      orderOutbox.filter((r) => r['event_type'] === 'OrderConfirmed'),
      'message_key',
    );
    const reserved = byKey(
      await rows(
        catalogDb,
        `SELECT id, message_key, created_at, published_at FROM outbox_message
          WHERE message_key IN (?) AND event_type = 'StockReserved'`,
        [ids],
      ),
      'message_key',
    );
    const catalogInbox = byKey(
      await rows(catalogDb, 'SELECT event_id, processed_at FROM inbox_message WHERE event_id IN (?)', [
        [...placed.values()].map((r) => r['id']),
      ]),
      'event_id',
    );
    const orderInbox = byKey(
      await rows(orderDb, 'SELECT event_id, processed_at FROM inbox_message WHERE event_id IN (?)', [
        [...reserved.values()].map((r) => r['id']),
      ]),
      'event_id',
    );
    const names = [
      'POST → order transaction (HTTP, JWT, pricing)',
      'order commit + relay → OrderPlaced acked',
      'Kafka → catalog consumer (inbox insert)',
      'reserve + commit + relay → StockReserved acked',
      'Kafka → order consumer (inbox insert)',
      'confirm + commit + relay → OrderConfirmed acked',
      'Kafka → bench consumer',
    ];
    const durations: number[][] = names.map(() => []);
    for (const s of picked) {
      const p = placed.get(s.orderId);
      const r = reserved.get(s.orderId);
      const c = confirmed.get(s.orderId);
      if (!p || !r || !c) continue;
      const points = [
        s.startedAt,
        ms(created.get(s.orderId)?.['created_at']),
        ms(p['published_at']),
        ms(catalogInbox.get(String(p['id']))?.['processed_at']),
        ms(r['published_at']),
        ms(orderInbox.get(String(r['id']))?.['processed_at']),
        ms(c['published_at']),
        s.finishedAt,
      ];
      if (points.some((t) => Number.isNaN(t))) continue;
      for (let i = 0; i < names.length; i++) durations[i]!.push(points[i + 1]! - points[i]!);
    }
    return names.map((name, i) => ({ name, ...summarize(durations[i]!) }));
  } finally {
    await Promise.all([orderDb.end(), catalogDb.end()]);
  }
}

async function main() {
  const { brokers } = benchInfra();
  const load0 = loadavg()[0]!;
  const setupStart = performance.now();
  const stack = new Stack();
  const tap = new OutcomeTap(brokers);
  try {
    await stack.start(brokers);
    await tap.start();
    const adminToken = await stack.login(stack.admin.email, stack.admin.password);
    const plenty = await Promise.all(
      Array.from({ length: PRODUCTS }, () => stack.product(adminToken, 1_000_000)),
    );
    const scarce = await stack.product(adminToken, Math.max(1, SCARCE_STOCK)); // 0: no such row
    // Registration is argon2-bound: a few at a time, and not measured.
    const tokens: string[] = [];
    for (let i = 0; i < CUSTOMERS; i += 4) {
      tokens.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(4, CUSTOMERS - i) }, (_, j) => stack.customer(i + j)),
        )),
      );
    }
    // The order service learns products from the catalog's events: wait until it accepts each.
    for (const productId of [...plenty, scarce]) {
      await eventually(
        async () => {
          const res = await stack.request<Order>(
            'order',
            'POST',
            '/v1/orders',
            { lines: [{ productId, quantity: 1 }] },
            tokens[0],
          );
          if (res.status !== 202) throw new Error(`order service does not know ${productId} yet`);
          await tap.outcome(res.body.id);
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    }
    const setupSeconds = (performance.now() - setupStart) / 1000;

    // The floor, on the same broker, before the load (nothing else running on it).
    const floor = await rawKafkaRoundTrip({ brokers, logger, latencySamples: FLOOR_SAMPLES });

    await phase(stack, tap, tokens.slice(0, BASE_CONCURRENCY), plenty, WARM_UP_SECONDS);
    const results = [];
    for (const customers of CONCURRENCY) {
      const r = await phase(stack, tap, tokens.slice(0, customers), plenty, SECONDS);
      results.push({
        label: `${customers}`,
        ...r,
        stages: await stages(stack, r.samples),
        load: loadavg()[0]!,
      });
    }
    // Limited stock: the customers all order the one scarce product until it runs out.
    if (SCARCE_STOCK > 0) {
      const s = await phase(stack, tap, tokens.slice(0, BASE_CONCURRENCY), [scarce], SECONDS);
      const label = `${BASE_CONCURRENCY}, 1 scarce product`;
      results.push({ label, ...s, stages: await stages(stack, s.samples), load: loadavg()[0]! });
    }
    const floorAfter = await rawKafkaRoundTrip({ brokers, logger, latencySamples: FLOOR_SAMPLES });

    const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
    const pair = (x: { p50: number; p99: number }) => `${f(x.p50)} / ${f(x.p99)}`;
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
    console.log(
      'customers              final/s  POST→CONFIRMED p50/p99 ms  POST→202 p50/p99 ms  confirmed  rejected  lost  non-202  load',
    );
    for (const r of results) {
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
    console.log(
      `\nfloor: raw kafkajs produce→consume (idempotent, acks=all), ${FLOOR_SAMPLES} sequential messages: ` +
        `p50 ${f(floor.latency.p50)} ms, p99 ${f(floor.latency.p99)} ms before the load; ` +
        `p50 ${f(floorAfter.latency.p50)} ms, p99 ${f(floorAfter.latency.p99)} ms after it.\n` +
        `An order crosses Kafka 3 times (OrderPlaced → catalog, StockReserved → order, OrderConfirmed → ` +
        `the bench's consumer): ~${f(3 * floor.latency.p50)} ms of its p50 is the broker alone.`,
    );
    console.log(
      '\nCPU during each row (ms of CPU per order reaching a final state; machine = all processes, 2 cores = 2000 ms/s):',
    );
    const cpuNames = ['order', 'catalog', 'auth', 'bench', 'kafka', 'mariadb', 'machine'];
    console.log(
      `${'customers'.padEnd(22)}${cpuNames.map((n) => n.padStart(9)).join('')}   machine busy   others   SQL statements / commits per order`,
    );
    const capacity = SECONDS * 1000 * cpus().length;
    for (const r of results) {
      const ours = cpuNames.slice(0, -1).reduce((sum, n) => sum + (r.cpu[n] ?? 0), 0);
      console.log(
        `${r.label.padEnd(22)}${cpuNames.map((n) => f((r.cpu[n] ?? NaN) / r.reached).padStart(9)).join('')}` +
          `   ${f((100 * (r.cpu['machine'] ?? NaN)) / capacity).padStart(10)} %` +
          `   ${f((100 * ((r.cpu['machine'] ?? NaN) - ours)) / capacity).padStart(4)} %` +
          `   ${f(r.sql.statements / r.reached)} / ${f(r.sql.commits / r.reached)}`,
      );
    }
    console.log(
      'others = the machine minus the processes listed: other work on the machine (noise). MariaDB is ' +
        'shared: its column includes other clients’ queries.',
    );
    console.log(
      '\nwhere the time goes (p50 / p99 ms of each step, 300 confirmed orders per row, from the services’ timestamps):',
    );
    console.log(`${'step'.padEnd(48)}${results.map((r) => r.label.padStart(22)).join('')}`);
    for (let i = 0; i < results[0]!.stages.length; i++) {
      console.log(
        `${results[0]!.stages[i]!.name.padEnd(48)}${results.map((r) => (r.stages[i] ? pair(r.stages[i]!) : '-').padStart(22)).join('')}`,
      );
    }
  } finally {
    await tap.stop().catch(() => undefined);
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
