// Tracing cost: `npm run bench:tracing`. Prints numbers; asserts nothing.
// The order saga (the three built services, as in bench:saga) measured with tracing off and on
// (OpenTelemetry → the local Zipkin, every trace sampled), alternating off/on/off/on in one run so
// the machine's other load hits both alike. Each customer loops: POST /v1/orders, wait for the
// order's OrderConfirmed on order.events (the bench's own consumer), next.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Order, ServiceName } from '@shopflow/contracts';
import { traceNewMessage, traceProcess } from '@shopflow/platform/observability';
import { eventually, IsolatedInfra, OutcomeTap, ShopflowStack, ZipkinServer } from '@shopflow/testing';
import { benchInfra, machine, summarize } from './bench-infra';
import { processCpuMs } from './cpu-meter';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const WARM_UP_SECONDS = Number(process.env['WARM_UP_SECONDS'] ?? 5);
const CUSTOMERS = Number(process.env['TRACING_CUSTOMERS'] ?? 10);
/** TRACING_ROUNDS=off,on,…; empty for the no-op cost alone. */
const ROUNDS = (process.env['TRACING_ROUNDS'] ?? 'off,on,off,on').split(',').filter(Boolean);
const NOOP_EVENTS = 200_000;
const SERVICES: ServiceName[] = ['auth', 'catalog', 'order'];
/** A fresh stack on fresh schemas, with or without tracing; the warm-up, then one measured run. */
async function round(brokers: string[], tap: OutcomeTap, tracing: Record<string, string>) {
  const infra = await IsolatedInfra.onBroker(brokers, 'bench_tracing');
  const stack = await ShopflowStack.start({
    infra,
    env: { auth: { ...tracing, ACCESS_TOKEN_TTL_SECONDS: '3600' }, catalog: tracing, order: tracing },
  }).catch(async (error: unknown) => {
    await infra.destroy();
    throw error;
  });
  try {
    await tap.start(); // once the topics exist
    const product = await stack.product(1_000_000);
    const tokens: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) tokens.push((await stack.customer(`C${i}`)).token);
    const place = (token: string) =>
      stack.request<Order>('POST', '/v1/orders', {
        token,
        body: { lines: [{ productId: product.id, quantity: 1 }] },
      });
    await eventually(async () => expect202((await place(tokens[0]!)).status), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const servicesCpuMs = () => SERVICES.reduce((sum, s) => sum + processCpuMs(stack.pid(s)), 0);

    const run = async (seconds: number) => {
      const post: number[] = [];
      const final: number[] = [];
      const end = performance.now() + seconds * 1000;
      const cpu0 = servicesCpuMs();
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
        cpuPerOrder: (servicesCpuMs() - cpu0) / final.length,
        perSecond: final.length / seconds,
      };
    };
    await run(WARM_UP_SECONDS);
    return await run(SECONDS);
  } finally {
    await stack.stop();
    await infra.destroy();
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
    await tap.stop();
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
