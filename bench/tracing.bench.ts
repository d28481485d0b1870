// Tracing cost: `npm run bench:tracing`. Prints numbers; asserts nothing.
// The order saga (the three built services, as in bench:saga) measured with tracing off and on
// (OpenTelemetry → the local Zipkin, every trace sampled), alternating off/on/off/on in one run so
// the machine's other load hits both alike. Each customer loops: POST /v1/orders, wait for the
// order's OrderConfirmed on order.events (the bench's own consumer), next.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { EVENT_HEADERS, TOPICS, type Order, type Product, type ServiceName } from '@shopflow/contracts';
import { KafkajsBroker } from '@shopflow/platform/messaging';
import { createLogger, traceNewMessage, traceProcess } from '@shopflow/platform/observability';
import {
  createTestSchema,
  eventually,
  freePort,
  spawnService,
  waitUntilReady,
  ZipkinServer,
  type ServiceProcess,
} from '@shopflow/testing';
import { benchInfra, machine, summarize } from './bench-infra';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const WARM_UP_SECONDS = Number(process.env['WARM_UP_SECONDS'] ?? 5);
const CUSTOMERS = Number(process.env['TRACING_CUSTOMERS'] ?? 10);
/** TRACING_ROUNDS=off,on,…; empty for the no-op cost alone. */
const ROUNDS = (process.env['TRACING_ROUNDS'] ?? 'off,on,off,on').split(',').filter(Boolean);
const NOOP_EVENTS = 200_000;
const SERVICES: ServiceName[] = ['auth', 'catalog', 'order'];
const logger = createLogger({ service: 'bench', level: 'error' });

/** CPU time (ms) of a process from /proc: user + system, in clock ticks of 10 ms. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resolves each order's wait when its OrderConfirmed / OrderRejected reaches the bench. */
class OutcomeTap {
  private readonly waiting = new Map<string, () => void>();
  private readonly early = new Set<string>();
  readonly broker: KafkajsBroker;

  constructor(brokers: string[]) {
    this.broker = new KafkajsBroker({ brokers, clientId: 'bench-tracing-tap', logger });
  }

  private started = false;

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.broker.startConsumer({
      groupId: `bench-tracing-tap-${randomUUID()}`,
      topics: [TOPICS.orderEvents.name],
      fromBeginning: false,
      partitionsConsumedConcurrently: 3,
      handleBatch: async (messages, controls) => {
        for (const m of messages) {
          const type = m.headers[EVENT_HEADERS.type];
          if ((type !== 'OrderConfirmed' && type !== 'OrderRejected') || !m.key) continue;
          const done = this.waiting.get(m.key);
          if (done) done();
          else this.early.add(m.key);
        }
        await controls.commit(messages[messages.length - 1]!);
      },
    });
  }

  outcome(orderId: string): Promise<boolean> {
    if (this.early.delete(orderId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 40_000);
      this.waiting.set(orderId, () => {
        clearTimeout(timer);
        this.waiting.delete(orderId);
        resolve(true);
      });
    });
  }
}

async function startStack(brokers: string[], tracing: Record<string, string>) {
  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await freePort()])));
  const admin = { email: `admin-${randomUUID().slice(0, 8)}@example.com`, password: 'bench-admin-password' };
  const privateKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
  const schemas: { drop(): Promise<void> }[] = [];
  const processes = new Map<ServiceName, ServiceProcess>();
  const envs = await Promise.all(
    SERVICES.map(async (service) => {
      const schema = await createTestSchema(`bench_tracing_${service}`);
      schemas.push(schema);
      const env: Record<string, string> = {
        DATABASE_URL: schema.url,
        KAFKA_BROKERS: brokers.join(','),
        HTTP_PORT: String(ports[service]),
        LOG_LEVEL: 'warn',
        JWT_JWKS_URL: `http://127.0.0.1:${ports['auth']}/.well-known/jwks.json`,
        ...tracing,
        ...(service === 'auth'
          ? {
              JWT_PRIVATE_KEYS: privateKey.toString(),
              ACCESS_TOKEN_TTL_SECONDS: '3600',
              ADMIN_EMAIL: admin.email,
              ADMIN_PASSWORD: admin.password,
            }
          : {}),
      };
      for (const command of ['migrate', 'create-topics']) {
        const run = spawnService(service, env, [command]);
        if ((await run.exited) !== 0) throw new Error(`${service} ${command} failed:\n${run.output()}`);
      }
      return [service, env] as const;
    }),
  );
  for (const [service, env] of envs) {
    const proc = spawnService(service, env);
    processes.set(service, proc);
    await waitUntilReady(proc, 60_000);
  }
  const call = async <T>(service: ServiceName, path: string, body: unknown, token?: string) => {
    const response = await fetch(`${processes.get(service)!.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const login = async (email: string, password: string) =>
    (await call<{ accessToken: string }>('auth', '/v1/auth/login', { email, password })).body.accessToken;
  return {
    call,
    admin: () => login(admin.email, admin.password),
    async customer(i: number) {
      const email = `c${i}-${randomUUID().slice(0, 8)}@example.com`;
      const registered = await call('auth', '/v1/auth/register', {
        email,
        password: 'bench-customer-password',
        displayName: `Customer ${i}`,
      });
      if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
      return login(email, 'bench-customer-password');
    },
    cpu: () => SERVICES.reduce((sum, s) => sum + cpuMs(processes.get(s)!.child.pid), 0),
    async stop() {
      await Promise.all([...processes.values()].map((p) => p.stop('SIGTERM')));
      await Promise.all(schemas.map((s) => s.drop()));
    },
  };
}

async function round(brokers: string[], tap: OutcomeTap, tracing: Record<string, string>) {
  const stack = await startStack(brokers, tracing);
  try {
    await tap.start(); // once the services created the topics
    const adminToken = await stack.admin();
    const product = await stack.call<Product>(
      'catalog',
      '/v1/products',
      {
        sku: `BENCH-${randomUUID().slice(0, 12)}`,
        name: 'Bench product',
        category: 'bench',
        priceCents: 1999,
        currency: 'EUR',
        initialStock: 1_000_000,
      },
      adminToken,
    );
    if (product.status !== 201)
      throw new Error(`create product: ${product.status} ${JSON.stringify(product.body)}`);
    const tokens: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) tokens.push(await stack.customer(i));
    const place = (token: string) =>
      stack.call<Order>(
        'order',
        '/v1/orders',
        { lines: [{ productId: product.body.id, quantity: 1 }] },
        token,
      );
    await eventually(async () => expect202((await place(tokens[0]!)).status), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });

    const run = async (seconds: number) => {
      const post: number[] = [];
      const final: number[] = [];
      const end = performance.now() + seconds * 1000;
      const cpu0 = stack.cpu();
      await Promise.all(
        tokens.map(async (token) => {
          while (performance.now() < end) {
            const t0 = performance.now();
            const res = await place(token);
            post.push(performance.now() - t0);
            if (res.status === 202 && (await tap.outcome(res.body.id))) final.push(performance.now() - t0);
          }
        }),
      );
      return {
        post: summarize(post),
        final: summarize(final),
        cpuPerOrder: (stack.cpu() - cpu0) / final.length,
        perSecond: final.length / seconds,
      };
    };
    await run(WARM_UP_SECONDS);
    return await run(SECONDS);
  } finally {
    await stack.stop();
  }
}

function expect202(status: number): void {
  if (status !== 202) throw new Error(`order service answers ${status}`);
}

/**
 * What tracing off adds per event, in this process where no SDK is registered: the outbox's
 * `create` span and the consumer's `process` span against @opentelemetry/api's no-ops.
 */
async function noopCostPerEvent(): Promise<number> {
  const message = { topic: 't', partition: 0, offset: '1', consumerGroup: 'g', eventId: 'e', eventType: 'T' };
  const once = async () => {
    const traceparent = traceNewMessage('t', 'T', 'e') ?? undefined;
    await traceProcess({ ...message, traceparent }, async () => undefined);
  };
  for (let i = 0; i < 10_000; i++) await once(); // warm-up
  const started = performance.now();
  for (let i = 0; i < NOOP_EVENTS; i++) await once();
  return ((performance.now() - started) * 1000) / NOOP_EVENTS;
}

async function main() {
  const noopMicros = await noopCostPerEvent();
  console.log(
    `\ntracing off: ${noopMicros.toFixed(2)} µs per event for the create and process spans (no-op API, ${NOOP_EVENTS} events)`,
  );
  if (ROUNDS.length === 0) return;
  const { brokers } = benchInfra();
  const zipkin = await ZipkinServer.start();
  const tap = new OutcomeTap(brokers);
  const rows: { mode: string; r: Awaited<ReturnType<typeof round>> }[] = [];
  const machineLoad = loadavg()[0]!;
  try {
    for (const mode of ROUNDS)
      rows.push({
        mode,
        r: await round(brokers, tap, mode === 'on' ? { TRACING_ZIPKIN_URL: zipkin.spansUrl } : {}),
      });
  } finally {
    await tap.broker.close();
    await zipkin.stop();
  }
  const f = (n: number) => n.toFixed(1);
  console.log(
    `\ntracing cost — ${machine()}; load average ${machineLoad.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at the end`,
  );
  console.log(
    `${CUSTOMERS} customers, ${SECONDS} s per round after ${WARM_UP_SECONDS} s warm-up; on = every trace sampled, exported to Zipkin on this machine\n`,
  );
  console.log('tracing   final/s  POST→CONFIRMED p50/p99 ms  POST→202 p50/p99 ms  services CPU ms/order');
  for (const { mode, r } of rows)
    console.log(
      `${mode.padEnd(8)} ${f(r.perSecond).padStart(8)} ${`${f(r.final.p50)} / ${f(r.final.p99)}`.padStart(26)} ${`${f(r.post.p50)} / ${f(r.post.p99)}`.padStart(20)} ${f(r.cpuPerOrder).padStart(22)}`,
    );
  const mean = (mode: string, pick: (r: Awaited<ReturnType<typeof round>>) => number) => {
    const xs = rows.filter((x) => x.mode === mode).map((x) => pick(x.r));
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const change = (pick: (r: Awaited<ReturnType<typeof round>>) => number) =>
    `${f((100 * (mean('on', pick) - mean('off', pick))) / mean('off', pick))} %`;
  console.log(
    `\non vs off (mean of the rounds): orders/s ${change((r) => r.perSecond)}, CONFIRMED p50 ${change((r) => r.final.p50)}, ` +
      `POST p50 ${change((r) => r.post.p50)}, CPU per order ${change((r) => r.cpuPerOrder)}`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
