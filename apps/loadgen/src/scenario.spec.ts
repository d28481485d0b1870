import { LoadMetrics } from './load-metrics';
import { ACTION_WEIGHTS, pickAction, Shopper } from './scenario';
import type { Reply, ShopClient } from './shop-client';

describe('pickAction', () => {
  it('follows the weights', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const action = pickAction(i / 1000);
      counts.set(action, (counts.get(action) ?? 0) + 1);
    }
    const total = ACTION_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
    for (const [action, weight] of ACTION_WEIGHTS) expect(counts.get(action)).toBe((1000 * weight) / total);
  });
});

describe('Shopper', () => {
  const reply = <T>(status: number, body?: T): Promise<Reply<T>> => Promise.resolve({ status, body });
  const client = {
    register: () => reply(201, { id: 'u' }),
    login: () => reply(200, { accessToken: 't' }),
    products: () => reply(200, { items: [{ id: 'p1' }, { id: 'p2' }], total: 2, page: 1, limit: 100 }),
    product: () => reply(503),
    placeOrder: () => reply(202, { id: 'o1' }),
    cancel: () => reply(409),
    order: () => reply(200, { id: 'o1' }),
  } as unknown as ShopClient;

  it('counts each action by the outcome of its request', async () => {
    const metrics = new LoadMetrics();
    const shopper = new Shopper(client, metrics, () => undefined, {
      customers: 1, // so the check is of this customer's order
      cancelRatio: 1,
      admin: { email: 'a@example.com', password: 'x' },
    });
    await shopper.prepare();
    await shopper.act('place'); // placed (ok), then cancelled too late (409: rejected)
    await shopper.act('view'); // 503: error
    await shopper.act('check');
    const values = (await metrics.registry.getSingleMetric('loadgen_actions_total')!.get()).values;
    const count = (action: string, outcome: string) =>
      values.find((v) => v.labels['action'] === action && v.labels['outcome'] === outcome)?.value;
    expect(count('register', 'ok')).toBe(1);
    expect(count('place', 'ok')).toBe(1);
    expect(count('cancel', 'rejected')).toBe(1);
    expect(count('view', 'error')).toBe(1);
    expect(count('check', 'ok')).toBe(1);
    expect(await metrics.totals()).toEqual({ ok: 3, rejected: 1, error: 1, dropped: 0 });
  });

  it('refuses to start without products to order and no administrator to create them', async () => {
    const empty = {
      ...client,
      products: () => reply(200, { items: [], total: 0, page: 1, limit: 100 }),
      login: (email: string) => (email === 'a@example.com' ? reply(401) : reply(200, { accessToken: 't' })),
    } as unknown as ShopClient;
    const shopper = new Shopper(empty, new LoadMetrics(), () => undefined, {
      customers: 1,
      cancelRatio: 0,
      admin: { email: 'a@example.com', password: 'x' },
    });
    await expect(shopper.prepare()).rejects.toThrow(/LOADGEN_ADMIN_EMAIL/);
  });
});
