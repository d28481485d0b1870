import { randomUUID } from 'node:crypto';
import type { Logger } from '@shopflow/platform/observability';
import { captureLogger, createTestSchema, kafkaBrokers } from '@shopflow/testing';
import { KafkajsBroker } from '../kafkajs.broker';
import type { ReceivedMessage, RunningConsumer } from '../message-broker.port';
import type { OutboxRelayOptions } from '../outbox-relay';
import {
  prepareMessagingSchema,
  startPipeline,
  testEvent,
  type Pipeline,
  type TestEvent,
} from './messaging-fixture';

export interface ScenarioOptions {
  maxAttempts?: number;
  handlerDelayMs?: number;
  groupId?: string;
  chunkSize?: number;
  logger?: Logger;
  relay?: Omit<OutboxRelayOptions, 'service'>;
  handlerVia?: 'consumer' | 'nest' | 'chunk';
}

export type TestEventItem = { key: string; seq: number; fail?: boolean; refuse?: boolean };

/** One application of an event, as the test handler records it. */
export interface Effect {
  event_id: string;
  event_key: string;
  seq: number;
  causation_id: string | null;
}

/**
 * What the messaging suites on the shared broker share: a schema with the messaging tables, an
 * admin client, and per test a topic, a dead-letter topic, readers and pipelines, all stopped after
 * each test. Call it in a `describe`; it registers its own hooks.
 */
export function messagingTestBed(name: string) {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let admin: KafkajsBroker;
  const pipelines: Pipeline[] = [];
  const readers: RunningConsumer[] = [];

  beforeAll(async () => {
    schema = await createTestSchema(name);
    await prepareMessagingSchema(schema.url);
    admin = new KafkajsBroker({
      brokers: kafkaBrokers(),
      clientId: `${name}-admin`,
      logger: captureLogger().logger,
    });
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((reader) => reader.stop()));
    await Promise.all(pipelines.splice(0).map((pipeline) => pipeline.stop()));
  });
  afterAll(async () => {
    await admin.close();
    await schema.drop();
  });

  return {
    admin: () => admin,
    databaseUrl: () => schema.url,

    /** A fresh topic (3 partitions) and dead-letter topic; `start` wires a pipeline to them. */
    async scenario(options: ScenarioOptions = {}) {
      const id = randomUUID().slice(0, 8);
      const event = testEvent(`test.${name}-${id}`);
      const deadLetterTopic = `test.${name}-${id}.dlq`;
      await admin.ensureTopics([
        { name: event.topic, partitions: 3, replicationFactor: 1 },
        { name: deadLetterTopic, partitions: 1, replicationFactor: 1 },
      ]);
      const groupId = options.groupId ?? `${name}-group-${id}`;
      const start = async () => {
        const pipeline = await startPipeline({
          databaseUrl: schema.url,
          brokers: kafkaBrokers(),
          event,
          handlerDelayMs: options.handlerDelayMs,
          logger: options.logger,
          relay: options.relay,
          handlerVia: options.handlerVia,
          consumer: {
            groupId,
            deadLetterTopic,
            maxAttempts: options.maxAttempts ?? 3,
            retryBaseMs: 10,
            chunkSize: options.chunkSize,
          },
        });
        pipelines.push(pipeline);
        return pipeline;
      };
      return { event, deadLetterTopic, groupId, start };
    },

    /** Every message on `topic` from its beginning (the topics are the test's own), as it arrives. */
    collect(topic: string): ReceivedMessage[] {
      const received: ReceivedMessage[] = [];
      readers.push(
        admin.startConsumer({
          groupId: `reader-${randomUUID()}`,
          topics: [topic],
          fromBeginning: true,
          handle: async (message) => void received.push(message),
        }),
      );
      return received;
    },

    /** Writes the events through the outbox, ten per transaction as a busy service would; their ids. */
    async publish(pipeline: Pipeline, event: TestEvent, items: TestEventItem[]): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < items.length; i += 10) {
        const envelopes = await pipeline.unitOfWork.run(async (em) => {
          const written = [];
          for (const item of items.slice(i, i + 10)) written.push(await pipeline.outbox.add(em, event, item));
          return written;
        });
        ids.push(...envelopes.map((envelope) => envelope.id));
      }
      return ids;
    },

    /** The applications of these events, in the order they were applied (the table is the file's). */
    async effects(pipeline: Pipeline, eventIds: string[]): Promise<Effect[]> {
      if (eventIds.length === 0) return [];
      return pipeline.dataSource.query(
        `SELECT event_id, event_key, seq, causation_id FROM test_effect
         WHERE event_id IN (?) ORDER BY applied_order`,
        [eventIds],
      );
    },
  };
}
