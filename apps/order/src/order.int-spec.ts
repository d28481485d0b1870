import { randomUUID } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import {
  OrderCancelledV1,
  OrderConfirmedV1,
  OrderPlacedV1,
  OrderRejectedV1,
  ProductCreatedV1,
  ProductUpdatedV1,
  StockRejectedV1,
  StockReservedV1,
  TOPICS,
  UserRegisteredV1,
  type Order,
} from '@shopflow/contracts';
import { domainErrorCodes } from '@shopflow/platform/service';
import {
  databaseUrl,
  envelopeOf,
  eventually,
  EventPublisher,
  EventTap,
  TestIdentityProvider,
} from '@shopflow/testing';
import { startServiceUnderTest, type ServiceUnderTest } from '@shopflow/service-testing';
import { UnitOfWork } from '@shopflow/platform/messaging';
import { AppModule } from './app.module';
import { OrderTransitions } from './orders/order-transitions';
import { orderEnv } from './config/order.config';
import * as orderErrors from './orders/order.errors';

/**
 * The order service in-process, on the real test database and broker. The catalog's and auth's
 * events are published here as those services would publish them.
 */
describe('order service (real MySQL, real Kafka)', () => {
  jest.setTimeout(90_000);
  let orderService: ServiceUnderTest;
  let identity: TestIdentityProvider;
  let tap: EventTap;
  let publisher: EventPublisher;
  let db: Connection;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.orderEvents.name]);
    publisher = EventPublisher.create();
    db = await createConnection(databaseUrl('order'));
    identity = await TestIdentityProvider.start();
    orderService = await startServiceUnderTest({
      service: 'order',
      schema: orderEnv,
      env: { ...identity.env, ORDER_PENDING_TIMEOUT_MS: '60000', ORDER_TIMEOUT_SWEEP_INTERVAL_MS: '200' },
      module: (config, logger) => AppModule.register(config, logger),
    });
  });
  afterAll(async () => {
    await orderService?.stop();
    await Promise.all([identity?.close(), tap?.stop(), publisher?.close(), db?.end()]);
  });

  const http: ServiceUnderTest['http'] = (...args) => orderService.http(...args);

  /** A customer with a token; registered (UserRegistered published) unless told otherwise. */
  async function customer({ registered = true } = {}) {
    const id = randomUUID();
    if (registered)
      await publisher.publish(
        UserRegisteredV1,
        { userId: id, email: `c-${id.slice(0, 8)}@example.com`, displayName: 'Grace', roles: ['customer'] },
        'auth',
      );
    return { id, token: await identity.token({ userId: id }) };
  }

  /** A product the order service has learnt about from a ProductCreated event. */
  async function product(
    overrides: Partial<{ priceCents: number; currency: string; status: 'ACTIVE' | 'DISCONTINUED' }> = {},
  ) {
    const data = {
      productId: randomUUID(),
      sku: `SKU-${randomUUID().slice(0, 8)}`,
      name: 'Desk lamp',
      priceCents: 2500,
      currency: 'EUR',
      status: 'ACTIVE' as const,
      version: 1,
      ...overrides,
    };
    await publisher.publish(ProductCreatedV1, data, 'catalog');
    await eventually(async () => {
      const [rows] = await db.query('SELECT 1 FROM product_view WHERE product_id = ?', [data.productId]);
      expect(rows).toHaveLength(1);
    });
    return data;
  }

  const order = async (id: string, token: string): Promise<Order> =>
    (await http('GET', `/v1/orders/${id}`, { token })).json();
  const untilStatus = (id: string, token: string, status: Order['status']) =>
    eventually(async () => {
      const current = await order(id, token);
      expect(current.status).toBe(status);
      return current;
    });

  describe('placing an order', () => {
    it('prices it from the local product view, answers 202 PENDING, and publishes OrderPlaced', async () => {
      const lamp = await product({ priceCents: 2500 });
      const bulb = await product({ priceCents: 399 });
      const me = await customer();
      const res = await http('POST', '/v1/orders', {
        token: me.token,
        body: {
          lines: [
            { productId: lamp.productId, quantity: 2 },
            { productId: bulb.productId, quantity: 3 },
          ],
        },
      });
      expect(res.statusCode).toBe(202);
      const placed: Order = res.json();
      expect(placed).toMatchObject({
        status: 'PENDING',
        customerId: me.id,
        totalCents: 2 * 2500 + 3 * 399,
        currency: 'EUR',
        lines: [
          { productId: lamp.productId, quantity: 2, unitPriceCents: 2500, sku: lamp.sku, name: 'Desk lamp' },
          { productId: bulb.productId, quantity: 3, unitPriceCents: 399 },
        ],
        history: [{ status: 'PENDING', at: placed.createdAt }],
      });
      const [event] = await tap.waitFor(OrderPlacedV1, (d) => d.orderId === placed.id);
      expect(event!.data).toEqual({
        orderId: placed.id,
        customerId: me.id,
        lines: [
          { productId: lamp.productId, quantity: 2, unitPriceCents: 2500 },
          { productId: bulb.productId, quantity: 3, unitPriceCents: 399 },
        ],
        totalCents: 6197,
        currency: 'EUR',
      });
    });

    it('uses the newest product version it has seen, whatever the arrival order', async () => {
      const lamp = await product({ priceCents: 1000 });
      await publisher.publish(ProductUpdatedV1, { ...lamp, priceCents: 3000, version: 3 }, 'catalog');
      const stale = await publisher.publish(
        ProductUpdatedV1,
        { ...lamp, priceCents: 2000, version: 2 },
        'catalog',
      );
      await eventually(async () => {
        const [rows] = await db.query('SELECT 1 FROM inbox_message WHERE event_id = ?', [stale.id]);
        expect(rows).toHaveLength(1);
      });
      const me = await customer();
      const res = await http('POST', '/v1/orders', {
        token: me.token,
        body: {
          lines: [{ productId: lamp.productId, quantity: 1 }],
        },
      });
      expect(res.json().totalCents).toBe(3000);
    });

    it.each([
      ['quantity 0', (p: string) => [{ productId: p, quantity: 0 }], 'lines[0].quantity'],
      ['quantity 101', (p: string) => [{ productId: p, quantity: 101 }], 'lines[0].quantity'],
      ['51 lines', (p: string) => Array.from({ length: 51 }, () => ({ productId: p, quantity: 1 })), 'lines'],
      ['no lines', () => [], 'lines'],
      [
        'an unknown product',
        (p: string) => [
          { productId: p, quantity: 1 },
          { productId: randomUUID(), quantity: 1 },
        ],
        'lines[1].productId',
      ],
    ])('refuses %s with 422 naming the line', async (_label, lines, field) => {
      const lamp = await product();
      const me = await customer();
      const res = await http('POST', '/v1/orders', {
        token: me.token,
        body: { lines: lines(lamp.productId) },
      });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 422, code: 'ORDER.INVALID' });
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('refuses a discontinued product and mixed currencies with 422 naming the line', async () => {
      const eur = await product({ currency: 'EUR' });
      const usd = await product({ currency: 'USD' });
      const gone = await product({ status: 'DISCONTINUED' });
      const me = await customer();
      const res = await http('POST', '/v1/orders', {
        token: me.token,
        body: {
          lines: [
            { productId: eur.productId, quantity: 1 },
            { productId: gone.productId, quantity: 1 },
            { productId: usd.productId, quantity: 1 },
          ],
        },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([
        { field: 'lines[1].productId', message: 'product is discontinued' },
        { field: 'lines[2].productId', message: expect.stringContaining('one currency per order') },
      ]);
    });

    it('refuses a malformed body with 400', async () => {
      const me = await customer();
      for (const payload of [
        {},
        { lines: [{ productId: 'nope', quantity: 1 }] },
        { lines: [{ productId: randomUUID(), quantity: 'two' }] },
      ]) {
        expect((await http('POST', '/v1/orders', { token: me.token, body: payload })).statusCode).toBe(400);
      }
    });

    it('records orders placed at the same moment together, each with its own event and correlation id', async () => {
      const lamp = await product({ priceCents: 2500 });
      const buyers = await Promise.all(Array.from({ length: 8 }, () => customer({ registered: false })));
      const correlationId = (i: number) => `together-${i}-${buyers[i]!.id.slice(0, 8)}`;
      const responses = await Promise.all(
        buyers.map((buyer, i) =>
          http('POST', '/v1/orders', {
            token: buyer.token,
            body: { lines: [{ productId: lamp.productId, quantity: i + 1 }] },
            headers: { 'x-correlation-id': correlationId(i) },
          }),
        ),
      );
      expect(responses.map((res) => res.statusCode)).toEqual(buyers.map(() => 202));
      const ids: string[] = responses.map((res) => res.json().id);
      for (const [i, id] of ids.entries()) {
        const [event] = await tap.waitFor(OrderPlacedV1, (d) => d.orderId === id);
        expect(event).toMatchObject({ correlationId: correlationId(i), data: { customerId: buyers[i]!.id } });
        expect(event!.data.lines).toEqual([
          { productId: lamp.productId, quantity: i + 1, unitPriceCents: 2500 },
        ]);
      }
      const [rows] = await db.query(
        `SELECT o.customer_id, o.total_cents,
                (SELECT COUNT(*) FROM order_line l WHERE l.order_id = o.id) AS line_count,
                (SELECT COUNT(*) FROM order_status_change h WHERE h.order_id = o.id) AS history_count
           FROM customer_order o WHERE o.id IN (?) ORDER BY o.total_cents`,
        [ids],
      );
      expect(rows).toEqual(
        buyers.map((buyer, i) => ({
          customer_id: buyer.id,
          total_cents: 2500 * (i + 1),
          line_count: 1,
          history_count: 1,
        })),
      );
    });

    it('makes retries safe with an Idempotency-Key: same body → same order; other body → 422', async () => {
      const lamp = await product();
      const me = await customer();
      const key = `retry-${randomUUID()}`;
      const body = { lines: [{ productId: lamp.productId, quantity: 1 }] };
      const [first, second] = await Promise.all([
        http('POST', '/v1/orders', { token: me.token, body: body, headers: { 'idempotency-key': key } }),
        http('POST', '/v1/orders', { token: me.token, body: body, headers: { 'idempotency-key': key } }),
      ]);
      expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
      expect(second.json().id).toBe(first.json().id);
      const third = await http('POST', '/v1/orders', {
        token: me.token,
        body: body,
        headers: { 'idempotency-key': key },
      });
      expect(third.json().id).toBe(first.json().id);
      const [rows] = await db.query('SELECT COUNT(*) AS n FROM customer_order WHERE customer_id = ?', [
        me.id,
      ]);
      expect(rows).toEqual([{ n: 1 }]);

      const other = await http('POST', '/v1/orders', {
        token: me.token,
        body: { lines: [{ productId: lamp.productId, quantity: 2 }] },
        headers: { 'idempotency-key': key },
      });
      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ code: 'ORDER.IDEMPOTENCY_KEY_REUSED' });
      // Keys belong to a customer: someone else's identical key is a new order.
      const stranger = await customer();
      const theirs = await http('POST', '/v1/orders', {
        token: stranger.token,
        body: body,
        headers: { 'idempotency-key': key },
      });
      expect(theirs.statusCode).toBe(202);
      expect(theirs.json().id).not.toBe(first.json().id);
    });
  });

  describe('the saga', () => {
    async function placedOrder(quantity = 1) {
      const lamp = await product();
      const me = await customer();
      const res = await http('POST', '/v1/orders', {
        token: me.token,
        body: {
          lines: [{ productId: lamp.productId, quantity }],
        },
      });
      expect(res.statusCode).toBe(202);
      return { me, lamp, placed: res.json() as Order };
    }

    it('StockReserved → CONFIRMED, with OrderConfirmed and the history', async () => {
      const { me, lamp, placed } = await placedOrder(2);
      await publisher.publish(
        StockReservedV1,
        { orderId: placed.id, lines: [{ productId: lamp.productId, quantity: 2 }] },
        'catalog',
      );
      const confirmed = await untilStatus(placed.id, me.token, 'CONFIRMED');
      expect(confirmed.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
      await tap.waitFor(OrderConfirmedV1, (d) => d.orderId === placed.id);
    });

    it("applies a chunk's answers in turn: the second answer for an order is recorded, not applied", async () => {
      const first = await placedOrder();
      const second = await placedOrder();
      const reserved = envelopeOf(StockReservedV1, { orderId: first.placed.id, lines: [] }, 'catalog');
      const again = envelopeOf(StockReservedV1, { orderId: first.placed.id, lines: [] }, 'catalog');
      const rejected = envelopeOf(StockRejectedV1, { orderId: second.placed.id, reasons: [] }, 'catalog');
      const late = envelopeOf(
        StockReservedV1,
        { orderId: second.placed.id.toUpperCase(), lines: [] },
        'catalog',
      );
      // As the consumer calls it for one chunk: one transaction, one call.
      const transitions = orderService.app.get(OrderTransitions);
      const results = await orderService.app.get(UnitOfWork, { strict: false }).run((em) =>
        transitions.applyAll(em, [
          { orderId: first.placed.id, trigger: 'STOCK_RESERVED', event: reserved },
          { orderId: first.placed.id, trigger: 'STOCK_RESERVED', event: again },
          { orderId: second.placed.id, trigger: 'STOCK_REJECTED', event: rejected, reasons: ['gone'] },
          // The id in capitals: the column's collation ignores case, and so does the lookup.
          { orderId: second.placed.id.toUpperCase(), trigger: 'STOCK_RESERVED', event: late },
        ]),
      );
      expect(results).toEqual([
        { changed: true, from: 'PENDING', to: 'CONFIRMED' },
        { changed: false, status: 'CONFIRMED' },
        { changed: true, from: 'PENDING', to: 'REJECTED' },
        { changed: false, status: 'REJECTED' },
      ]);
      expect((await order(first.placed.id, first.me.token)).history.map((h) => h.status)).toEqual([
        'PENDING',
        'CONFIRMED',
      ]);
      expect((await order(second.placed.id, second.me.token)).history.map((h) => h.status)).toEqual([
        'PENDING',
        'REJECTED',
      ]);
      const [ignored] = await db.query(
        'SELECT event_id, order_status FROM order_ignored_event WHERE event_id IN (?) ORDER BY id',
        [[again.id, late.id]],
      );
      expect(ignored).toEqual([
        { event_id: again.id, order_status: 'CONFIRMED' },
        { event_id: late.id, order_status: 'REJECTED' },
      ]);
      const [confirmed] = await tap.waitFor(OrderConfirmedV1, (d) => d.orderId === first.placed.id);
      const [rejectedEvent] = await tap.waitFor(OrderRejectedV1, (d) => d.orderId === second.placed.id);
      expect(confirmed).toMatchObject({ causationId: reserved.id, correlationId: reserved.correlationId });
      expect(rejectedEvent).toMatchObject({
        causationId: rejected.id,
        correlationId: rejected.correlationId,
      });
    });

    it('StockRejected → REJECTED, with OrderRejected carrying the reasons', async () => {
      const { me, lamp, placed } = await placedOrder(5);
      await publisher.publish(
        StockRejectedV1,
        { orderId: placed.id, reasons: [{ productId: lamp.productId, reason: 'INSUFFICIENT_STOCK' }] },
        'catalog',
      );
      const rejected = await untilStatus(placed.id, me.token, 'REJECTED');
      expect(rejected.history[1]).toMatchObject({
        status: 'REJECTED',
        reason: `INSUFFICIENT_STOCK (${lamp.productId})`,
      });
      const [event] = await tap.waitFor(OrderRejectedV1, (d) => d.orderId === placed.id);
      expect(event!.data.reasons).toEqual([`INSUFFICIENT_STOCK (${lamp.productId})`]);
    });

    it('cancels a CONFIRMED order (OrderCancelled), then refuses to cancel it again with 409', async () => {
      const { me, lamp, placed } = await placedOrder();
      await publisher.publish(
        StockReservedV1,
        { orderId: placed.id, lines: [{ productId: lamp.productId, quantity: 1 }] },
        'catalog',
      );
      await untilStatus(placed.id, me.token, 'CONFIRMED');
      const cancelled = await http('POST', `/v1/orders/${placed.id}/cancel`, { token: me.token });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json().history.map((h: { status: string }) => h.status)).toEqual([
        'PENDING',
        'CONFIRMED',
        'CANCELLED',
      ]);
      await tap.waitFor(OrderCancelledV1, (d) => d.orderId === placed.id);
      const again = await http('POST', `/v1/orders/${placed.id}/cancel`, { token: me.token });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'ORDER.NOT_CANCELLABLE' });
    });

    it('cancels a PENDING order; the reservation that arrives afterwards changes nothing and is recorded', async () => {
      const { me, lamp, placed } = await placedOrder();
      expect((await http('POST', `/v1/orders/${placed.id}/cancel`, { token: me.token })).statusCode).toBe(
        200,
      );
      const late = await publisher.publish(
        StockReservedV1,
        { orderId: placed.id, lines: [{ productId: lamp.productId, quantity: 1 }] },
        'catalog',
      );
      await eventually(async () => {
        const [rows] = await db.query(
          'SELECT event_type, order_status FROM order_ignored_event WHERE event_id = ?',
          [late.id],
        );
        expect(rows).toEqual([{ event_type: 'StockReserved', order_status: 'CANCELLED' }]);
      });
      expect((await order(placed.id, me.token)).status).toBe('CANCELLED');
      expect(tap.events(OrderConfirmedV1, (d) => d.orderId === placed.id)).toHaveLength(0);
    });

    it('refuses to cancel a REJECTED order with 409', async () => {
      const { me, lamp, placed } = await placedOrder();
      await publisher.publish(
        StockRejectedV1,
        { orderId: placed.id, reasons: [{ productId: lamp.productId, reason: 'DISCONTINUED' }] },
        'catalog',
      );
      await untilStatus(placed.id, me.token, 'REJECTED');
      expect((await http('POST', `/v1/orders/${placed.id}/cancel`, { token: me.token })).statusCode).toBe(
        409,
      );
    });

    it('rejects an order still PENDING after its deadline with reason timeout (OrderRejected)', async () => {
      const { me, placed } = await placedOrder();
      await db.query('UPDATE customer_order SET deadline_at = ? WHERE id = ?', [
        new Date(Date.now() - 1000),
        placed.id,
      ]);
      const rejected = await untilStatus(placed.id, me.token, 'REJECTED');
      expect(rejected.history[1]).toMatchObject({ status: 'REJECTED', reason: 'timeout' });
      const [event] = await tap.waitFor(OrderRejectedV1, (d) => d.orderId === placed.id);
      expect(event!.data.reasons).toEqual(['timeout']);
      const metrics = (await http('GET', '/metrics')).body;
      expect(metrics).toMatch(/order_saga_outcomes_total\{[^}]*outcome="timed_out"[^}]*\} [1-9]/);
    });
  });

  describe('reading orders', () => {
    it('shows a customer only their own orders, newest first, with who ordered', async () => {
      const lamp = await product();
      const me = await customer();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(
          (
            await http('POST', '/v1/orders', {
              token: me.token,
              body: {
                lines: [{ productId: lamp.productId, quantity: 1 }],
              },
            })
          ).json().id,
        );
      const other = await customer();
      await http('POST', '/v1/orders', {
        token: other.token,
        body: { lines: [{ productId: lamp.productId, quantity: 1 }] },
      });

      await eventually(async () => {
        const page = (await http('GET', '/v1/orders?limit=2', { token: me.token })).json();
        expect(page).toMatchObject({ total: 3, page: 1, limit: 2 });
        expect(page.items.map((o: Order) => o.id)).toEqual([ids[2], ids[1]]);
        expect(page.items[0].customer).toEqual({
          displayName: 'Grace',
          email: `c-${me.id.slice(0, 8)}@example.com`,
        });
        expect(page.items[0].history).toEqual([{ status: 'PENDING', at: expect.any(String) }]);
      });
      expect(
        (await http('GET', '/v1/orders?page=2&limit=2', { token: me.token }))
          .json()
          .items.map((o: Order) => o.id),
      ).toEqual([ids[0]]);
    });

    it('lets an admin list everyone or one customer; a customer asking for another gets 403', async () => {
      const lamp = await product();
      const me = await customer();
      await http('POST', '/v1/orders', {
        token: me.token,
        body: { lines: [{ productId: lamp.productId, quantity: 1 }] },
      });
      const admin = await identity.token({ roles: ['customer', 'admin'] });
      const theirs = (await http('GET', `/v1/orders?customerId=${me.id}`, { token: admin })).json();
      expect(theirs.total).toBe(1);
      expect((await http('GET', '/v1/orders', { token: admin })).json().total).toBeGreaterThan(1);
      const stranger = await customer();
      expect(
        (await http('GET', `/v1/orders?customerId=${me.id}`, { token: stranger.token })).statusCode,
      ).toBe(403);
    });

    it("answers 404 for someone else's order, 200 for an admin, 401 without a token", async () => {
      const lamp = await product();
      const me = await customer({ registered: false });
      const placed = (
        await http('POST', '/v1/orders', {
          token: me.token,
          body: { lines: [{ productId: lamp.productId, quantity: 1 }] },
        })
      ).json();
      expect(placed.customer).toBeNull();
      const stranger = await customer();
      expect((await http('GET', `/v1/orders/${placed.id}`, { token: stranger.token })).statusCode).toBe(404);
      expect(
        (await http('POST', `/v1/orders/${placed.id}/cancel`, { token: stranger.token })).statusCode,
      ).toBe(404);
      const admin = await identity.token({ roles: ['customer', 'admin'] });
      expect((await http('GET', `/v1/orders/${placed.id}`, { token: admin })).statusCode).toBe(200);
      for (const [method, url] of [
        ['GET', '/v1/orders'],
        ['POST', '/v1/orders'],
        ['GET', `/v1/orders/${placed.id}`],
        ['POST', `/v1/orders/${placed.id}/cancel`],
      ] as const) {
        const res = await http(method, url, { body: method === 'POST' ? {} : undefined });
        expect(res.statusCode).toBe(401);
      }
    });
  });

  it('lists every error code it can answer in its OpenAPI document', async () => {
    const document = (await http('GET', '/docs-json')).body;
    for (const code of domainErrorCodes(orderErrors)) expect(document).toContain(code);
    expect(domainErrorCodes(orderErrors)).toHaveLength(5);
  });
});
