import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import type {
  CacheKey,
  CatalogChange,
  FillToken,
  Lookup,
  ReadCacheBackend,
  Representation,
} from './read-cache.backend';

interface RedisToken extends FillToken {
  /** The entry's key, generation included: a change moves the generation, so this key is dead. */
  entryKey: string;
}

const PREFIX = 'catalog:v1:';
/** Generations outlive every entry (entries live at most the TTL) by a wide margin. */
const GENERATION_TTL_MS = 24 * 3600 * 1000;

/**
 * One round trip per read: the key's generation and the entry stored under it. The entry's key is
 * derived from the generation, so it cannot be declared up front: Redis Cluster would refuse this;
 * a standalone (or single-shard managed) Redis is what ADR 0011 asks for.
 */
const LOOKUP = `
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation)}`;

type LookupReply = [generation: string, entry: string | null];
/** The script, as ioredis's defineCommand adds it to the client. */
type CacheLookup = { cacheLookup(generationKey: string, entryPrefix: string): Promise<LookupReply> };

/**
 * The shared backend, selected by REDIS_URL: every replica reads and fills the same entries, and
 * a change bumps the same generations, so a replica's write is seen by all at once. Never waits:
 * no offline queue, one attempt, a short command timeout; while Redis is away, `lookup` answers
 * "unavailable" and the read goes to the database (the caller counts and logs it).
 */
export class RedisBackend implements ReadCacheBackend {
  readonly name = 'redis';
  private readonly redis: Redis;

  constructor(url: string, onStateChange: (up: boolean, reason?: string) => void) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 250,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 250, 2_000),
      connectionName: 'catalog-read-cache',
    });
    this.redis.defineCommand('cacheLookup', { numberOfKeys: 1, lua: LOOKUP });
    this.redis.on('ready', () => onStateChange(true));
    this.redis.on('error', (error: Error) => onStateChange(false, error.message));
    this.redis.on('close', () => onStateChange(false, 'connection closed'));
  }

  async lookup(key: CacheKey, now: number): Promise<Lookup> {
    if (!this.up()) return { unavailable: true };
    const name = entryName(key);
    try {
      const [generation, entry] = await (this.redis as Redis & CacheLookup).cacheLookup(
        generationKey(key),
        `${name}@`,
      );
      if (entry !== null) return { hit: decode(entry) };
      const token: RedisToken = { key, startedAt: now, entryKey: `${name}@${generation}` };
      return { miss: token };
    } catch {
      return { unavailable: true };
    }
  }

  async store(token: FillToken, value: Representation, expiresAt: number): Promise<void> {
    const ttl = expiresAt - Date.now();
    if (ttl <= 0) return;
    await this.redis.set((token as RedisToken).entryKey, `${value.etag}\n${value.body}`, 'PX', ttl);
  }

  async invalidate(change: CatalogChange): Promise<void> {
    const keys = [
      ...(change.pages ? [`${PREFIX}gen:pages`] : []),
      ...change.productIds.map((id) => `${PREFIX}gen:p:${id}`),
    ];
    if (!keys.length) return;
    const pipeline = this.redis.multi();
    for (const key of keys) pipeline.incr(key).pexpire(key, GENERATION_TTL_MS);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('invalidation not applied');
  }

  up(): boolean {
    return this.redis.status === 'ready';
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

function generationKey(key: CacheKey): string {
  return key.area === 'product' ? `${PREFIX}gen:p:${key.productId}` : `${PREFIX}gen:pages`;
}

/** Page queries are hashed: a key's length stays fixed whatever the filter text. */
function entryName(key: CacheKey): string {
  return key.area === 'product'
    ? `${PREFIX}p:${key.productId}`
    : `${PREFIX}q:${createHash('sha1').update(key.query).digest('base64url')}`;
}

function decode(entry: string): Representation {
  const newline = entry.indexOf('\n');
  return { etag: entry.slice(0, newline), body: entry.slice(newline + 1) };
}
