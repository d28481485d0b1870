import {
  keyId,
  productKeyId,
  type CacheKey,
  type CatalogChange,
  type FillToken,
  type Lookup,
  type ReadCacheBackend,
  type Representation,
} from './read-cache.backend';

interface Entry {
  value: Representation;
  expiresAt: number;
  /** Read since it was last passed over for eviction (second chance). */
  used: boolean;
  /** The page generation the entry was filled under (pages only). */
  pagesGeneration: number;
}

interface LruToken extends FillToken {
  generation: number;
  epoch: number;
}

/**
 * The default backend: a bounded cache in this process that evicts the least recently used entry
 * approximately (second chance, or CLOCK): a Map keeps insertion order, a hit only flags its entry,
 * and eviction walks from the oldest, moving flagged entries to the end and dropping the first
 * unflagged one. A hit never mutates the Map: moving the entry on every hit (exact LRU) cost a
 * third of the read throughput with 10,000 entries, in rehashing and garbage collection. Every page shares one generation, so "every page
 * may have changed" costs one increment, not a sweep; a product's entry is simply deleted, and a
 * fill that started before a change to its key is not stored.
 */
export class LruBackend implements ReadCacheBackend {
  readonly name = 'lru';
  private readonly entries = new Map<string, Entry>();
  private pagesGeneration = 0;
  /** Per product, the sequence number of its last change (to refuse fills that raced with it). */
  private readonly productChanges = new Map<string, number>();
  private sequence = 0;
  /** Moves on when productChanges is cleared to stay bounded: older tokens are refused. */
  private epoch = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly onEviction: (area: CacheKey['area']) => void = () => undefined,
  ) {}

  async lookup(key: CacheKey, now: number): Promise<Lookup> {
    const id = keyId(key);
    const entry = this.entries.get(id);
    if (entry) {
      const current = key.area === 'page' ? entry.pagesGeneration === this.pagesGeneration : true;
      if (current && entry.expiresAt > now) {
        entry.used = true;
        return { hit: entry.value };
      }
      this.entries.delete(id);
    }
    const token: LruToken = { key, startedAt: now, generation: this.generationOf(key), epoch: this.epoch };
    return { miss: token };
  }

  async store(token: FillToken, value: Representation, expiresAt: number): Promise<void> {
    const { key, generation, epoch } = token as LruToken;
    if (this.maxEntries === 0 || epoch !== this.epoch || generation !== this.generationOf(key)) return;
    const id = keyId(key);
    this.entries.delete(id);
    this.entries.set(id, { value, expiresAt, pagesGeneration: this.pagesGeneration, used: false });
    if (this.entries.size > this.maxEntries) this.evictOne();
  }

  async invalidate(change: CatalogChange): Promise<void> {
    if (change.pages) this.pagesGeneration++;
    if (this.productChanges.size + change.productIds.length > this.maxEntries * 2) {
      // Bounded memory: forget the per-product history, and refuse every fill still in flight.
      this.productChanges.clear();
      this.epoch++;
    }
    for (const productId of change.productIds) {
      this.productChanges.set(productId, ++this.sequence);
      this.entries.delete(productKeyId(productId));
    }
  }

  /** Second chance: a flagged entry is moved to the end, unflagged; the first unflagged one goes. */
  private evictOne(): void {
    for (const [id, entry] of this.entries) {
      if (entry.used) {
        entry.used = false;
        this.entries.delete(id);
        this.entries.set(id, entry);
        continue;
      }
      this.entries.delete(id);
      this.onEviction(id.startsWith('p:') ? 'product' : 'page');
      return;
    }
  }

  up(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private generationOf(key: CacheKey): number {
    return key.area === 'page' ? this.pagesGeneration : (this.productChanges.get(key.productId) ?? 0);
  }
}
