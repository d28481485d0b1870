import { randomUUID } from 'node:crypto';
import type { Order, Page } from '@shopflow/contracts';
import { eventually } from '../eventually';
import type { ShopflowStack } from './shopflow-stack';

export interface SagaLoadOptions {
  customers: number;
  /** Orders per second over all customers (each customer paces itself). */
  ratePerSecond: number;
  durationMs: number;
  /** Units in stock: more than the orders placed, so every order can be confirmed. */
  stock: number;
  /** How long every accepted order gets to reach a final state after the load ends. */
  settleTimeoutMs?: number;
}

export interface SagaLoadReport {
  /** Orders accepted (202), each under its own Idempotency-Key. */
  accepted: number;
  confirmed: number;
  rejectedForTimeout: number;
  rejectedOther: number;
  /** Longest time in which no order reached a final state, while orders were waiting for one. */
  longestStallMs: number;
  /** Longest time a client kept being refused (connection refused, 5xx) before its POST was accepted. */
  longestRefusalMs: number;
  /** Invariants, each true when it holds. */
  invariants: {
    oneOrderPerKey: boolean;
    noneLeftPending: boolean;
    /** available + reserved == stock, and reserved == the units of confirmed orders. */
    stockArithmetic: boolean;
  };
  /** Orders that took longest from POST to a final state (for diagnosis). */
  slowest: { id: string; ms: number; status: string }[];
}

interface Placed {
  key: string;
  customer: number;
  orderId: string;
}

/**
 * Customers placing one-unit orders at a steady rate against the real stack, retrying as real
 * clients do: the same Idempotency-Key after a refused connection or a 5xx, so a retry can never
 * order twice. Runs `chaos` while the load goes on, then waits for every order to be final and
 * checks what must hold whatever happened: no order lost or doubled, none left PENDING, the
 * catalog's stock arithmetic. The e2e recovery tests assert on the report; `bench:recovery` prints it.
 */
export async function runSagaLoad(
  stack: ShopflowStack,
  options: SagaLoadOptions,
  chaos: () => Promise<void> = async () => undefined,
): Promise<SagaLoadReport> {
  const product = await stack.product(options.stock);
  const customers = await Promise.all(
    Array.from({ length: options.customers }, (_, i) => stack.customer(`Load${i}`)),
  );
  // The order service knows the product (from the catalog's events) once this is accepted.
  await stack.placeOrder(customers[0]!.token, [{ productId: product.id, quantity: 1 }], {
    timeoutMs: 60_000,
  });

  const placed: Placed[] = [];
  let longestRefusalMs = 0;
  const startedAt = Date.now();
  const endsAt = startedAt + options.durationMs;
  const intervalMs = (1000 * options.customers) / options.ratePerSecond;

  const customerLoop = async (c: number) => {
    // Spread the customers over one interval so the rate is steady, not bursts.
    let next = startedAt + (intervalMs * c) / options.customers;
    while (next < endsAt) {
      await pauseUntil(next);
      next += intervalMs;
      const key = randomUUID();
      const firstTry = Date.now();
      const order = await placeWithRetries(stack, customers[c]!.token, product.id, key);
      longestRefusalMs = Math.max(longestRefusalMs, order.refusedSince ? Date.now() - firstTry : 0);
      placed.push({ key, customer: c, orderId: order.id });
    }
  };
  await Promise.all([...customers.map((_, c) => customerLoop(c)), chaos()]);

  const orders = await finalOrders(stack, placed, customers, options.settleTimeoutMs ?? 90_000);
  const confirmedUnits = orders.filter((o) => o.status === 'CONFIRMED').length + 1; // + the warm-up order
  // Read until the replica serving it has heard of the last reservation (its cache follows the
  // catalog's events within milliseconds; the read cache's TTL, 5 s, is far beyond this deadline).
  const inCatalog = await eventually(
    async () => {
      const read = await stack.catalogProduct(product.id);
      if (read.stockReserved !== confirmedUnits) throw new Error('stock not settled yet');
      return read;
    },
    { timeoutMs: 2_000, intervalMs: 50 },
  ).catch(() => stack.catalogProduct(product.id));
  const finals = orders.map((o) => ({ order: o, at: Date.parse(o.history[o.history.length - 1]!.at) }));
  return {
    accepted: placed.length,
    confirmed: orders.filter((o) => o.status === 'CONFIRMED').length,
    rejectedForTimeout: orders.filter((o) => o.history.some((h) => h.reason === 'timeout')).length,
    rejectedOther: orders.filter(
      (o) => o.status === 'REJECTED' && !o.history.some((h) => h.reason === 'timeout'),
    ).length,
    longestStallMs: longestStall(orders),
    longestRefusalMs,
    invariants: {
      oneOrderPerKey:
        new Set(placed.map((p) => p.orderId)).size === placed.length && orders.length === placed.length,
      noneLeftPending: orders.every((o) => o.status !== 'PENDING'),
      stockArithmetic:
        inCatalog.stockAvailable + inCatalog.stockReserved === options.stock &&
        inCatalog.stockReserved === confirmedUnits,
    },
    slowest: finals
      .map(({ order, at }) => ({ id: order.id, ms: at - Date.parse(order.createdAt), status: order.status }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3),
  };
}

/** POSTs until accepted; a refusal or 5xx is retried with the same key, a 4xx is a test failure. */
async function placeWithRetries(
  stack: ShopflowStack,
  token: string,
  productId: string,
  key: string,
): Promise<{ id: string; refusedSince?: number }> {
  let refusedSince: number | undefined;
  const giveUpAt = Date.now() + 120_000;
  for (;;) {
    const reply = await stack
      .request<Order>('POST', '/v1/orders', {
        token,
        body: { lines: [{ productId, quantity: 1 }] },
        headers: { 'idempotency-key': key },
      })
      .catch(() => undefined); // refused, reset: the instance is down
    if (reply?.status === 202) return { id: reply.body.id, refusedSince };
    if (reply && reply.status < 500 && reply.status !== 429)
      throw new Error(`POST /v1/orders answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    refusedSince ??= Date.now();
    if (Date.now() > giveUpAt) throw new Error('the order service refused every attempt for 120 s');
    await pauseUntil(Date.now() + 100);
  }
}

/** Every placed order, once none is PENDING any more (as the admin reads them, page by page). */
async function finalOrders(
  stack: ShopflowStack,
  placed: Placed[],
  customers: { id: string }[],
  timeoutMs: number,
): Promise<Order[]> {
  const admin = await stack.adminAccess();
  const ours = new Set(placed.map((p) => p.orderId));
  const readAll = async () => {
    const all: Order[] = [];
    for (const customer of customers) {
      for (let page = 1; ; page++) {
        const { body } = await stack.request<Page<Order>>(
          'GET',
          `/v1/orders?customerId=${customer.id}&limit=100&page=${page}`,
          { token: admin },
        );
        all.push(...body.items.filter((o) => ours.has(o.id)));
        if (body.items.length < 100) break;
      }
    }
    return all;
  };
  return eventually(
    async () => {
      const orders = await readAll();
      const pending = orders.filter((o) => o.status === 'PENDING').length;
      if (pending > 0) throw new Error(`${pending} of ${orders.length} orders still PENDING`);
      return orders;
    },
    { timeoutMs, intervalMs: 1000 },
  ).catch(async () => readAll()); // the report says what is left pending; the caller asserts
}

/**
 * The longest interval without an order becoming final while at least one was waiting for it,
 * from the servers' own histories (client-side polling would blur it).
 */
export function longestStall(orders: Pick<Order, 'createdAt' | 'history'>[]): number {
  const spans = orders.map((o) => ({
    placed: Date.parse(o.createdAt),
    final: Date.parse(o.history[o.history.length - 1]!.at),
  }));
  const finals = [...new Set(spans.map((s) => s.final))].sort((a, b) => a - b);
  let longest = 0;
  let previous = -Infinity;
  for (const final of finals) {
    // Orders placed before this moment and still waiting at it: the system owed them progress since
    // the later of the previous final state and their placement.
    const waitingSince = Math.min(
      ...spans.filter((s) => s.placed < final && s.final >= final).map((s) => Math.max(s.placed, previous)),
    );
    if (Number.isFinite(waitingSince)) longest = Math.max(longest, final - waitingSince);
    previous = final;
  }
  return longest;
}

const pauseUntil = (at: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
