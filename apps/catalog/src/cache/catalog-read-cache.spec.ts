import { createLogger, Metrics } from '@shopflow/platform/observability';
import { CatalogReadCache } from './catalog-read-cache';
import { LruBackend } from './lru.backend';
import type { CacheKey, Representation } from './read-cache.backend';

const product = (id: string): CacheKey => ({ area: 'product', productId: id });
const page = (query: string): CacheKey => ({ area: 'page', query });
const value = (body: string): Representation => ({ body, etag: `"${body}"` });

function setUp({ maxEntries = 100, ttlMs = 5_000, live = (): boolean => true } = {}) {
  const metrics = new Metrics('catalog');
  const evicted: string[] = [];
  const backend = new LruBackend(maxEntries, (area) => evicted.push(area));
  const cache = new CatalogReadCache(
    backend,
    { ttlMs, live },
    metrics,
    createLogger({ service: 'catalog', level: 'silent' }),
  );
  let loads = 0;
  const loader = (body: string) => async () => {
    loads++;
    return value(body);
  };
  return { cache, backend, metrics, evicted, loader, loads: () => loads };
}

describe('CatalogReadCache on the in-process LRU', () => {
  it('serves a second read from the cache, and reads again after the product changed', async () => {
    const { cache, loader, loads } = setUp();
    expect(await cache.read(product('a'), loader('v1'))).toEqual(value('v1'));
    expect(await cache.read(product('a'), loader('v2'))).toEqual(value('v1'));
    expect(loads()).toBe(1);
    await cache.invalidate({ productIds: ['a'], pages: false }, 'local');
    expect(await cache.read(product('a'), loader('v2'))).toEqual(value('v2'));
    expect(loads()).toBe(2);
  });

  it('drops every page at once when listings may have changed, but keeps other products', async () => {
    const { cache, loader, loads } = setUp();
    await cache.read(page('p1'), loader('page1'));
    await cache.read(page('p2'), loader('page2'));
    await cache.read(product('b'), loader('b1'));
    await cache.invalidate({ productIds: ['a'], pages: true }, 'event');
    expect(await cache.read(page('p1'), loader('page1b'))).toEqual(value('page1b'));
    expect(await cache.read(page('p2'), loader('page2b'))).toEqual(value('page2b'));
    expect(await cache.read(product('b'), loader('b2'))).toEqual(value('b1'));
    expect(loads()).toBe(5);
  });

  it('single flight: concurrent misses for one key make one database read', async () => {
    const { cache, loads } = setUp();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async () => {
      await gate;
      return value('once');
    };
    let calls = 0;
    const reads = Array.from({ length: 20 }, () =>
      cache.read(product('hot'), () => {
        calls++;
        return slow();
      }),
    );
    release();
    expect(new Set((await Promise.all(reads)).map((r) => r.body))).toEqual(new Set(['once']));
    expect(calls).toBe(1);
    expect(loads()).toBe(0);
  });

  it('does not store a read that raced with a change to its key (it started before the change)', async () => {
    const { cache, loader, loads } = setUp();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const racing = cache.read(product('a'), async () => {
      await gate;
      return value('old');
    });
    await cache.invalidate({ productIds: ['a'], pages: true }, 'event');
    release();
    expect((await racing).body).toBe('old'); // the caller asked before the change: that is fair
    expect(await cache.read(product('a'), loader('new'))).toEqual(value('new'));
    expect(loads()).toBe(1);
  });

  it('the TTL bounds staleness even when every invalidation is lost: an entry lives ttlMs from its read', async () => {
    const { backend } = setUp();
    const found = await backend.lookup(product('a'), 1_000);
    if (!('miss' in found)) throw new Error('expected a miss');
    await backend.store(found.miss, value('v1'), 1_000 + 5_000);
    expect(await backend.lookup(product('a'), 5_999)).toEqual({ hit: value('v1') });
    expect('miss' in (await backend.lookup(product('a'), 6_000))).toBe(true);
  });

  it('keeps at most maxEntries, dropping the least recently used and counting it', async () => {
    const { cache, loader, evicted, loads } = setUp({ maxEntries: 2 });
    await cache.read(product('a'), loader('a'));
    await cache.read(product('b'), loader('b'));
    await cache.read(product('a'), loader('a')); // a is now the most recent
    await cache.read(page('q'), loader('q')); // evicts b
    expect(evicted).toEqual(['product']);
    await cache.read(product('a'), loader('a'));
    expect(loads()).toBe(3);
    await cache.read(product('b'), loader('b'));
    expect(loads()).toBe(4);
  });

  it('bypasses the cache while its invalidation feed is not live, and when the TTL is 0', async () => {
    let live = false;
    const { cache, loader, loads } = setUp({ live: () => live });
    await cache.read(product('a'), loader('v1'));
    await cache.read(product('a'), loader('v1'));
    expect(loads()).toBe(2);
    live = true;
    await cache.read(product('a'), loader('v1'));
    await cache.read(product('a'), loader('v1'));
    expect(loads()).toBe(3);
    const off = setUp({ ttlMs: 0 });
    await off.cache.read(product('a'), off.loader('v1'));
    await off.cache.read(product('a'), off.loader('v1'));
    expect(off.loads()).toBe(2);
  });

  it('counts hits and misses per cache for the hit ratio', async () => {
    const { cache, loader, metrics } = setUp();
    await cache.read(product('a'), loader('a'));
    await cache.read(product('a'), loader('a'));
    await cache.read(page('q'), loader('q'));
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/catalog_cache_requests_total\{cache="product",result="hit",service="catalog"\} 1/);
    expect(text).toMatch(/catalog_cache_requests_total\{cache="product",result="miss",service="catalog"\} 1/);
    expect(text).toMatch(/catalog_cache_requests_total\{cache="page",result="miss",service="catalog"\} 1/);
    expect(text).toMatch(/catalog_cache_backend_up\{backend="lru",service="catalog"\} 1/);
  });
});
