/**
 * The one registry of Kafka topics. Names carry the owning service; the owner is the only
 * producer. Broker auto-create is off: topics exist because this list says so.
 */
export type ServiceName = 'auth' | 'catalog' | 'order';

export interface TopicDefinition {
  readonly name: string;
  readonly owner: ServiceName;
  readonly partitions: number;
  /** Replication in production; creation caps it at the number of brokers (1 locally). */
  readonly replicationFactor: number;
  /** What the message key is: events of one key are ordered. */
  readonly key: string;
  readonly eventTypes: readonly string[];
  readonly description: string;
}

export const TOPICS = {
  authUserEvents: {
    name: 'auth.user-events',
    owner: 'auth',
    partitions: 3,
    replicationFactor: 3,
    key: 'userId',
    eventTypes: ['UserRegistered', 'UserRolesChanged'],
    description: 'Lifecycle of user accounts.',
  },
  catalogProductEvents: {
    name: 'catalog.product-events',
    owner: 'catalog',
    partitions: 3,
    replicationFactor: 3,
    key: 'productId',
    eventTypes: ['ProductCreated', 'ProductUpdated'],
    description: 'Product state changes, carrying the full state consumers need.',
  },
  catalogStockEvents: {
    name: 'catalog.stock-events',
    owner: 'catalog',
    partitions: 3,
    replicationFactor: 3,
    key: 'orderId',
    eventTypes: ['StockReserved', 'StockRejected', 'StockReleased', 'StockAdjusted'],
    description: 'Outcomes of stock reservations made for orders.',
  },
  orderEvents: {
    name: 'order.events',
    owner: 'order',
    partitions: 3,
    replicationFactor: 3,
    key: 'orderId',
    eventTypes: ['OrderPlaced', 'OrderConfirmed', 'OrderRejected', 'OrderCancelled'],
    description: 'Order lifecycle, driving the order saga.',
  },
} as const satisfies Record<string, TopicDefinition>;

export interface ConsumerGroupDefinition {
  readonly groupId: string;
  readonly service: ServiceName;
  readonly topics: readonly string[];
  /** Where messages this group cannot process go, with the original bytes and error headers. */
  readonly deadLetterTopic: string;
}

export const CONSUMER_GROUPS = {
  catalog: {
    groupId: 'catalog-service',
    service: 'catalog',
    topics: [TOPICS.orderEvents.name],
    deadLetterTopic: 'catalog-service.dlq',
  },
  order: {
    groupId: 'order-service',
    service: 'order',
    topics: [TOPICS.catalogProductEvents.name, TOPICS.catalogStockEvents.name, TOPICS.authUserEvents.name],
    deadLetterTopic: 'order-service.dlq',
  },
} as const satisfies Record<string, ConsumerGroupDefinition>;

/** Every topic a service must create: the ones it owns plus its groups' dead-letter topics. */
export function topicsCreatedBy(
  service: ServiceName,
): { name: string; partitions: number; replicationFactor: number }[] {
  const owned = Object.values(TOPICS as Record<string, TopicDefinition>).filter((t) => t.owner === service);
  const deadLetters = Object.values(CONSUMER_GROUPS as Record<string, ConsumerGroupDefinition>)
    .filter((g) => g.service === service)
    .map((g) => ({ name: g.deadLetterTopic, partitions: 1, replicationFactor: 3 }));
  return [
    ...owned.map(({ name, partitions, replicationFactor }) => ({ name, partitions, replicationFactor })),
    ...deadLetters,
  ];
}
