// The messaging bench's second yardstick: the same database work as the outbox path, without the
// outbox. A writer commits its rows and then sends them to Kafka itself (a "dual write"); the
// consumer applies each fetched batch in one transaction and commits the offset. It pays for the
// same transactions as the project's path with a chunk handler, and it is what the outbox and the
// inbox replace: a crash between COMMIT and send loses the events, and a redelivery applies them
// twice. What the project's path costs beyond it is the price of those guarantees.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { KafkajsBroker, type ReceivedMessage } from '@shopflow/platform/messaging';
import type { Logger } from '@shopflow/platform/observability';
import { createDataSource } from '@shopflow/platform/persistence';
import { createTestSchema } from '@shopflow/testing';
import { summarize } from './bench-infra';
import { waiter } from './kafka-round-trip';

export interface MessagingWorkload {
  latencySamples: number;
  throughputEvents: number;
  writers: number;
  eventsPerTransaction: number;
}

type Written = { id: string; key: string; seq: number; padding: string };

export async function dualWrite(brokers: string[], logger: Logger, workload: MessagingWorkload) {
  const { latencySamples, throughputEvents, writers, eventsPerTransaction } = workload;
  const schema = await createTestSchema('bench_dual_write');
  const broker = new KafkajsBroker({ brokers, clientId: 'bench-dual-write', logger });
  const dataSource = await createDataSource({ url: schema.url, poolSize: 20 }).initialize();
  try {
    // As wide as the outbox rows the other paths write: the event, its key, its type and headers.
    await dataSource.query(
      `CREATE TABLE bench_written (id CHAR(36) PRIMARY KEY, message_key VARCHAR(255) NOT NULL,
         payload TEXT NOT NULL, headers TEXT NOT NULL, created_at DATETIME(3) NOT NULL)`,
    );
    await dataSource.query('CREATE TABLE bench_effect (event_id CHAR(36) PRIMARY KEY, seq INT NOT NULL)');
    const topic = `bench.dual-write-${randomUUID().slice(0, 8)}`;
    await broker.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);

    const applied = waiter();
    let count = 0;
    let allApplied: () => void = () => undefined;
    broker.startConsumer({
      groupId: `bench-dual-write-${randomUUID()}`,
      topics: [topic],
      partitionsConsumedConcurrently: 3,
      handleBatch: async (messages: readonly ReceivedMessage[], controls) => {
        const events = messages.map((m) => JSON.parse(m.value!.toString()) as Written);
        await dataSource.transaction((em) =>
          em.query('INSERT INTO bench_effect (event_id, seq) VALUES ?', [events.map((e) => [e.id, e.seq])]),
        );
        await controls.commit(messages.at(-1)!);
        for (const e of events) {
          applied.done(e.key);
          if (++count === throughputEvents + latencySamples) allApplied();
        }
      },
    });

    const write = async (events: Omit<Written, 'id'>[]) => {
      const written = events.map((e) => ({ id: randomUUID(), ...e }));
      const headers = JSON.stringify({ type: 'BenchHappened', producer: 'bench' });
      await dataSource.transaction((em) =>
        em.query('INSERT INTO bench_written (id, message_key, payload, headers, created_at) VALUES ?', [
          written.map((e) => [e.id, e.key, JSON.stringify(e), headers, new Date()]),
        ]),
      );
      await broker.producer.send(
        topic,
        written.map((e) => ({ key: e.key, value: JSON.stringify(e) })),
      );
    };

    const warm = applied.until('warm-up');
    await write([{ key: 'warm-up', seq: -1, padding: '' }]);
    await warm;
    count = 0;

    const latencies: number[] = [];
    for (let i = 0; i < latencySamples; i++) {
      const key = `lat-${i}`;
      const arrived = applied.until(key);
      const t0 = performance.now();
      await write([{ key, seq: i, padding: '' }]);
      await arrived;
      latencies.push(performance.now() - t0);
    }

    const done = new Promise<void>((resolve) => (allApplied = resolve));
    const t0 = performance.now();
    const perWriter = throughputEvents / writers;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i += eventsPerTransaction) {
          const events = Array.from({ length: eventsPerTransaction }, (_, j) => {
            const seq = w * perWriter + i + j;
            return { key: `key-${seq % 10}`, seq, padding: 'x'.repeat(300) };
          });
          await write(events);
        }
      }),
    );
    await done;
    return { latency: summarize(latencies), perSecond: throughputEvents / ((performance.now() - t0) / 1000) };
  } finally {
    await broker.close();
    await dataSource.destroy();
    await schema.drop();
  }
}
