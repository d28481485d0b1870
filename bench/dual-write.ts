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
import { createDataSource } from '@shopflow/platform/persistence';
import { createTestSchema, envelopeOf } from '@shopflow/testing';
import { benchEventOn, eventDelivery, type BenchEvent, type MessagingWorkload } from './event-delivery';

const CHUNK = 100; // EventConsumer's default chunk size

export async function dualWrite(brokers: string[], logger: Logger, workload: MessagingWorkload) {
  const schema = await createTestSchema('bench_dual_write');
  try {
    const dataSource = await createDataSource({ url: schema.url, poolSize: 20 }).initialize();
    try {
      const broker = new KafkajsBroker({ brokers, clientId: 'bench-dual-write', logger });
      try {
        return await measure(dataSource, broker, workload);
      } finally {
        await broker.close();
      }
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await schema.drop();
  }
}

async function measure(dataSource: DataSource, broker: KafkajsBroker, workload: MessagingWorkload) {
  // The outbox table's columns and keys: every row costs the same bytes and index updates.
  await dataSource.query(
    `CREATE TABLE bench_written (
       seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, id CHAR(36) NOT NULL, topic VARCHAR(249) NOT NULL,
       message_key VARCHAR(191) NOT NULL, event_type VARCHAR(100) NOT NULL, payload MEDIUMTEXT NOT NULL,
       headers TEXT NOT NULL, created_at DATETIME(3) NOT NULL, attempts INT UNSIGNED NOT NULL DEFAULT 0,
       last_error VARCHAR(1000) NULL, published_at DATETIME(3) NULL, traceparent VARCHAR(55) NULL,
       PRIMARY KEY (seq), UNIQUE KEY uq_bench_written_id (id), KEY ix_bench_written_pending (published_at, seq))`,
  );
  await dataSource.query('CREATE TABLE bench_effect (event_id CHAR(36) PRIMARY KEY, seq INT NOT NULL)');
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
    // The envelope and headers the outbox writes for such an event.
    const messages = events.map((data) => {
      const envelope = envelopeOf(event, data, 'order');
      return { envelope, headers: headersOf(envelope), value: JSON.stringify(envelope) };
    });
    await dataSource.transaction((em) =>
      em.query(
        `INSERT INTO bench_written (id, topic, message_key, event_type, payload, headers, created_at, traceparent)
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
