export {
  MESSAGE_BROKER,
  type ConsumerSpec,
  type MessageBroker,
  type MessageHeaders,
  type MessageProducer,
  type OutgoingMessage,
  type ReceivedMessage,
  type RunningConsumer,
  type TopicSpec,
} from './message-broker.port';
export { KafkajsBroker, type KafkaBrokerOptions } from './kafkajs.broker';
export { KafkaHealthIndicator, MessagingModule, type MessagingOptions } from './messaging.module';
export { CreateMessagingTables1764000000000 } from './migrations/1764000000000-create-messaging-tables';
