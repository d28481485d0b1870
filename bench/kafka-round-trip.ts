// Raw kafkajs produce → consume, with the producer settings the outbox relay uses (idempotent,
// acks=all) and the project's adapter. The floor any event-driven path on this broker stands on;
// shared by the messaging and saga benchmarks.
import { randomUUID } from 'node:crypto';
import { KafkajsBroker } from '@shopflow/platform/messaging';
import type { Logger } from '@shopflow/platform/observability';
import { eventDelivery } from './event-delivery';

/**
 * On a fresh 3-partition topic: `latencySamples` sequential messages (send, wait until consumed,
 * next), then, unless `throughputEvents` is 0, that many ~350-byte messages in batches of 500 (as
 * the relay sends them), timed until the last is consumed.
 */
export async function rawKafkaRoundTrip(options: {
  brokers: string[];
  logger: Logger;
  latencySamples: number;
  throughputEvents?: number;
}) {
  const { brokers, logger, latencySamples, throughputEvents = 0 } = options;
  const topic = `bench.raw-${randomUUID().slice(0, 8)}`;
  const broker = new KafkajsBroker({ brokers, clientId: 'bench-raw', logger });
  try {
    await broker.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);
    // One writer sending batches of 500, one after another.
    const delivery = eventDelivery({
      latencySamples,
      throughputEvents,
      writers: 1,
      eventsPerTransaction: 500,
    });
    broker.startConsumer({
      groupId: `bench-raw-${randomUUID()}`,
      topics: [topic],
      partitionsConsumedConcurrently: 3,
      handle: async (m) => delivery.applied(m.key!),
    });
    const { latency, perSecond } = await delivery.measure((events) =>
      broker.producer.send(
        topic,
        events.map((e) => ({ key: e.key, value: JSON.stringify(e) })),
      ),
    );
    return { latency, perSecond };
  } finally {
    await broker.close();
  }
}
