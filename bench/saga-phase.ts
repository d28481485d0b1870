import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import type { Order } from '@shopflow/contracts';
import { requireTestEnv, type FinalState, type OutcomeTap, type ShopflowStack } from '@shopflow/testing';
import { summarize } from './bench-infra';
import { cpuMeter } from './cpu-meter';

export interface Sample {
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

export type PhaseResult = Awaited<ReturnType<typeof sagaPhase>>;

/** The statement kinds counted per order, next to the total (`Questions`). */
const STATEMENT_KINDS = ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback'] as const;
export type SqlCounts = { statements: number; commits: number } & Partial<
  Record<(typeof STATEMENT_KINDS)[number], number>
>;

/** MariaDB's server-wide statement counters (shared server: others' queries count too). */
async function sqlCounters(): Promise<SqlCounts> {
  const admin = await createConnection({ uri: requireTestEnv('MYSQL_ADMIN_URL') });
  try {
    const names = ['Questions', ...STATEMENT_KINDS.map((kind) => `Com_${kind}`)];
    const [rows] = await admin.query('SHOW GLOBAL STATUS WHERE Variable_name IN (?)', [names]);
    const value = (name: string) =>
      Number(
        (rows as { Variable_name: string; Value: string }[]).find((r) => r.Variable_name === name)?.Value,
      );
    const counts: SqlCounts = { statements: value('Questions'), commits: value('Com_commit') };
    for (const kind of STATEMENT_KINDS) counts[kind] = value(`Com_${kind}`);
    return counts;
  } finally {
    await admin.end();
  }
}

/**
 * The load: one closed loop per token for `seconds` (POST /v1/orders, wait for the final event,
 * next); orders still in flight at the end are waited for. Measured over the window: orders reaching
 * a final state, their latency, CPU per process (`pids`) and SQL per order.
 */
export async function sagaPhase(
  stack: ShopflowStack,
  tap: OutcomeTap,
  {
    tokens,
    products,
    seconds,
    pids,
  }: {
    tokens: string[];
    products: string[];
    seconds: number;
    pids: Record<string, number | undefined>;
  },
) {
  const samples: Sample[] = [];
  let failedPosts = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  const url = `${stack.baseUrl('order')}/v1/orders`;
  const sqlBefore = await sqlCounters();
  const meter = cpuMeter(pids);
  let cpu: Record<string, number> = {};
  let sql: SqlCounts = { statements: NaN, commits: NaN };
  const window = new Promise<void>((resolve) =>
    setTimeout(() => {
      cpu = meter();
      void sqlCounters().then((after) => {
        sql = Object.fromEntries(
          Object.entries(after).map(([name, count]) => [name, count - sqlBefore[name as keyof SqlCounts]!]),
        ) as SqlCounts;
        resolve();
      }, resolve);
    }, seconds * 1000),
  );
  // One kept-alive connection per customer, through node:http: fetch() cost the bench process
  // about twice the CPU per request, and the bench's CPU counts in the machine's per-order cost.
  const agent = new Agent({ keepAlive: true, maxSockets: tokens.length });
  await Promise.all(
    tokens.map(async (token) => {
      while (performance.now() < until) {
        const productId = products[Math.floor(Math.random() * products.length)]!;
        const start = performance.now();
        const response = await postJson(agent, url, token, { lines: [{ productId, quantity: 1 }] });
        const posted = performance.now();
        if (response.status !== 202) {
          failedPosts++;
          await new Promise((resolve) => setTimeout(resolve, 50)); // a client backing off, not a sync
          continue;
        }
        const order = JSON.parse(response.body) as Order;
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
  agent.destroy();
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

/** POST a JSON body; resolves with the status and the whole response body. */
function postJson(
  agent: Agent,
  url: string,
  token: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      url,
      {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
