// The messaging bench's second yardstick: the same database writes as the outbox path, without the
// outbox machinery. A writer commits its rows and then sends them to Kafka itself (a "dual write");
// the consumer applies a partition's messages in transactions of 100, as the project's consumer
// does, and commits the offset. It is what the outbox and the inbox replace: a crash between COMMIT
// and send loses the events, and a redelivery applies them twice. What the project's path costs
// beyond it (the relay's SELECT and UPDATE, the inbox INSERT, validating each event) is the price
// of those guarantees. One difference favours the project: it lets small chunks of several
// partitions share a transaction (ADR 0017); this commits each partition's own.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { headersOf } from '@shopflow/contracts';
import { KafkajsBroker, type ReceivedMessage } from '@shopflow/platform/messaging';
import type { Logger } from '@shopflow/platform/observability';
import { envelopeOf } from '@shopflow/testing';
import {
  benchEventOn,
  eventDelivery,
  withBenchDatabase,
  type BenchEvent,
  type MessagingWorkload,
} from './event-delivery';

const CHUNK = 100; // EventConsumer's default chunk size

export function dualWrite(brokers: string[], logger: Logger, workload: MessagingWorkload) {
  return withBenchDatabase('bench_dual_write', async (dataSource) => {
    const broker = new KafkajsBroker({ brokers, clientId: 'bench-dual-write', logger });
    try {
      return await measure(dataSource, broker, workload);
    } finally {
      await broker.close();
    }
  });
}

async function measure(dataSource: DataSource, broker: KafkajsBroker, workload: MessagingWorkload) {
  const topic = `bench.dual-write-${randomUUID().slice(0, 8)}`;
  const event = benchEventOn(topic);
  await broker.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);

  const delivery = eventDelivery(workload);
  broker.startConsumer({
    groupId: `bench-dual-write-${randomUUID()}`,
    topics: [topic],
    partitionsConsumedConcurrently: 3,
    handleBatch: async (messages: readonly ReceivedMessage[], controls) => {
      for (let start = 0; start < messages.length && controls.isRunning(); start += CHUNK) {
        const chunk = messages.slice(start, start + CHUNK);
        const events = chunk.map((m) => JSON.parse(m.value!.toString()) as { id: string; data: BenchEvent });
        await dataSource.transaction((em) =>
          em.query('INSERT INTO bench_effect (event_id, seq) VALUES ?', [
            events.map((e) => [e.id, e.data.seq]),
          ]),
        );
        await controls.commit(chunk.at(-1)!);
        for (const e of events) delivery.applied(e.data.key);
      }
    },
  });

  return delivery.measure(async (events) => {
    // The rows the outbox writes for such events, in its own table (no relay reads it here).
    const messages = events.map((data) => {
      const envelope = envelopeOf(event, data, 'order');
      return { envelope, headers: headersOf(envelope), value: JSON.stringify(envelope) };
    });
    await dataSource.transaction((em) =>
      em.query(
        `INSERT INTO outbox_message (id, topic, message_key, event_type, payload, headers, created_at, traceparent)
         VALUES ?`,
        [
          messages.map(({ envelope, headers, value }) => [
            envelope.id,
            topic,
            envelope.key,
            envelope.type,
            value,
            JSON.stringify(headers),
            new Date(),
            null,
          ]),
        ],
      ),
    );
    await broker.producer.send(
      topic,
      messages.map(({ envelope, headers, value }) => ({ key: envelope.key, value, headers })),
    );
  });
}
