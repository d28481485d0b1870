import { z } from 'zod';
import { EventEnvelopeSchema } from '../events/envelope';
import type { EventDefinition } from '../events/event-definition';
import { EVENTS } from '../events/event-registry';
import {
  CONSUMER_GROUPS,
  TOPICS,
  type ConsumerGroupDefinition,
  type TopicDefinition,
} from '../topics/topics';

type Json = Record<string, unknown>;

const camel = (name: string) => name.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());
const messageId = (e: EventDefinition) => `${e.type}V${e.version}`;

function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _omit, ...rest } = z.toJSONSchema(schema, { target: 'draft-7' }) as Json;
  return rest;
}

function message(event: EventDefinition): Json {
  return {
    name: event.type,
    title: `${event.type} v${event.version}`,
    summary: event.description,
    contentType: 'application/json',
    headers: {
      type: 'object',
      properties: {
        'event-id': { type: 'string', format: 'uuid' },
        'event-type': { type: 'string', const: event.type },
        'event-version': { type: 'string', const: String(event.version) },
        'x-correlation-id': { type: 'string' },
        'causation-id': { type: 'string', format: 'uuid' },
        producer: { type: 'string' },
      },
      required: ['event-id', 'event-type', 'event-version', 'x-correlation-id', 'producer'],
    },
    payload: jsonSchema(
      EventEnvelopeSchema.extend({
        type: z.literal(event.type),
        version: z.literal(event.version),
        data: event.schema,
      }),
    ),
    bindings: {
      kafka: {
        key: { type: 'string', description: `${event.keyField} of the event` },
        bindingVersion: '0.5.0',
      },
    },
  };
}

/** The event catalogue as an AsyncAPI 3 document, derived from the contracts alone. */
export function buildAsyncApiDocument(): Json {
  const topics = Object.values(TOPICS as Record<string, TopicDefinition>);
  const groups = Object.values(CONSUMER_GROUPS as Record<string, ConsumerGroupDefinition>);
  const eventsOn = (topic: string) => EVENTS.filter((e) => e.topic === topic);
  const channelRef = (topic: TopicDefinition) => ({ $ref: `#/channels/${camel(topic.name)}` });
  const messageRefs = (topic: TopicDefinition) =>
    eventsOn(topic.name).map((e) => ({ $ref: `#/channels/${camel(topic.name)}/messages/${messageId(e)}` }));

  const channels = Object.fromEntries(
    topics.map((topic) => [
      camel(topic.name),
      {
        address: topic.name,
        title: topic.name,
        description: `${topic.description} Owner: ${topic.owner}. Key: ${topic.key}. Partitions: ${topic.partitions}.`,
        messages: Object.fromEntries(
          eventsOn(topic.name).map((e) => [messageId(e), { $ref: `#/components/messages/${messageId(e)}` }]),
        ),
        bindings: {
          kafka: { partitions: topic.partitions, replicas: topic.replicationFactor, bindingVersion: '0.5.0' },
        },
      },
    ]),
  );
  const sends = topics.map((topic) => [
    `${topic.owner}Publishes${camel(`-${topic.name}`)}`,
    {
      action: 'send',
      channel: channelRef(topic),
      summary: `${topic.owner} publishes through its outbox.`,
      messages: messageRefs(topic),
    },
  ]);
  const receives = groups.flatMap((group) =>
    topics
      .filter((topic) => group.topics.includes(topic.name))
      .map((topic) => [
        `${group.service}Consumes${camel(`-${topic.name}`)}`,
        {
          action: 'receive',
          channel: channelRef(topic),
          summary: `Consumer group ${group.groupId}; dead letters go to ${group.deadLetterTopic}.`,
          messages: messageRefs(topic),
          bindings: {
            kafka: { groupId: { type: 'string', enum: [group.groupId] }, bindingVersion: '0.5.0' },
          },
        },
      ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'shopflow events',
      version: '1.0.0',
      description:
        'Every event the services exchange over Kafka. Generated from libs/contracts by `npm run docs:asyncapi`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    channels,
    operations: Object.fromEntries([...sends, ...receives]),
    components: { messages: Object.fromEntries(EVENTS.map((e) => [messageId(e), message(e)])) },
  };
}
