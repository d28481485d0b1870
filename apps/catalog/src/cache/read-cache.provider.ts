import {
  Inject,
  Injectable,
  type FactoryProvider,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MESSAGE_BROKER, type MessageBroker, type RunningConsumer } from '@shopflow/platform/messaging';
import { Metrics, type Logger } from '@shopflow/platform/observability';
import { CatalogReadCache } from './catalog-read-cache';
import { startInvalidationFeed } from './invalidation-feed';
import { LruBackend } from './lru.backend';
import { RedisBackend } from './redis.backend';

export interface ReadCacheSettings {
  redisUrl?: string;
  ttlMs: number;
  maxEntries: number;
  /** Names this replica's broadcast consumer group. */
  replica: string;
}

const FEED = Symbol('READ_CACHE_FEED');

/**
 * Redis when REDIS_URL is set (one cache for every replica: a replica's own invalidation reaches
 * all at once), else an in-process LRU, bypassed until its invalidation feed has joined (a change
 * it could miss must not be cached over). Both follow the feed: every change committed anywhere
 * reaches every replica, even when the replica that made it crashed before dropping its entries.
 */
export function readCacheProviders(settings: ReadCacheSettings, logger: Logger) {
  const feed: { consumer?: RunningConsumer; start?: () => void } = {};
  const cacheProvider: FactoryProvider<CatalogReadCache> = {
    provide: CatalogReadCache,
    inject: [Metrics, MESSAGE_BROKER],
    useFactory: (metrics: Metrics, broker: MessageBroker) => {
      const cacheLogger = logger.child({ component: 'read-cache' });
      let cache: CatalogReadCache;
      if (settings.redisUrl) {
        const backend = new RedisBackend(settings.redisUrl, (up, reason) => cache?.backendState(up, reason));
        cache = new CatalogReadCache(backend, { ttlMs: settings.ttlMs }, metrics, cacheLogger);
      } else {
        const evictions = metrics.counter(
          'catalog_cache_evictions_total',
          'Entries the LRU dropped for room',
          ['cache'],
        );
        const backend = new LruBackend(settings.maxEntries, (area) => evictions.inc({ cache: area }));
        const live = () => feed.consumer?.state().status === 'joined';
        cache = new CatalogReadCache(backend, { ttlMs: settings.ttlMs, live }, metrics, cacheLogger);
      }
      // Redis too: a replica that crashed between its commit and its own invalidation is covered.
      if (settings.ttlMs > 0)
        feed.start = () => {
          feed.consumer = startInvalidationFeed(broker, settings.replica, (change, committedAt) =>
            cache.invalidate(change, 'event', committedAt),
          );
        };
      return cache;
    },
  };
  return [cacheProvider, { provide: FEED, useValue: feed }, ReadCacheLifecycle];
}

@Injectable()
class ReadCacheLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly cache: CatalogReadCache,
    @Inject(FEED) private readonly feed: { start?: () => void },
  ) {}

  onApplicationBootstrap(): void {
    this.feed.start?.(); // the broker's close() stops it with the service's other consumers
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}
