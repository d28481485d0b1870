import { z } from 'zod';
import { accessTokenEnv, commonEnv, httpPort } from '@shopflow/platform/config';

/** The product read cache (docs/adr/0011-catalog-read-cache.md). */
export const catalogCacheEnv = {
  /** Unset: an in-process LRU per replica. Set (redis://host:6379/0): one Redis shared by all replicas. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** The staleness bound: no cached read is older than this, even when every invalidation is lost. */
  CATALOG_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
  /** Entries the in-process LRU keeps (products and pages together); 0 turns the cache off. */
  CATALOG_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
};

export const catalogEnv = z.object({
  ...commonEnv,
  ...httpPort(3002),
  ...accessTokenEnv,
  ...catalogCacheEnv,
});

export type CatalogConfig = z.infer<typeof catalogEnv>;
