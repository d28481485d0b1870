import { randomUUID } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import {
  OrderCancelledV1,
  OrderPlacedV1,
  OrderRejectedV1,
  ProductCreatedV1,
  ProductUpdatedV1,
  StockRejectedV1,
  StockReleasedV1,
  StockReservedV1,
  TOPICS,
  type Product,
} from '@shopflow/contracts';
import type { ServiceUnderTest } from '@shopflow/service-testing';
import { databaseUrl, envelopeOf, eventually, EventPublisher, EventTap } from '@shopflow/testing';
import { UnitOfWork } from '@shopflow/platform/messaging';
import { StockReservations } from './stock/stock-reservations';
import { startCatalog } from './test-support/catalog-under-test';
import * as productErrors from './products/product.errors';
import { domainErrorCodes } from '@shopflow/platform/service';

/** The catalog service in-process, on the real test database and the real broker. */
describe('catalog service (real MySQL, real Kafka)', () => {
  jest.setTimeout(90_000);
  let catalog: Awaited<ReturnType<typeof startCatalog>>;
  let tap: EventTap;
  let publisher: EventPublisher;
  let db: Connection;

  beforeAll(async () => {
    // One at a time, so whatever started is assigned and stopped in afterAll even if a later step fails.
    tap = await EventTap.start([TOPICS.catalogProductEvents.name, TOPICS.catalogStockEvents.name]);
    publisher = EventPublisher.create();
    db = await createConnection(databaseUrl('catalog'));
    catalog = await startCatalog();
  });
  afterAll(async () => {
    await Promise.all([catalog?.stop(), tap?.stop(), publisher?.close(), db?.end()]);
  });

  const http: ServiceUnderTest['http'] = (...args) => catalog.http(...args);
  const admin = () => catalog.adminToken;

  /** A product with a unique SKU (and, by default, a category of its own so lists are predictable). */
  async function createProduct(overrides: Partial<Record<string, unknown>> = {}): Promise<Product> {
    const res = await http('POST', '/v1/products', {
      token: admin(),
      body: {
        sku: `SKU-${randomUUID().slice(0, 13)}`,
        name: 'Mechanical keyboard',
        description: 'Clicky.',
        category: `cat-${randomUUID().slice(0, 8)}`,
        priceCents: 8999,
        currency: 'EUR',
        initialStock: 10,
        ...overrides,
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  }
  const product = async (id: string): Promise<Product> => (await http('GET', `/v1/products/${id}`)).json();

  describe('products', () => {
    it('creates a product (admin), serves it with its ETag, and publishes ProductCreated', async () => {
      const created = await createProduct({ name: '  Trackball ', priceCents: 4500 });
      expect(created).toMatchObject({
        name: 'Trackball',
        priceCents: 4500,
        currency: 'EUR',
        stockAvailable: 10,
        stockReserved: 0,
        status: 'ACTIVE',
        version: 1,
      });
      const res = await http('GET', `/v1/products/${created.id}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe('"1-10-0"');
      expect(res.json()).toEqual(created);
      const [event] = await tap.waitFor(ProductCreatedV1, (d) => d.productId === created.id);
      expect(event!.data).toEqual({
        productId: created.id,
        sku: created.sku,
        name: 'Trackball',
        priceCents: 4500,
        currency: 'EUR',
        status: 'ACTIVE',
        version: 1,
      });
      expect(event!.producer).toBe('catalog');
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const missing = await http('GET', `/v1/products/${randomUUID()}`);
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(missing.json()).toMatchObject({ status: 404, code: 'PRODUCT.NOT_FOUND' });
      expect((await http('GET', '/v1/products/not-a-uuid')).statusCode).toBe(400);
    });

    it('refuses a duplicate SKU with 409', async () => {
      const first = await createProduct();
      const again = await http('POST', '/v1/products', {
        token: admin(),
        body: { sku: first.sku, name: 'Copy', category: 'x', priceCents: 1, currency: 'EUR' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'PRODUCT.SKU_TAKEN' });
    });

    it.each([
      [{ priceCents: -1 }, 'priceCents'],
      [{ priceCents: 1.5 }, 'priceCents'],
      [{ currency: 'XYZ' }, 'currency'],
      [{ currency: 'eur' }, 'currency'],
      [{ name: '' }, 'name'],
      [{ sku: 'has space' }, 'sku'],
      [{ initialStock: -3 }, 'initialStock'],
      [{ unexpected: true }, 'unexpected'],
    ])('refuses an invalid product %o with 400 naming the field', async (override, field) => {
      const res = await http('POST', '/v1/products', {
        token: admin(),
        body: {
          sku: `SKU-${randomUUID().slice(0, 8)}`,
          name: 'N',
          category: 'c',
          priceCents: 1,
          currency: 'EUR',
          ...override,
        },
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('updates with optimistic concurrency: the current version wins once, a stale one gets 409', async () => {
      const created = await createProduct();
      const first = await http('PATCH', `/v1/products/${created.id}`, {
        token: admin(),
        body: { priceCents: 7999, name: 'Keyboard v2' },
        headers: { 'if-match': '"1"' },
      });
      expect(first.statusCode).toBe(200);
      expect(first.headers.etag).toBe('"2-10-0"');
      expect(first.json()).toMatchObject({ priceCents: 7999, name: 'Keyboard v2', version: 2 });

      const staleHeader = await http('PATCH', `/v1/products/${created.id}`, {
        token: admin(),
        body: { priceCents: 1 },
        headers: { 'if-match': '"1"' },
      });
      expect(staleHeader.statusCode).toBe(409);
      expect(staleHeader.json()).toMatchObject({ code: 'PRODUCT.VERSION_CONFLICT' });
      const staleBody = await http('PATCH', `/v1/products/${created.id}`, {
        token: admin(),
        body: { priceCents: 1, version: 1 },
      });
      expect(staleBody.statusCode).toBe(409);
      const withoutVersion = await http('PATCH', `/v1/products/${created.id}`, {
        token: admin(),
        body: { priceCents: 1 },
      });
      expect(withoutVersion.statusCode).toBe(428);
      expect(await product(created.id)).toMatchObject({ priceCents: 7999, version: 2 });

      const [updated] = await tap.waitFor(ProductUpdatedV1, (d) => d.productId === created.id);
      expect(updated!.data).toMatchObject({ priceCents: 7999, name: 'Keyboard v2', version: 2 });
    });

    it('lets exactly one of two concurrent updates from the same version through', async () => {
      const created = await createProduct();
      const results = await Promise.all(
        [100, 200].map((priceCents) =>
          http('PATCH', `/v1/products/${created.id}`, {
            token: admin(),
            body: { priceCents, version: 1 },
          }),
        ),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect((await product(created.id)).version).toBe(2);
    });

    it('discontinues instead of deleting: still readable, no longer listed, ProductUpdated published', async () => {
      const created = await createProduct();
      expect((await http('DELETE', `/v1/products/${created.id}`, { token: admin() })).statusCode).toBe(204);
      expect((await http('DELETE', `/v1/products/${created.id}`, { token: admin() })).statusCode).toBe(204);
      expect(await product(created.id)).toMatchObject({ status: 'DISCONTINUED', version: 2 });
      const list = await http('GET', `/v1/products?category=${created.category}`);
      expect(list.json()).toMatchObject({ items: [], total: 0 });
      await tap.waitFor(ProductUpdatedV1, (d) => d.productId === created.id && d.status === 'DISCONTINUED');
      // Discontinuing twice changed nothing the second time: one event, one version bump.
      expect(tap.events(ProductUpdatedV1, (d) => d.productId === created.id)).toHaveLength(1);
      expect((await http('DELETE', `/v1/products/${randomUUID()}`, { token: admin() })).statusCode).toBe(404);
    });
  });

  describe('access control', () => {
    const someId = randomUUID();
    it.each([
      ['POST', '/v1/products'],
      ['PATCH', `/v1/products/${someId}`],
      ['DELETE', `/v1/products/${someId}`],
      ['POST', `/v1/products/${someId}/stock-adjustments`],
    ] as const)('%s %s: 401 without a token, 403 for a customer', async (method, url) => {
      const anonymous = await http(method, url, { body: {} });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
      const customer = await http(method, url, { token: catalog.customerToken, body: {} });
      expect(customer.statusCode).toBe(403);
    });

    it('serves reads to anyone', async () => {
      expect((await http('GET', '/v1/products')).statusCode).toBe(200);
    });
  });

  describe('listing', () => {
    let category: string;
    let made: Product[];
    beforeAll(async () => {
      category = `list-${randomUUID().slice(0, 8)}`;
      made = [];
      for (const [name, priceCents] of [
        ['Cherry switch', 300],
        ['Alpaca wool pad', 1200],
        ['Brass keycap', 700],
        ['Delta cable', 900],
      ] as const) {
        made.push(
          await createProduct({
            name,
            priceCents,
            category,
            sku: `${name.split(' ')[0]}-${randomUUID().slice(0, 8)}`,
          }),
        );
      }
      // Creation times a millisecond apart could tie; pin them so the createdAt order is certain.
      for (const [i, p] of made.entries()) {
        await db.query('UPDATE product SET created_at = ? WHERE id = ?', [
          new Date(Date.UTC(2026, 0, 1 + i)),
          p.id,
        ]);
      }
    });
    const list = async (query: string) => {
      const res = await http('GET', `/v1/products?category=${category}&${query}`);
      expect(res.statusCode).toBe(200);
      return res.json() as { items: Product[]; total: number; page: number; limit: number };
    };

    it('sorts by name by default, pages with total, page and limit', async () => {
      const first = await list('limit=3');
      expect(first.items.map((p) => p.name)).toEqual(['Alpaca wool pad', 'Brass keycap', 'Cherry switch']);
      expect(first).toMatchObject({ total: 4, page: 1, limit: 3 });
      const second = await list('limit=3&page=2');
      expect(second.items.map((p) => p.name)).toEqual(['Delta cable']);
    });

    it.each([
      ['sort=priceCents', ['Cherry switch', 'Brass keycap', 'Delta cable', 'Alpaca wool pad']],
      ['sort=-priceCents', ['Alpaca wool pad', 'Delta cable', 'Brass keycap', 'Cherry switch']],
      ['sort=-name', ['Delta cable', 'Cherry switch', 'Brass keycap', 'Alpaca wool pad']],
      ['sort=createdAt', ['Cherry switch', 'Alpaca wool pad', 'Brass keycap', 'Delta cable']],
      ['sort=-createdAt', ['Delta cable', 'Brass keycap', 'Alpaca wool pad', 'Cherry switch']],
      ['minPriceCents=700&maxPriceCents=1000', ['Brass keycap', 'Delta cable']],
      ['q=br', ['Brass keycap']],
      ['q=Cherry-', ['Cherry switch']],
      ['q=%25', []],
    ])('?%s', async (query, names) => {
      expect((await list(query)).items.map((p) => p.name)).toEqual(names);
    });

    it.each([
      ['limit=1000', 'limit'],
      ['limit=0', 'limit'],
      ['page=0', 'page'],
      ['sort=price', 'sort'],
      ['sort=-id', 'sort'],
      ['minPriceCents=-1', 'minPriceCents'],
      ['minPriceCents=500&maxPriceCents=100', 'minPriceCents'],
      ['color=red', 'color'],
    ])('refuses ?%s with 400 naming %s', async (query, field) => {
      const res = await http('GET', `/v1/products?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('stock adjustments', () => {
    it('receives and writes off stock with an audit row per movement', async () => {
      const created = await createProduct({ initialStock: 5 });
      const received = await http('POST', `/v1/products/${created.id}/stock-adjustments`, {
        token: admin(),
        body: { delta: 20, reason: 'delivery' },
      });
      expect(received.statusCode).toBe(201);
      expect(received.json()).toMatchObject({
        productId: created.id,
        delta: 20,
        stockAvailable: 25,
        stockReserved: 0,
      });
      const writtenOff = await http('POST', `/v1/products/${created.id}/stock-adjustments`, {
        token: admin(),
        body: { delta: -25, reason: 'water damage' },
      });
      expect(writtenOff.json()).toMatchObject({ stockAvailable: 0 });
      const [rows] = await db.query(
        'SELECT delta, reason FROM stock_movement WHERE product_id = ? ORDER BY created_at, delta DESC',
        [created.id],
      );
      expect(rows).toEqual([
        { delta: 5, reason: 'initial stock' },
        { delta: 20, reason: 'delivery' },
        { delta: -25, reason: 'water damage' },
      ]);
    });

    it('never writes off what is reserved: 409, and nothing changes', async () => {
      const created = await createProduct({ initialStock: 4 });
      const orderId = randomUUID();
      await placeOrder(orderId, [{ productId: created.id, quantity: 3 }]);
      await tap.waitFor(StockReservedV1, (d) => d.orderId === orderId);
      const res = await http('POST', `/v1/products/${created.id}/stock-adjustments`, {
        token: admin(),
        body: { delta: -2, reason: 'recount' },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'STOCK.BELOW_RESERVED' });
      expect(await product(created.id)).toMatchObject({ stockAvailable: 1, stockReserved: 3 });
    });

    it.each([
      [{ delta: 0, reason: 'nothing' }, 'delta'],
      [{ delta: 1.5, reason: 'half' }, 'delta'],
      [{ delta: 1, reason: '' }, 'reason'],
    ])('refuses %o with 400', async (body, field) => {
      const created = await createProduct();
      const res = await http('POST', `/v1/products/${created.id}/stock-adjustments`, {
        token: admin(),
        body,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers 404 for an unknown product', async () => {
      const res = await http('POST', `/v1/products/${randomUUID()}/stock-adjustments`, {
        token: admin(),
        body: { delta: 1, reason: 'found one' },
      });
      expect(res.statusCode).toBe(404);
    });
  });

  /** Publishes OrderPlaced as the order service would, pricing lines at 100 cents. */
  function placeOrder(orderId: string, lines: { productId: string; quantity: number }[]) {
    const priced = lines.map((line) => ({ ...line, unitPriceCents: 100 }));
    return publisher.publish(
      OrderPlacedV1,
      {
        orderId,
        customerId: randomUUID(),
        lines: priced,
        totalCents: priced.reduce((sum, l) => sum + l.quantity * 100, 0),
        currency: 'EUR',
      },
      'order',
    );
  }
  const outcomeOf = async (orderId: string) => {
    await eventually(
      () => {
        const reserved = tap.events(StockReservedV1, (d) => d.orderId === orderId).length;
        const rejected = tap.events(StockRejectedV1, (d) => d.orderId === orderId).length;
        if (reserved + rejected === 0) throw new Error(`no outcome yet for ${orderId}`);
      },
      { timeoutMs: 30_000 },
    );
    return tap.events(StockReservedV1, (d) => d.orderId === orderId).length ? 'reserved' : 'rejected';
  };
  async function stockBooks(productId: string) {
    const [[moved]] = (await db.query(
      'SELECT COALESCE(SUM(delta), 0) AS received FROM stock_movement WHERE product_id = ?',
      [productId],
    )) as unknown as [[{ received: string }]];
    const [[held]] = (await db.query(
      "SELECT COALESCE(SUM(quantity), 0) AS reserved FROM stock_reservation WHERE product_id = ? AND state = 'RESERVED'",
      [productId],
    )) as unknown as [[{ reserved: string }]];
    return {
      received: Number(moved.received),
      reservedRows: Number(held.reserved),
      ...(await product(productId)),
    };
  }

  describe('reservations (order events over Kafka)', () => {
    it('reserves every line of an order, all or nothing, and says why when it cannot', async () => {
      const plenty = await createProduct({ initialStock: 10 });
      const scarce = await createProduct({ initialStock: 1 });
      const gone = await createProduct({ initialStock: 10 });
      await http('DELETE', `/v1/products/${gone.id}`, { token: admin() });
      const unknown = randomUUID();

      const rejectedId = randomUUID();
      await placeOrder(rejectedId, [
        { productId: plenty.id, quantity: 2 },
        { productId: scarce.id, quantity: 2 },
        { productId: gone.id, quantity: 1 },
        { productId: unknown, quantity: 1 },
      ]);
      const [rejected] = await tap.waitFor(StockRejectedV1, (d) => d.orderId === rejectedId);
      expect(rejected!.data.reasons).toEqual(
        expect.arrayContaining([
          { productId: scarce.id, reason: 'INSUFFICIENT_STOCK' },
          { productId: gone.id, reason: 'DISCONTINUED' },
          { productId: unknown, reason: 'UNKNOWN_PRODUCT' },
        ]),
      );
      expect(rejected!.data.reasons).toHaveLength(3);
      expect(await product(plenty.id)).toMatchObject({ stockAvailable: 10, stockReserved: 0 });

      const reservedId = randomUUID();
      const placed = await placeOrder(reservedId, [
        { productId: plenty.id, quantity: 2 },
        { productId: scarce.id, quantity: 1 },
        { productId: plenty.id, quantity: 1 },
      ]);
      const [reserved] = await tap.waitFor(StockReservedV1, (d) => d.orderId === reservedId);
      expect(reserved!.data.lines).toEqual(
        expect.arrayContaining([
          { productId: plenty.id, quantity: 3 },
          { productId: scarce.id, quantity: 1 },
        ]),
      );
      expect(reserved!.causationId).toBe(placed.id);
      expect(reserved!.correlationId).toBe(placed.correlationId);
      expect(await product(plenty.id)).toMatchObject({ stockAvailable: 7, stockReserved: 3 });
      expect(await product(scarce.id)).toMatchObject({ stockAvailable: 0, stockReserved: 1 });
    });

    it('50 orders at once for 10 units: exactly 10 reserved, 40 rejected, every unit accounted for', async () => {
      const created = await createProduct({ initialStock: 10 });
      const orderIds = Array.from({ length: 50 }, () => randomUUID());
      const placed = await Promise.all(
        orderIds.map((id) => placeOrder(id, [{ productId: created.id, quantity: 1 }])),
      );
      const outcomes = await Promise.all(orderIds.map(outcomeOf));
      expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(10);
      expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(40);
      // Orders reserved in one chunk each answer their own OrderPlaced: its correlation, it as cause.
      for (const [i, orderId] of orderIds.entries()) {
        const [answer] = [
          ...tap.events(StockReservedV1, (d) => d.orderId === orderId),
          ...tap.events(StockRejectedV1, (d) => d.orderId === orderId),
        ];
        expect(answer).toMatchObject({ causationId: placed[i]!.id, correlationId: placed[i]!.correlationId });
      }
      for (const id of orderIds.filter((_, i) => outcomes[i] === 'rejected')) {
        const [event] = tap.events(StockRejectedV1, (d) => d.orderId === id);
        expect(event!.data.reasons).toEqual([{ productId: created.id, reason: 'INSUFFICIENT_STOCK' }]);
      }
      const books = await stockBooks(created.id);
      expect(books).toMatchObject({ stockAvailable: 0, stockReserved: 10, reservedRows: 10, received: 10 });
      expect(books.stockAvailable + books.stockReserved).toBe(books.received);

      // Cancelling three confirmed orders gives their units back, once each.
      const cancelled = orderIds.filter((_, i) => outcomes[i] === 'reserved').slice(0, 3);
      await Promise.all(
        cancelled.map((orderId) => publisher.publish(OrderCancelledV1, { orderId }, 'order')),
      );
      await Promise.all(
        cancelled.map((orderId) => tap.waitFor(StockReleasedV1, (d) => d.orderId === orderId)),
      );
      const after = await stockBooks(created.id);
      expect(after).toMatchObject({ stockAvailable: 3, stockReserved: 7, reservedRows: 7 });
      expect(after.stockAvailable + after.stockReserved).toBe(after.received);
    });

    it("decides a chunk's orders in turn, each against the stock the ones before it left", async () => {
      const a = await createProduct({ initialStock: 3 });
      const b = await createProduct({ initialStock: 5 });
      const placed = (orderId: string, lines: { productId: string; quantity: number }[]) =>
        envelopeOf(
          OrderPlacedV1,
          {
            orderId,
            customerId: randomUUID(),
            lines: lines.map((line) => ({ ...line, unitPriceCents: 100 })),
            totalCents: 100,
            currency: 'EUR',
          },
          'order',
        );
      const [o1, o2, o3, o4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const run = [
        placed(o1, [{ productId: a.id, quantity: 2 }]), // reserved: 1 of a left
        placed(o2, [{ productId: a.id, quantity: 2 }]), // rejected: only 1 left
        placed(o3, [
          { productId: a.id, quantity: 1 },
          { productId: b.id, quantity: 1 },
        ]), // reserved: a is gone
        placed(o4, [{ productId: randomUUID(), quantity: 1 }]), // rejected: unknown product
        placed(o2, [{ productId: b.id, quantity: 1 }]), // the rejected order again: decided again, reserved
        placed(o1, [{ productId: b.id, quantity: 1 }]), // holds stock already: nothing
      ];
      // The handler as the consumer calls it for one chunk: one transaction, one call.
      const reservations = catalog.app.get(StockReservations);
      await catalog.app.get(UnitOfWork, { strict: false }).run((em) => reservations.reserve(em, run));

      expect(await stockBooks(a.id)).toMatchObject({ stockAvailable: 0, stockReserved: 3, reservedRows: 3 });
      expect(await stockBooks(b.id)).toMatchObject({ stockAvailable: 3, stockReserved: 2, reservedRows: 2 });
      const answers = await Promise.all([
        tap.waitFor(StockReservedV1, (d) => d.orderId === o1),
        tap.waitFor(StockRejectedV1, (d) => d.orderId === o2),
        tap.waitFor(StockReservedV1, (d) => d.orderId === o3),
        tap.waitFor(StockRejectedV1, (d) => d.orderId === o4),
        tap.waitFor(StockReservedV1, (d) => d.orderId === o2),
      ]);
      // Each answer names the OrderPlaced it answers, with that event's correlation id.
      expect(answers.map(([answer]) => answer!.causationId)).toEqual(run.slice(0, 5).map((e) => e.id));
      expect(answers.map(([answer]) => answer!.correlationId)).toEqual(
        run.slice(0, 5).map((e) => e.correlationId),
      );
      expect(answers[1]![0]!.data.reasons).toEqual([{ productId: a.id, reason: 'INSUFFICIENT_STOCK' }]);
      expect(tap.events(StockReservedV1, (d) => d.orderId === o1)).toHaveLength(1);
    });

    it('applies a redelivered event once: no second reservation, no second release', async () => {
      const created = await createProduct({ initialStock: 5 });
      const orderId = randomUUID();
      const placed = await placeOrder(orderId, [{ productId: created.id, quantity: 2 }]);
      await tap.waitFor(StockReservedV1, (d) => d.orderId === orderId);
      // The same envelope again (a redelivery), and the same order under a new event id (a retry
      // upstream): neither reserves a second time.
      await publisher.resend(TOPICS.orderEvents.name, placed);
      const retried = await placeOrder(orderId, [{ productId: created.id, quantity: 2 }]);
      const cancel = await publisher.publish(OrderCancelledV1, { orderId }, 'order');
      await tap.waitFor(StockReleasedV1, (d) => d.orderId === orderId);
      await publisher.resend(TOPICS.orderEvents.name, cancel);
      const rejectedLate = await publisher.publish(
        OrderRejectedV1,
        { orderId, reasons: ['timeout'] },
        'order',
      );
      // Every one of those was consumed (its inbox row is there) before we look at the effects.
      await eventually(async () => {
        const [rows] = await db.query('SELECT event_id FROM inbox_message WHERE event_id IN (?)', [
          [placed.id, retried.id, cancel.id, rejectedLate.id],
        ]);
        expect(rows).toHaveLength(4);
      });
      const metrics = (await http('GET', '/metrics')).body;
      expect(metrics).toMatch(/messaging_events_consumed_total\{[^}]*outcome="duplicate"[^}]*\} [1-9]/);
      expect(tap.events(StockReservedV1, (d) => d.orderId === orderId)).toHaveLength(1);
      expect(tap.events(StockReleasedV1, (d) => d.orderId === orderId)).toHaveLength(1);
      expect(await stockBooks(created.id)).toMatchObject({
        stockAvailable: 5,
        stockReserved: 0,
        reservedRows: 0,
      });
    });

    it('releases a reservation when the order is rejected after it (timeout), once', async () => {
      const created = await createProduct({ initialStock: 3 });
      const orderId = randomUUID();
      await placeOrder(orderId, [{ productId: created.id, quantity: 3 }]);
      await tap.waitFor(StockReservedV1, (d) => d.orderId === orderId);
      await publisher.publish(OrderRejectedV1, { orderId, reasons: ['timeout'] }, 'order');
      const [released] = await tap.waitFor(StockReleasedV1, (d) => d.orderId === orderId);
      expect(released!.data.lines).toEqual([{ productId: created.id, quantity: 3 }]);
      expect(await product(created.id)).toMatchObject({ stockAvailable: 3, stockReserved: 0 });
      const [rows] = await db.query('SELECT state FROM stock_reservation WHERE order_id = ?', [orderId]);
      expect(rows).toEqual([{ state: 'RELEASED' }]);
    });
  });

  it('lists every error code it can answer in its OpenAPI document', async () => {
    const document = (await http('GET', '/docs-json')).body;
    for (const code of domainErrorCodes(productErrors)) expect(document).toContain(code);
    expect(domainErrorCodes(productErrors)).toContain('STOCK.BELOW_RESERVED');
  });
});
