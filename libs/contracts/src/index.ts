export {
  CONSUMER_GROUPS,
  TOPICS,
  topicsCreatedBy,
  type ConsumerGroupDefinition,
  type ServiceName,
  type TopicDefinition,
} from './topics/topics';
