// Messaging benchmark: `npm run bench:messaging`. Prints numbers; asserts nothing.
// (a) raw kafkajs: produce → consume on one topic, same producer settings as the relay.
// (b) the project's path: transaction with an outbox row → relay → Kafka → consumer → inbox + effect
//     in one transaction. Same broker, same run, same message count.
// (c) the same path with the handler declared the Nest way (`@OnEvent` behind `EventTransport`), as
//     the services run it: the difference to (b) is what Nest's microservices layer costs.
// (d) the same path with a chunk handler (`onChunk`, ADR 0016): one INSERT of effects per call
//     instead of one per event.
// (e) the same database work with no outbox and no inbox, the writer sending to Kafka itself after
//     its COMMIT (`dual-write.ts`): a yardstick that pays for the same transactions as (d).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Controller, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { defineEvent, type EventDefinition, type EventEnvelope } from '@shopflow/contracts';
import {
  AddOutboxTraceparent1764400000000,
  CreateMessagingTables1764000000000,
  EventConsumer,
  EventTransport,
  KafkajsBroker,
  OnEvent,
  Outbox,
  OutboxRelay,
  TransactionManager,
  UnitOfWork,
  type ChunkHandler,
  type EventHandler,
} from '@shopflow/platform/messaging';
import { createLogger, Metrics } from '@shopflow/platform/observability';
import { createDataSource, runMigrations } from '@shopflow/platform/persistence';
import { createTestSchema } from '@shopflow/testing';
import { benchInfra, machine, summarize } from './bench-infra';
import { dualWrite } from './dual-write';
import { rawKafkaRoundTrip, waiter } from './kafka-round-trip';

const LATENCY_SAMPLES = Number(process.env['LATENCY_SAMPLES'] ?? 300);
const THROUGHPUT_EVENTS = Number(process.env['THROUGHPUT_EVENTS'] ?? 10_000);
const WRITERS = 8;
const EVENTS_PER_TX = 10;
const logger = createLogger({ service: 'bench', level: 'error' });

type BenchData = { key: string; seq: number; padding: string };

/** The bench's handler as a service declares one: a controller method behind `EventTransport`. */
function benchEventsModule(event: EventDefinition, apply: EventHandler<BenchData>): Type {
  @Controller()
  class BenchEventsController {
    @OnEvent(event)
    applied(@Payload() e: EventEnvelope<BenchData>, @TransactionManager() em: EntityManager) {
      return apply(em, e, undefined as never);
    }
  }
  @Module({ controllers: [BenchEventsController] })
  class BenchEventsModule {}
  return BenchEventsModule;
}

async function outboxPath(brokers: string[], handlerVia: 'consumer' | 'nest' | 'chunk') {
  const schema = await createTestSchema('bench_messaging');
  const url = new URL(schema.url);
  try {
    await runMigrations({
      url: url.toString(),
      poolSize: 1,
      migrations: [CreateMessagingTables1764000000000, AddOutboxTraceparent1764400000000],
    });
    const dataSource = await createDataSource({ url: url.toString(), poolSize: 20 }).initialize();
    await dataSource.query('CREATE TABLE bench_effect (event_id CHAR(36) PRIMARY KEY, seq INT NOT NULL)');
    const topic = `bench.outbox-${randomUUID().slice(0, 8)}`;
    const event = defineEvent({
      type: 'BenchHappened',
      version: 1,
      topic,
      keyField: 'key',
      description: 'benchmark',
      schema: z.object({ key: z.string(), seq: z.number().int(), padding: z.string() }),
    });
    const broker = new KafkajsBroker({ brokers, clientId: 'bench-outbox', logger });
    await broker.ensureTopics([
      { name: topic, partitions: 3, replicationFactor: 1 },
      { name: `${topic}.dlq`, partitions: 1, replicationFactor: 1 },
    ]);
    const metrics = new Metrics('bench');
    const relay = new OutboxRelay(dataSource, broker.producer, logger, metrics, { service: 'bench' });
    const uow = new UnitOfWork(dataSource, relay);
    const outbox = new Outbox('order', uow);
    const applied = waiter();
    let count = 0;
    let allApplied: () => void = () => undefined;
    const consumer = new EventConsumer(broker, uow, logger, metrics, {
      groupId: `bench-outbox-${randomUUID()}`,
      topics: [topic],
      deadLetterTopic: `${topic}.dlq`,
    });
    // Resolve only after the transaction commits: "applied" means durable.
    const settle = (e: EventEnvelope<BenchData>) =>
      setImmediate(() => {
        applied.done(e.data.key);
        if (++count === THROUGHPUT_EVENTS + LATENCY_SAMPLES) allApplied();
      });
    const apply: EventHandler<BenchData> = async (em, e) => {
      await em.query('INSERT INTO bench_effect (event_id, seq) VALUES (?, ?)', [e.id, e.data.seq]);
      settle(e);
    };
    const applyChunk: ChunkHandler<BenchData> = async (em, events) => {
      await em.query('INSERT INTO bench_effect (event_id, seq) VALUES ?', [
        events.map((e) => [e.id, e.data.seq]),
      ]);
      events.forEach(settle);
    };
    relay.start();
    const nest =
      handlerVia === 'nest'
        ? await NestFactory.createMicroservice(benchEventsModule(event, apply), {
            strategy: new EventTransport(consumer),
            logger: false,
          })
        : undefined;
    if (nest) await nest.listen();
    else if (handlerVia === 'chunk') consumer.onChunk(event, applyChunk).start();
    else consumer.on(event, apply).start();
    // Warm up: the consumer has joined its group once the first event comes back.
    const warm = applied.until('warm-up');
    await uow.run((em) => outbox.add(em, event, { key: 'warm-up', seq: -1, padding: '' }));
    await warm;
    count = 0;

    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const key = `lat-${i}`;
      const arrived = applied.until(key);
      const t0 = performance.now();
      await uow.run((em) => outbox.add(em, event, { key, seq: i, padding: '' }));
      await arrived; // commit → relay wake → publish → consume → inbox + effect committed
      latencies.push(performance.now() - t0);
    }

    const done = new Promise<void>((resolve) => (allApplied = resolve));
    const t0 = performance.now();
    const perWriter = THROUGHPUT_EVENTS / WRITERS;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < perWriter; i += EVENTS_PER_TX) {
          await uow.run(async (em) => {
            for (let j = i; j < i + EVENTS_PER_TX; j++) {
              const seq = w * perWriter + j;
              await outbox.add(em, event, { key: `key-${seq % 10}`, seq, padding: 'x'.repeat(300) });
            }
          });
        }
      }),
    );
    const writtenAt = performance.now();
    await done;
    const seconds = (performance.now() - t0) / 1000;
    await consumer.stop();
    await nest?.close();
    await relay.stop();
    await broker.close();
    await dataSource.destroy();
    return {
      latency: summarize(latencies),
      perSecond: THROUGHPUT_EVENTS / seconds,
      writeSeconds: (writtenAt - t0) / 1000,
    };
  } finally {
    await schema.drop();
  }
}

async function main() {
  const infra = benchInfra();
  {
    const r = await rawKafkaRoundTrip({
      brokers: infra.brokers,
      logger,
      latencySamples: LATENCY_SAMPLES,
      throughputEvents: THROUGHPUT_EVENTS,
    });
    const o = await outboxPath(infra.brokers, 'consumer');
    const n = await outboxPath(infra.brokers, 'nest');
    const c = await outboxPath(infra.brokers, 'chunk');
    const d = await dualWrite(infra.brokers, logger, {
      latencySamples: LATENCY_SAMPLES,
      throughputEvents: THROUGHPUT_EVENTS,
      writers: WRITERS,
      eventsPerTransaction: EVENTS_PER_TX,
    });
    const f = (n: number) => n.toFixed(1);
    console.log(`\nmessaging benchmark — ${machine()}`);
    console.log(
      `latency: ${LATENCY_SAMPLES} sequential events; throughput: ${THROUGHPUT_EVENTS} events (~350-byte payloads), 3 partitions\n`,
    );
    console.log('path                                   p50 ms   p99 ms   events/s');
    console.log(
      `raw kafkajs produce→consume          ${f(r.latency.p50).padStart(8)} ${f(r.latency.p99).padStart(8)} ${r.perSecond.toFixed(0).padStart(10)}`,
    );
    console.log(
      `outbox→relay→consumer→inbox (commit) ${f(o.latency.p50).padStart(8)} ${f(o.latency.p99).padStart(8)} ${o.perSecond.toFixed(0).padStart(10)}`,
    );
    console.log(
      `  … handler via Nest (@OnEvent)     ${f(n.latency.p50).padStart(8)} ${f(n.latency.p99).padStart(8)} ${n.perSecond.toFixed(0).padStart(10)}`,
    );
    console.log(
      `  … handler per chunk (onChunk)     ${f(c.latency.p50).padStart(8)} ${f(c.latency.p99).padStart(8)} ${c.perSecond.toFixed(0).padStart(10)}`,
    );
    console.log(
      `same writes, no outbox (dual write)  ${f(d.latency.p50).padStart(8)} ${f(d.latency.p99).padStart(8)} ${d.perSecond.toFixed(0).padStart(10)}`,
    );
    console.log(
      `\nNest's microservices layer: throughput ${(n.perSecond / o.perSecond).toFixed(2)} of the hand-registered handler's; ` +
        `p50 ${n.latency.p50 >= o.latency.p50 ? 'adds' : 'saves'} ${f(Math.abs(n.latency.p50 - o.latency.p50))} ms`,
    );
    console.log(
      `ratio: throughput ${(o.perSecond / r.perSecond).toFixed(2)} of raw; p50 adds ${f(o.latency.p50 - r.latency.p50)} ms ` +
        `(writers finished in ${o.writeSeconds.toFixed(1)} s: ${WRITERS} writers × ${EVENTS_PER_TX} events per transaction)`,
    );
    console.log(`with a chunk handler: throughput ${(c.perSecond / r.perSecond).toFixed(2)} of raw`);
    console.log(
      `against the same writes without outbox and inbox: with a chunk handler ${(c.perSecond / d.perSecond).toFixed(2)} ` +
        `of its throughput, p50 adds ${f(c.latency.p50 - d.latency.p50)} ms; with a handler per event ` +
        `${(o.perSecond / d.perSecond).toFixed(2)} (one statement per event, not per chunk)`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
