export {
  MESSAGE_BROKER,
  type ConsumerSpec,
  type ConsumerState,
  type MessageBroker,
  type MessageHeaders,
  type MessageProducer,
  type OutgoingMessage,
  type ReceivedMessage,
  type RunningConsumer,
  type TopicSpec,
} from './message-broker.port';
export { KafkajsBroker, type KafkaBrokerOptions } from './kafkajs.broker';
export { ConsumerHealthIndicator, KafkaHealthIndicator } from './messaging-health';
export { MessagingModule, type MessagingOptions } from './messaging.module';
export { Outbox } from './outbox';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { UnitOfWork } from './unit-of-work';
export { InsertAtCommit } from './insert-at-commit';
export { GroupCommit, type Submitted, type WriteBatch } from './group-commit';
export {
  EventConsumer,
  type ChunkHandler,
  type EventConsumerOptions,
  type EventHandler,
} from './event-consumer';
export { EventContext } from './event-context';
export { EventRefused } from './event-refused';
export { connectEventTransport, EventTransport } from './event-transport';
export {
  eventPatternOf,
  KeepEventErrors,
  OnEvent,
  OnEventChunk,
  TransactionManager,
  type EventOf,
} from './on-event.decorator';
export { DLQ_HEADERS, type DeadLetterReason } from './dead-letter';
export { CreateMessagingTables1764000000000 } from './migrations/1764000000000-create-messaging-tables';
export { AddOutboxTraceparent1764400000000 } from './migrations/1764400000000-add-outbox-traceparent';
