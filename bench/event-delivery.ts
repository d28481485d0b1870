// The messaging bench's one measurement, for any path from a writer's transaction to a consumer's
// committed effect: a warm-up event, then latency (one event at a time, each waited for), then
// throughput (concurrent writers, several events per transaction, until the last is applied).
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { defineEvent } from '@shopflow/contracts';
import {
  AddOutboxTraceparent1764400000000,
  CreateMessagingTables1764000000000,
} from '@shopflow/platform/messaging';
import { createDataSource, runMigrations } from '@shopflow/platform/persistence';
import { createTestSchema } from '@shopflow/testing';
import { summarize } from './bench-infra';

export interface MessagingWorkload {
  latencySamples: number;
  throughputEvents: number;
  writers: number;
  eventsPerTransaction: number;
}

/** What a path's writer puts in each event; `key` is also its Kafka key. */
export type BenchEvent = { key: string; seq: number; padding: string };

/** The contract of the bench's events, on a topic of the run's own. */
export function benchEventOn(topic: string) {
  return defineEvent({
    type: 'BenchHappened',
    version: 1,
    topic,
    keyField: 'key',
    description: 'benchmark',
    schema: z.object({ key: z.string(), seq: z.number().int(), padding: z.string() }),
  });
}

/**
 * A schema of its own with the messaging tables (the outbox's and the inbox's, from their
 * migrations) and `bench_effect`, the row a consumer writes per event; `work` gets a pool of 20.
 */
export async function withBenchDatabase<T>(name: string, work: (dataSource: DataSource) => Promise<T>) {
  const schema = await createTestSchema(name);
  try {
    await runMigrations({
      url: schema.url,
      poolSize: 1,
      migrations: [CreateMessagingTables1764000000000, AddOutboxTraceparent1764400000000],
    });
    const dataSource = await createDataSource({ url: schema.url, poolSize: 20 }).initialize();
    try {
      await dataSource.query('CREATE TABLE bench_effect (event_id CHAR(36) PRIMARY KEY, seq INT NOT NULL)');
      return await work(dataSource);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await schema.drop();
  }
}

/** Promises keyed by a string, resolved when that key shows up. */
function waiter() {
  const waiting = new Map<string, () => void>();
  return {
    until: (id: string) => new Promise<void>((resolve) => waiting.set(id, resolve)),
    done: (id: string) => {
      waiting.get(id)?.();
      waiting.delete(id);
    },
  };
}

/** A path commits `events` in one transaction of its own (and may send them). */
export type WriteEvents = (events: BenchEvent[]) => Promise<void>;

/**
 * The path's consumer calls `applied(key)` once an event's effect is committed; `measure` then
 * drives the writes. Create it before the consumer starts, so no event is reported unheard.
 */
export function eventDelivery(workload: MessagingWorkload) {
  const { latencySamples, throughputEvents, writers, eventsPerTransaction } = workload;
  const arrivals = waiter();
  let count = 0;
  let expected = Infinity;
  let allApplied: () => void = () => undefined;
  return {
    applied(key: string): void {
      arrivals.done(key);
      if (++count === expected) allApplied();
    },
    async measure(write: WriteEvents) {
      // The consumer has joined its group once the first event comes back.
      const warm = arrivals.until('warm-up');
      await write([{ key: 'warm-up', seq: -1, padding: '' }]);
      await warm;

      const latencies: number[] = [];
      for (let i = 0; i < latencySamples; i++) {
        const key = `lat-${i}`;
        const arrived = arrivals.until(key);
        const t0 = performance.now();
        await write([{ key, seq: i, padding: '' }]);
        await arrived;
        latencies.push(performance.now() - t0);
      }

      if (throughputEvents === 0) return { latency: summarize(latencies), perSecond: NaN, writeSeconds: NaN };
      count = 0;
      expected = throughputEvents;
      const done = new Promise<void>((resolve) => (allApplied = resolve));
      const t0 = performance.now();
      const perWriter = throughputEvents / writers;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i += eventsPerTransaction) {
            const events = Array.from({ length: Math.min(eventsPerTransaction, perWriter - i) }, (_, j) => {
              const seq = w * perWriter + i + j;
              return { key: `key-${seq % 10}`, seq, padding: 'x'.repeat(300) };
            });
            await write(events);
          }
        }),
      );
      const writtenAt = performance.now();
      await done;
      return {
        latency: summarize(latencies),
        perSecond: throughputEvents / ((performance.now() - t0) / 1000),
        writeSeconds: (writtenAt - t0) / 1000,
      };
    },
  };
}
