/**
 * The totals of product pages, kept for a second per filter. A page's `total` is a COUNT over every
 * matching index entry, as much database work as the page itself, and it changes only when a
 * product enters or leaves a filter (a create, an update, a discontinuation), never with stock.
 * This replica forgets every total on its own product changes; another replica's changes show in
 * the total within `ttlMs`. The page's items are always read fresh.
 */
export class ProductCountCache {
  private readonly totals = new Map<string, { total: number; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 1_000,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: string, count: () => Promise<number>, now = Date.now()): Promise<number> {
    const hit = this.totals.get(key);
    if (hit && hit.expiresAt > now) return hit.total;
    const total = await count();
    if (this.totals.size >= this.maxEntries) this.totals.clear(); // bounded: a burst of filters cannot grow it
    this.totals.set(key, { total, expiresAt: now + this.ttlMs });
    return total;
  }

  /** Called after this replica changes a product: its own writes show at once. */
  invalidate(): void {
    this.totals.clear();
  }
}
