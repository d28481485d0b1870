export {
  CONSUMER_GROUPS,
  TOPICS,
  topicsCreatedBy,
  type ConsumerGroupDefinition,
  type ServiceName,
  type TopicDefinition,
} from './topics/topics';
export { defineEvent, type EventData, type EventDefinition } from './events/event-definition';
export { EventEnvelopeSchema, type EventEnvelope } from './events/envelope';
export { EVENT_HEADERS, headersOf } from './events/event-headers';
export { EVENTS, parseEvent, type ParsedEvent } from './events/event-registry';
export { UserRegisteredV1, UserRolesChangedV1 } from './events/auth-events';
export {
  ProductCreatedV1,
  ProductUpdatedV1,
  StockAdjustedV1,
  StockRejectedV1,
  StockReleasedV1,
  StockReservedV1,
} from './events/catalog-events';
export { OrderCancelledV1, OrderConfirmedV1, OrderPlacedV1, OrderRejectedV1 } from './events/order-events';
export { buildAsyncApiDocument } from './asyncapi/asyncapi-document';
export { type Page } from './http/page';
export { ROLES, type Role, type TokenPair, type UserProfile } from './http/auth-http';
export {
  PRODUCT_SORT_FIELDS,
  PRODUCT_SORTS,
  PRODUCT_STATUSES,
  type Product,
  type ProductSort,
  type ProductSortField,
  type ProductStatus,
  type StockAdjustment,
} from './http/catalog-http';
export {
  ORDER_LIMITS,
  ORDER_STATUSES,
  type Order,
  type OrderLineView,
  type OrderStatus,
  type OrderStatusChange,
  type PlaceOrderRequest,
} from './http/order-http';
