import { randomUUID } from 'node:crypto';
import { TOPICS } from '@shopflow/contracts';
import type { MessageBroker, ReceivedMessage, RunningConsumer } from '@shopflow/platform/messaging';
import type { CatalogChange } from './read-cache.backend';

/**
 * What a catalog event changed, for caches: the products it names, and whether listings may
 * differ (every change but a rejected reservation, which changes nothing). Null when the message
 * is not a catalog change (unknown type, unreadable body): the TTL then bounds what it touched.
 */
export function changeOf(message: ReceivedMessage): { change: CatalogChange; committedAt: number } | null {
  let event: { type?: unknown; data?: Record<string, unknown> };
  try {
    event = JSON.parse(message.value?.toString('utf8') ?? 'null') ?? {};
  } catch {
    return null;
  }
  const data = event.data ?? {};
  // The relay publishes within milliseconds of the commit; `occurredAt` is earlier, inside the
  // transaction, and would count the writer's own transaction time as the cache's lag.
  const at = Number(message.timestamp);
  switch (event.type) {
    case 'ProductCreated':
    case 'ProductUpdated':
    case 'StockAdjusted':
      return typeof data['productId'] === 'string'
        ? { change: { productIds: [data['productId']], pages: true }, committedAt: at }
        : null;
    case 'StockReserved':
    case 'StockReleased': {
      const lines = Array.isArray(data['lines']) ? (data['lines'] as { productId?: unknown }[]) : [];
      const productIds = lines
        .map((line) => line.productId)
        .filter((id): id is string => typeof id === 'string');
      return { change: { productIds, pages: true }, committedAt: at };
    }
    default:
      return null;
  }
}

/**
 * The in-process cache's view of changes made by other replicas: every replica reads the catalog's
 * own event topics in a consumer group of its own (a broadcast), from the newest offset on, and
 * drops what each event names. It needs no inbox: dropping an entry twice is harmless, and a
 * replica that starts late has an empty cache. Its offsets are kept only while it runs.
 */
export function startInvalidationFeed(
  broker: MessageBroker,
  replica: string,
  apply: (change: CatalogChange, committedAt: number) => Promise<void>,
): RunningConsumer {
  return broker.startConsumer({
    // One group per process start: a broadcast. Kafka forgets an empty group's offsets on its own.
    groupId: `catalog-cache.${replica}.${randomUUID().slice(0, 8)}`,
    topics: [TOPICS.catalogProductEvents.name, TOPICS.catalogStockEvents.name],
    fromBeginning: false,
    handleBatch: async (messages, { commit }) => {
      for (const message of messages) {
        const found = changeOf(message);
        if (found) await apply(found.change, found.committedAt);
      }
      const last = messages.at(-1);
      if (last) await commit(last);
    },
  });
}
