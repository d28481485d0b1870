/** A product or page as served: the JSON body and its strong ETag, computed once per fill. */
export interface Representation {
  body: string;
  etag: string;
}

/** What a read is about: one product (by id) or one page (by its canonical query). */
export type CacheKey = { area: 'product'; productId: string } | { area: 'page'; query: string };

/** A key as one string, for maps in this process: `p:<id>` for a product, `q:<query>` for a page. */
export const keyId = (key: CacheKey): string =>
  key.area === 'product' ? productKeyId(key.productId) : `q:${key.query}`;
export const productKeyId = (productId: string): string => `p:${productId}`;

/** What changed: these products, and whether page listings may have changed too. */
export interface CatalogChange {
  productIds: readonly string[];
  /** False only when no listing can differ (never today: pages show stock); true for safety. */
  pages: boolean;
}

/** Where a fill may be stored: it remembers the generation its database read started under. */
export interface FillToken {
  readonly key: CacheKey;
  readonly startedAt: number;
}

export type Lookup =
  | { hit: Representation }
  | { miss: FillToken }
  /** The backend cannot answer (Redis down): read the database, store nothing. */
  | { unavailable: true };

/**
 * The cache's storage, behind one small port: an in-process LRU or Redis. Invalidation is by
 * generation: a change moves the affected generations on, so an entry filled before it (or a
 * fill racing with it) is never served again, whatever the order in which they land.
 */
export interface ReadCacheBackend {
  readonly name: 'lru' | 'redis';
  lookup(key: CacheKey, now: number): Promise<Lookup>;
  /** Keeps `value` until `expiresAt` unless a change touched its key since `token` was issued. */
  store(token: FillToken, value: Representation, expiresAt: number): Promise<void>;
  invalidate(change: CatalogChange): Promise<void>;
  /** Whether the backend answers now (Redis connected); drives the backend_up gauge. */
  up(): boolean;
  close(): Promise<void>;
}
