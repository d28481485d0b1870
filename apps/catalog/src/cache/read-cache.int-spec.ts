import { randomUUID } from 'node:crypto';
import {
  OrderCancelledV1,
  OrderPlacedV1,
  StockReleasedV1,
  StockReservedV1,
  TOPICS,
  type Product,
} from '@shopflow/contracts';
import { eventually, EventPublisher, EventTap, redisUrl } from '@shopflow/testing';
import { startCatalog } from '../test-support/catalog-under-test';

type Replica = Awaited<ReturnType<typeof startCatalog>>;

/**
 * Two catalog replicas on the real database and broker, as two pods would be: whatever changes a
 * product (an admin's edit or stock adjustment, a new product, a reservation or a release driven
 * by the order saga's events), both replicas serve the new state shortly after, from their cache.
 * Once with the in-process LRU (kept right by each replica's invalidation feed), once with Redis.
 */
describe.each([
  ['in-process LRU + invalidation feed', () => ({})],
  ['Redis', () => ({ REDIS_URL: redisUrl() })],
])('catalog read cache across two replicas: %s (real MySQL, Kafka, Redis)', (_backend, env) => {
  jest.setTimeout(90_000);
  let a: Replica;
  let b: Replica;
  let publisher: EventPublisher;
  let tap: EventTap;

  beforeAll(async () => {
    publisher = EventPublisher.create();
    tap = await EventTap.start([TOPICS.catalogStockEvents.name]);
    // A TTL far beyond every deadline below: only invalidation can make the replicas converge in time.
    const cache = { ...env(), CATALOG_CACHE_TTL_MS: '60000' };
    a = await startCatalog({ ...cache, KAFKA_CLIENT_ID: `catalog-a-${randomUUID().slice(0, 6)}` });
    b = await startCatalog({ ...cache, KAFKA_CLIENT_ID: `catalog-b-${randomUUID().slice(0, 6)}` });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), publisher?.close(), tap?.stop()]);
  });

  const read = async (replica: Replica, url: string) => {
    const res = await replica.http('GET', url);
    expect(res.statusCode).toBe(200);
    return { body: res.json(), etag: res.headers.etag as string };
  };
  const productHits = async (replica: Replica) =>
    Number(
      /catalog_cache_requests_total\{cache="product",result="hit"[^}]*\} (\d+)/.exec(
        (await replica.http('GET', '/metrics')).body,
      )?.[1] ?? 0,
    );

  /** Both replicas serve `url` from their cache (a second read is a hit), then the test changes it. */
  async function warm(url: string): Promise<void> {
    for (const replica of [a, b]) {
      await eventually(async () => {
        const before = await productHits(replica);
        await read(replica, url);
        await read(replica, url);
        expect(await productHits(replica)).toBeGreaterThan(before);
      });
    }
  }
  const bothServe = (url: string, expected: (p: Product) => boolean) =>
    Promise.all(
      [a, b].map((replica) =>
        eventually(async () => expect(expected((await read(replica, url)).body)).toBe(true), {
          timeoutMs: 5_000,
          intervalMs: 10,
        }),
      ),
    );

  async function createProduct(category = `cat-${randomUUID().slice(0, 8)}`): Promise<Product> {
    const res = await a.http('POST', '/v1/products', {
      token: a.adminToken,
      body: {
        sku: `SKU-${randomUUID().slice(0, 13)}`,
        name: 'Cached lamp',
        description: 'Bright.',
        category,
        priceCents: 1000,
        currency: 'EUR',
        initialStock: 10,
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  it('an admin edit on one replica (PATCH): both serve the new price', async () => {
    const product = await createProduct();
    const url = `/v1/products/${product.id}`;
    await warm(url);
    const res = await a.http('PATCH', url, { token: a.adminToken, body: { priceCents: 2500, version: 1 } });
    expect(res.statusCode).toBe(200);
    await bothServe(url, (p) => p.priceCents === 2500 && p.version === 2);
  });

  it('a stock adjustment on one replica: both serve the new stock (and a new ETag)', async () => {
    const product = await createProduct();
    const url = `/v1/products/${product.id}`;
    await warm(url);
    const etag = (await read(b, url)).etag;
    const res = await b.http('POST', `${url}/stock-adjustments`, {
      token: b.adminToken,
      body: { delta: 5, reason: 'delivery' },
    });
    expect(res.statusCode).toBe(201);
    await bothServe(url, (p) => p.stockAvailable === 15);
    expect((await read(a, url)).etag).not.toBe(etag);
  });

  it('a reservation and its release, from the saga events: both serve the stock as it moves', async () => {
    const product = await createProduct();
    const url = `/v1/products/${product.id}`;
    await warm(url);
    const orderId = randomUUID();
    await publisher.publish(
      OrderPlacedV1,
      {
        orderId,
        customerId: randomUUID(),
        lines: [{ productId: product.id, quantity: 3, unitPriceCents: 1000 }],
        totalCents: 3000,
        currency: 'EUR',
      },
      'order',
    );
    // The saga's own pace (a consumer group settling after the replicas joined) is not the cache's:
    // once the catalog has published its answer, the change is committed and both must follow.
    await tap.waitFor(StockReservedV1, (d) => d.orderId === orderId, { timeoutMs: 30_000 });
    await bothServe(url, (p) => p.stockAvailable === 7 && p.stockReserved === 3);
    await publisher.publish(OrderCancelledV1, { orderId }, 'order');
    await tap.waitFor(StockReleasedV1, (d) => d.orderId === orderId, { timeoutMs: 30_000 });
    await bothServe(url, (p) => p.stockAvailable === 10 && p.stockReserved === 0);
  });

  it('a new product: the page that lists it shows it on both replicas', async () => {
    const first = await createProduct();
    const url = `/v1/products?category=${first.category}`;
    for (const replica of [a, b])
      for (const _ of [1, 2]) expect((await read(replica, url)).body.total).toBe(1);
    await createProduct(first.category);
    await Promise.all(
      [a, b].map((replica) =>
        eventually(async () => expect((await read(replica, url)).body.total).toBe(2), { timeoutMs: 5_000 }),
      ),
    );
  });

  it('answers If-None-Match with 304 while nothing changed, and 200 with a new ETag after a change', async () => {
    const product = await createProduct();
    const url = `/v1/products/${product.id}`;
    const { etag } = await read(b, url);
    const same = await b.http('GET', url, { headers: { 'if-none-match': etag } });
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    expect(same.headers['cache-control']).toBe('public, max-age=1');
    await a.http('POST', `${url}/stock-adjustments`, {
      token: a.adminToken,
      body: { delta: 1, reason: 'found one' },
    });
    await eventually(async () => {
      const changed = await b.http('GET', url, { headers: { 'if-none-match': etag } });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
    });
    const list = `/v1/products?category=${product.category}`;
    const page = await read(a, list);
    expect((await a.http('GET', list, { headers: { 'if-none-match': page.etag } })).statusCode).toBe(304);
  });
});
