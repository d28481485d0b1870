import { randomUUID } from 'node:crypto';
import type { Logger } from './log';
import { outcomeOf, type Action, type LoadMetrics } from './load-metrics';
import type { Reply, ShopClient } from './shop-client';

/** How often each action is picked: mostly browsing, as in a shop; a fifth of arrivals order. */
export const ACTION_WEIGHTS: readonly [Exclude<Action, 'register' | 'cancel'>, number][] = [
  ['browse', 45],
  ['view', 25],
  ['place', 20],
  ['check', 10],
];

export function pickAction(random: number): Exclude<Action, 'register' | 'cancel'> {
  const total = ACTION_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  let left = random * total;
  for (const [action, weight] of ACTION_WEIGHTS) {
    if ((left -= weight) < 0) return action;
  }
  return ACTION_WEIGHTS[ACTION_WEIGHTS.length - 1]![0];
}

const CATEGORIES = ['coffee', 'tea', 'kitchen', 'books'];
const PASSWORD = 'loadgen-customer-password';

interface Customer {
  token: string;
  orders: string[];
}

/**
 * Customers registering, browsing the catalog, placing orders, checking and cancelling some of
 * them. Each action is one HTTP request, timed and counted by outcome.
 */
export class Shopper {
  private readonly customers: Customer[] = [];
  private productIds: string[] = [];

  constructor(
    private readonly client: ShopClient,
    private readonly metrics: LoadMetrics,
    private readonly log: Logger,
    private readonly options: {
      customers: number;
      cancelRatio: number;
      admin: { email: string; password: string };
    },
    private readonly random: () => number = Math.random,
  ) {}

  /** Registers the customers and makes sure there are products to order. */
  async prepare(): Promise<void> {
    for (let i = 0; i < this.options.customers; i++) {
      const email = `loadgen-${randomUUID().slice(0, 12)}@example.com`;
      await this.timed('register', () => this.client.register(email, PASSWORD, `Shopper ${i + 1}`));
      const login = await this.client.login(email, PASSWORD);
      if (login.status === 200 && login.body)
        this.customers.push({ token: login.body.accessToken, orders: [] });
    }
    if (this.customers.length === 0) throw new Error('no customer could register and log in: is auth up?');
    await this.refreshProducts();
    if (this.productIds.length === 0) await this.seedProducts();
    if (this.productIds.length === 0)
      throw new Error(
        'the catalog has no products and the admin login failed: set LOADGEN_ADMIN_EMAIL/PASSWORD to an administrator (auth ADMIN_EMAIL/ADMIN_PASSWORD)',
      );
  }

  async act(action = pickAction(this.random())): Promise<void> {
    const customer = this.customers[Math.floor(this.random() * this.customers.length)]!;
    switch (action) {
      case 'browse': {
        const category =
          this.random() < 0.5 ? CATEGORIES[Math.floor(this.random() * CATEGORIES.length)] : undefined;
        const page = await this.timed('browse', () =>
          this.client.products({ page: 1 + Math.floor(this.random() * 3), limit: 20, category }),
        );
        const ids = page?.items.map((p) => p.id) ?? [];
        if (ids.length) this.productIds = [...new Set([...this.productIds, ...ids])].slice(-500);
        return;
      }
      case 'view':
        await this.timed('view', () => this.client.product(this.anyProduct()));
        return;
      case 'place': {
        const lines = Array.from({ length: 1 + Math.floor(this.random() * 3) }, () => ({
          productId: this.anyProduct(),
          quantity: 1 + Math.floor(this.random() * 3),
        }));
        const unique = [...new Map(lines.map((l) => [l.productId, l])).values()];
        const order = await this.timed('place', () => this.client.placeOrder(customer.token, unique));
        if (!order) return;
        customer.orders = [...customer.orders, order.id].slice(-20);
        if (this.random() < this.options.cancelRatio)
          await this.timed('cancel', () => this.client.cancel(customer.token, order.id));
        return;
      }
      case 'check': {
        const id = customer.orders[Math.floor(this.random() * customer.orders.length)];
        if (id) await this.timed('check', () => this.client.order(customer.token, id));
        else await this.act('browse');
        return;
      }
    }
  }

  private anyProduct(): string {
    return this.productIds[Math.floor(this.random() * this.productIds.length)]!;
  }

  private async refreshProducts(): Promise<void> {
    const page = await this.client.products({ limit: 100 });
    this.productIds = page.body?.items.map((p) => p.id) ?? [];
  }

  private async seedProducts(): Promise<void> {
    const login = await this.client.login(this.options.admin.email, this.options.admin.password);
    if (login.status !== 200 || !login.body) return;
    this.log(
      `the catalog is empty: creating ${CATEGORIES.length * 5} products as ${this.options.admin.email}`,
    );
    for (const category of CATEGORIES)
      for (let i = 0; i < 5; i++) {
        const created = await this.client.createProduct(
          login.body.accessToken,
          `LOAD-${randomUUID().slice(0, 12)}`,
          category,
          100 + Math.floor(this.random() * 10_000),
        );
        if (created.body && created.status === 201) this.productIds.push(created.body.id);
      }
  }

  /** One request: timed, counted by outcome; the body when it succeeded. */
  private async timed<T>(action: Action, request: () => Promise<Reply<T>>): Promise<T | undefined> {
    const started = performance.now();
    try {
      const reply = await request();
      this.metrics.record(action, outcomeOf(reply.status), (performance.now() - started) / 1000);
      return reply.status < 300 ? reply.body : undefined;
    } catch {
      this.metrics.record(action, 'error', (performance.now() - started) / 1000);
      return undefined;
    }
  }
}
