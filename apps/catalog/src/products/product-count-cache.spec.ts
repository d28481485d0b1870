import { ProductCountCache } from './product-count-cache';

describe('ProductCountCache', () => {
  it('counts once per filter within the TTL, again after it, and at once after an invalidation', async () => {
    const cache = new ProductCountCache(1_000);
    let counted = 0;
    const count = async () => ++counted;
    expect(await cache.get('a', count, 0)).toBe(1);
    expect(await cache.get('a', count, 999)).toBe(1);
    expect(await cache.get('b', count, 999)).toBe(2);
    expect(await cache.get('a', count, 1_000)).toBe(3);
    cache.invalidate();
    expect(await cache.get('a', count, 1_001)).toBe(4);
  });

  it('stays bounded', async () => {
    const cache = new ProductCountCache(60_000, 2);
    let counted = 0;
    const count = async () => ++counted;
    await cache.get('a', count, 0);
    await cache.get('b', count, 0);
    await cache.get('c', count, 0); // clears, then keeps c
    expect(await cache.get('a', count, 0)).toBe(4);
  });
});
