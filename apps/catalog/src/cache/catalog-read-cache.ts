import type { Logger } from '@shopflow/platform/observability';
import { Metrics } from '@shopflow/platform/observability';
import {
  keyId,
  productKeyId,
  type CacheKey,
  type CatalogChange,
  type ReadCacheBackend,
  type Representation,
} from './read-cache.backend';

export interface CatalogReadCacheOptions {
  /** No entry is served longer than this after its database read began; 0 turns the cache off. */
  ttlMs: number;
  /** While false, reads bypass the cache (the in-process backend before its invalidation feed joined). */
  live?: () => boolean;
}

/**
 * Cache-aside for the catalog's public reads, with single flight: concurrent misses for one key
 * share one database read. What is cached is the representation (body and ETag), so a hit costs
 * no query and no serialisation. Never on the saga's path: reservations lock and read the rows.
 * Never an error: when the backend fails, the read goes to the database and the failure is counted.
 */
export class CatalogReadCache {
  private readonly inFlight = new Map<string, Promise<Representation>>();
  private readonly requests;
  private readonly invalidations;
  private readonly invalidationLag;
  private readonly backendErrors;
  private wasUp = true;
  /** Changes the backend refused (Redis away): applied again as soon as it is back. */
  private readonly pending = { productIds: new Set<string>(), pages: false };

  constructor(
    private readonly backend: ReadCacheBackend,
    private readonly options: CatalogReadCacheOptions,
    metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.requests = metrics.counter('catalog_cache_requests_total', 'Cached reads by outcome', [
      'cache',
      'result',
    ]);
    this.invalidations = metrics.counter(
      'catalog_cache_invalidations_total',
      'Changes applied to the read cache, by where they were learnt (this replica, or the event feed)',
      ['source'],
    );
    this.invalidationLag = metrics.histogram(
      'catalog_cache_invalidation_lag_seconds',
      'From a change published (within ms of its commit) to this replica dropping what it affects',
      [],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    );
    this.backendErrors = metrics.counter('catalog_cache_backend_errors_total', 'Cache backend failures', [
      'backend',
    ]);
    metrics.gauge('catalog_cache_backend_up', '1 while the cache backend answers', ['backend'], function () {
      this.set({ backend: backend.name }, backend.up() ? 1 : 0);
    });
    for (const cache of ['product', 'page'] as const)
      for (const result of ['hit', 'miss'] as const) this.requests.inc({ cache, result }, 0);
  }

  async read(key: CacheKey, load: () => Promise<Representation>): Promise<Representation> {
    if (this.options.ttlMs <= 0 || (this.options.live && !this.options.live())) return load();
    const id = keyId(key);
    const shared = this.inFlight.get(id);
    if (shared) {
      this.requests.inc({ cache: key.area, result: 'hit' });
      return shared;
    }
    // Registered before the first await: every concurrent reader of this key shares this one.
    const reading = this.lookupOrLoad(key, load);
    this.inFlight.set(id, reading);
    try {
      return await reading;
    } finally {
      if (this.inFlight.get(id) === reading) this.inFlight.delete(id);
    }
  }

  private async lookupOrLoad(key: CacheKey, load: () => Promise<Representation>): Promise<Representation> {
    const startedAt = Date.now();
    const found = await this.backend.lookup(key, startedAt);
    if (!this.wasUp && !('unavailable' in found)) this.backendState(true);
    if ('hit' in found) {
      this.requests.inc({ cache: key.area, result: 'hit' });
      return found.hit;
    }
    this.requests.inc({ cache: key.area, result: 'miss' });
    if ('unavailable' in found) {
      this.backendTrouble('lookup failed');
      return load();
    }
    const value = await load();
    try {
      await this.backend.store(found.miss, value, startedAt + this.options.ttlMs);
    } catch (error) {
      this.backendTrouble(error);
    }
    return value;
  }

  /**
   * Drops what `change` affects. `committedAt` (epoch ms), when known, feeds the invalidation-lag
   * histogram. Resolves even when the backend fails: the TTL is then the bound.
   */
  async invalidate(change: CatalogChange, source: 'local' | 'event', committedAt?: number): Promise<void> {
    if (!change.pages && !change.productIds.length) return;
    // A read in flight started before the change: its result must not be shared after it.
    for (const id of change.productIds) this.inFlight.delete(productKeyId(id));
    if (change.pages)
      for (const id of this.inFlight.keys()) if (id.startsWith('q:')) this.inFlight.delete(id);
    try {
      await this.backend.invalidate(change);
      this.invalidations.inc({ source });
      if (committedAt !== undefined)
        this.invalidationLag.observe(Math.max(0, Date.now() - committedAt) / 1000);
    } catch (error) {
      this.backendTrouble(error);
      this.remember(change);
    }
  }

  /** Bounded: past 10,000 products the TTL alone bounds what the rest left in the cache. */
  private remember(change: CatalogChange): void {
    this.pending.pages ||= change.pages;
    for (const id of change.productIds)
      if (this.pending.productIds.size < 10_000) this.pending.productIds.add(id);
  }

  private replayPending(): void {
    if (!this.pending.pages && !this.pending.productIds.size) return;
    const change = { productIds: [...this.pending.productIds], pages: this.pending.pages };
    this.pending.productIds.clear();
    this.pending.pages = false;
    void this.invalidate(change, 'local');
  }

  /** For the backend's own connection events: logs once per outage, not once per request. */
  backendState(up: boolean, reason?: string): void {
    if (up === this.wasUp) return;
    this.wasUp = up;
    if (up) this.replayPending();
    if (up) this.logger.info({ backend: this.backend.name }, 'read cache backend is back; caching resumes');
    else
      this.logger.warn(
        { backend: this.backend.name, reason },
        'read cache backend unavailable; reads go to the database until it is back',
      );
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  private backendTrouble(error: unknown): void {
    this.backendErrors.inc({ backend: this.backend.name });
    this.backendState(false, error instanceof Error ? error.message : String(error));
  }
}
