import { randomUUID } from 'node:crypto';
import { Metrics } from '@shopflow/platform/observability';
import { captureLogger, eventually, redisUrl, TcpProxy } from '@shopflow/testing';
import { CatalogReadCache } from './catalog-read-cache';
import type { CacheKey, Representation } from './read-cache.backend';
import { RedisBackend } from './redis.backend';

/** The Redis backend against the machine's real Redis, through a proxy the test can cut. */
describe('catalog read cache on Redis (real Redis)', () => {
  jest.setTimeout(30_000);
  let proxy: TcpProxy;
  const opened: CatalogReadCache[] = [];

  beforeAll(async () => {
    const target = new URL(redisUrl());
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
  });
  afterAll(async () => {
    await Promise.all(opened.map((cache) => cache.close()));
    await proxy?.cut();
  });

  /** A replica's cache: its own connection, metrics and log, all on the one shared Redis. */
  async function replica(ttlMs = 5_000) {
    const metrics = new Metrics('catalog');
    const logs = captureLogger('catalog', 'info');
    const url = new URL(redisUrl());
    url.port = String(proxy.port);
    const holder: { cache?: CatalogReadCache } = {};
    const backend = new RedisBackend(url.toString(), (up, reason) => holder.cache?.backendState(up, reason));
    const cache = new CatalogReadCache(backend, { ttlMs }, metrics, logs.logger);
    holder.cache = cache;
    opened.push(cache);
    await eventually(() => expect(backend.up()).toBe(true), { timeoutMs: 5_000 });
    return { cache, backend, metrics, logs };
  }

  const product = (): CacheKey => ({ area: 'product', productId: randomUUID() });
  const value = (body: string): Representation => ({ body: `{"v":"${body}"}`, etag: `"${body}"` });
  function counting() {
    let loads = 0;
    return { load: (body: string) => async () => (loads++, value(body)), loads: () => loads };
  }

  it('what one replica fills, another serves; a change from either reaches both at once', async () => {
    const [a, b] = [await replica(), await replica()];
    const key = product();
    const { load, loads } = counting();
    expect(await a.cache.read(key, load('v1'))).toEqual(value('v1'));
    expect(await b.cache.read(key, load('never'))).toEqual(value('v1'));
    expect(loads()).toBe(1);
    await a.cache.invalidate(
      { productIds: [key.area === 'product' ? key.productId : ''], pages: false },
      'local',
    );
    expect(await b.cache.read(key, load('v2'))).toEqual(value('v2'));
    expect(await a.cache.read(key, load('never'))).toEqual(value('v2'));
    expect(loads()).toBe(2);
  });

  it('every page goes with one change; a fill that raced with the change is never served', async () => {
    const { cache, backend } = await replica();
    const query = randomUUID();
    const { load } = counting();
    await cache.read({ area: 'page', query }, load('page-v1'));
    const racing = await backend.lookup({ area: 'page', query: `${query}-2` }, Date.now());
    await cache.invalidate({ productIds: [], pages: true }, 'local');
    if (!('miss' in racing)) throw new Error('expected a miss');
    await backend.store(racing.miss, value('stale'), Date.now() + 5_000);
    expect(await cache.read({ area: 'page', query }, load('page-v2'))).toEqual(value('page-v2'));
    expect(await cache.read({ area: 'page', query: `${query}-2` }, load('fresh'))).toEqual(value('fresh'));
  });

  it('single flight: 50 concurrent misses for one product make one database read', async () => {
    const { cache } = await replica();
    const key = product();
    let calls = 0;
    const reads = await Promise.all(
      Array.from({ length: 50 }, () =>
        cache.read(key, async () => {
          calls++;
          await new Promise((resolve) => setImmediate(resolve));
          return value('hot');
        }),
      ),
    );
    expect(reads.every((read) => read.body === value('hot').body)).toBe(true);
    expect(calls).toBe(1);
  });

  it('Redis down: reads go to the database with a warning and a metric, never an error; Redis back: caching resumes', async () => {
    // A long TTL, so only the replayed change (not expiry) can make the next read fresh.
    const { cache, backend, metrics, logs } = await replica(60_000);
    const key = product();
    const { load, loads } = counting();
    await cache.read(key, load('v1'));

    await proxy.cut();
    await eventually(() => expect(backend.up()).toBe(false), { timeoutMs: 5_000 });
    expect(await cache.read(key, load('from-db'))).toEqual(value('from-db'));
    expect(await cache.read(key, load('from-db'))).toEqual(value('from-db'));
    // Resolves (never an error), and is applied again once Redis is back.
    await cache.invalidate(
      { productIds: [key.area === 'product' ? key.productId : ''], pages: true },
      'local',
    );
    expect(loads()).toBe(3);
    const down = await metrics.registry.metrics();
    expect(down).toMatch(/catalog_cache_backend_up\{backend="redis",service="catalog"\} 0/);
    expect(down).toMatch(/catalog_cache_backend_errors_total\{backend="redis",service="catalog"\} [1-9]/);
    const warnings = logs.lines().filter((line) => line.includes('read cache backend unavailable'));
    expect(warnings).toHaveLength(1);

    await proxy.restore();
    await eventually(() => expect(backend.up()).toBe(true), { timeoutMs: 10_000 });
    // The change made during the outage has been replayed: v1, filled before it, is not served.
    await eventually(async () => expect(await cache.read(key, load('refilled'))).toEqual(value('refilled')), {
      timeoutMs: 5_000,
    });
    expect(await cache.read(key, load('never'))).toEqual(value('refilled'));
    expect(loads()).toBe(4);
    expect(logs.lines().some((line) => line.includes('caching resumes'))).toBe(true);
  });
});
