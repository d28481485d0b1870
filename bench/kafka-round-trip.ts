// Raw kafkajs produce → consume, with the producer settings the outbox relay uses (idempotent,
// acks=all) and the project's adapter. The floor any event-driven path on this broker stands on;
// shared by the messaging and saga benchmarks.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { KafkajsBroker, type ReceivedMessage } from '@shopflow/platform/messaging';
import type { Logger } from '@shopflow/platform/observability';
import { summarize } from './bench-infra';

/** Promises keyed by a string, resolved when that key shows up. */
export function waiter() {
  const waiting = new Map<string, () => void>();
  return {
    until: (id: string) => new Promise<void>((resolve) => waiting.set(id, resolve)),
    done: (id: string) => {
      waiting.get(id)?.();
      waiting.delete(id);
    },
  };
}

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
    const arrivals = waiter();
    let received = 0;
    let allReceived: () => void = () => undefined;
    await broker.startConsumer({
      groupId: `bench-raw-${randomUUID()}`,
      topics: [topic],
      partitionsConsumedConcurrently: 3,
      handle: async (m: ReceivedMessage) => {
        arrivals.done(m.key!);
        if (++received === throughputEvents + latencySamples + 1) allReceived();
      },
    });
    // Warm up: the consumer has joined its group (and reads from the start) once this comes back.
    const warm = arrivals.until('warm-up');
    await broker.producer.send(topic, [{ key: 'warm-up', value: 'x' }]);
    await warm;

    const latencies: number[] = [];
    for (let i = 0; i < latencySamples; i++) {
      const key = `lat-${i}`;
      const arrived = arrivals.until(key);
      const t0 = performance.now();
      await broker.producer.send(topic, [{ key, value: JSON.stringify({ i }) }]);
      await arrived;
      latencies.push(performance.now() - t0);
    }

    let perSecond = NaN;
    if (throughputEvents > 0) {
      const done = new Promise<void>((resolve) => (allReceived = resolve));
      const t0 = performance.now();
      for (let i = 0; i < throughputEvents; i += 500) {
        const batch = Array.from({ length: Math.min(500, throughputEvents - i) }, (_, j) => ({
          key: `key-${(i + j) % 10}`,
          value: JSON.stringify({ i: i + j, padding: 'x'.repeat(300) }),
        }));
        await broker.producer.send(topic, batch);
      }
      await done;
      perSecond = throughputEvents / ((performance.now() - t0) / 1000);
    }
    return { latency: summarize(latencies), perSecond };
  } finally {
    await broker.close();
  }
}
