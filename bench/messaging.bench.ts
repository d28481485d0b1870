// Messaging benchmark: `npm run bench:messaging`. Prints numbers; asserts nothing.
// (a) raw kafkajs: produce → consume on one topic, same producer settings as the relay.
// (b) the project's path: transaction with an outbox row → relay → Kafka → consumer → inbox + effect
//     in one transaction. Same broker, same run, same message count.
// (c) the same path with the handler declared the Nest way (`@OnEvent` behind `EventTransport`), as
//     the services run it: the difference to (b) is what Nest's microservices layer costs.
// (d) the same path with a chunk handler (`onChunk`, ADR 0016): one INSERT of effects per call
//     instead of one per event.
// (e) the same database writes with no outbox machinery and no inbox, the writer sending to Kafka
//     itself after its COMMIT (`dual-write.ts`): a yardstick with the transactions of (d).
import { randomUUID } from 'node:crypto';
import { Controller, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { EventDefinition, EventEnvelope } from '@shopflow/contracts';
import {
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
import { benchInfra, machine } from './bench-infra';
import { dualWrite } from './dual-write';
import {
  benchEventOn,
  eventDelivery,
  withBenchDatabase,
  type BenchEvent,
  type MessagingWorkload,
} from './event-delivery';
import { rawKafkaRoundTrip } from './kafka-round-trip';

const WORKLOAD: MessagingWorkload = {
  latencySamples: Number(process.env['LATENCY_SAMPLES'] ?? 300),
  throughputEvents: Number(process.env['THROUGHPUT_EVENTS'] ?? 10_000),
  writers: 8,
  eventsPerTransaction: 10,
};
const logger = createLogger({ service: 'bench', level: 'error' });

/** The bench's handler as a service declares one: a controller method behind `EventTransport`. */
function benchEventsModule(event: EventDefinition, apply: EventHandler<BenchEvent>): Type {
  @Controller()
  class BenchEventsController {
    @OnEvent(event)
    applied(@Payload() e: EventEnvelope<BenchEvent>, @TransactionManager() em: EntityManager) {
      return apply(em, e, undefined as never);
    }
  }
  @Module({ controllers: [BenchEventsController] })
  class BenchEventsModule {}
  return BenchEventsModule;
}

function outboxPath(brokers: string[], handlerVia: 'consumer' | 'nest' | 'chunk') {
  return withBenchDatabase('bench_messaging', async (dataSource) => {
    const topic = `bench.outbox-${randomUUID().slice(0, 8)}`;
    const event = benchEventOn(topic);
    const broker = new KafkajsBroker({ brokers, clientId: 'bench-outbox', logger });
    await broker.ensureTopics([
      { name: topic, partitions: 3, replicationFactor: 1 },
      { name: `${topic}.dlq`, partitions: 1, replicationFactor: 1 },
    ]);
    const metrics = new Metrics('bench');
    const relay = new OutboxRelay(dataSource, broker.producer, logger, metrics, { service: 'bench' });
    const uow = new UnitOfWork(dataSource, relay);
    const outbox = new Outbox('order', uow);
    const delivery = eventDelivery(WORKLOAD);
    const consumer = new EventConsumer(broker, uow, logger, metrics, {
      groupId: `bench-outbox-${randomUUID()}`,
      topics: [topic],
      deadLetterTopic: `${topic}.dlq`,
    });
    // Reported once the consumer's transaction commits: "applied" means durable.
    const settle = (em: EntityManager, events: readonly EventEnvelope<BenchEvent>[]) =>
      uow.afterCommit(em, () => events.forEach((e) => delivery.applied(e.data.key)));
    const apply: EventHandler<BenchEvent> = async (em, e) => {
      await em.query('INSERT INTO bench_effect (event_id, seq) VALUES (?, ?)', [e.id, e.data.seq]);
      settle(em, [e]);
    };
    const applyChunk: ChunkHandler<BenchEvent> = async (em, events) => {
      await em.query('INSERT INTO bench_effect (event_id, seq) VALUES ?', [
        events.map((e) => [e.id, e.data.seq]),
      ]);
      settle(em, events);
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
    // commit → relay wake → publish → consume → inbox + effect committed
    const result = await delivery.measure((events) =>
      uow.run(async (em) => {
        for (const data of events) await outbox.add(em, event, data);
      }),
    );
    await consumer.stop();
    await nest?.close();
    await relay.stop();
    await broker.close();
    return result;
  });
}

async function main() {
  const { latencySamples, throughputEvents, writers, eventsPerTransaction } = WORKLOAD;
  const infra = benchInfra();
  const r = await rawKafkaRoundTrip({ brokers: infra.brokers, logger, latencySamples, throughputEvents });
  const o = await outboxPath(infra.brokers, 'consumer');
  const n = await outboxPath(infra.brokers, 'nest');
  const c = await outboxPath(infra.brokers, 'chunk');
  const d = await dualWrite(infra.brokers, logger, WORKLOAD);
  const f = (n: number) => n.toFixed(1);
  const line = (name: string, x: typeof r) =>
    console.log(
      `${name.padEnd(36)} ${f(x.latency.p50).padStart(8)} ${f(x.latency.p99).padStart(8)} ${x.perSecond.toFixed(0).padStart(10)}`,
    );
  const p50 = (x: typeof r, than: typeof r) =>
    `p50 ${x.latency.p50 >= than.latency.p50 ? 'adds' : 'saves'} ${f(Math.abs(x.latency.p50 - than.latency.p50))} ms`;
  const throughput = (x: typeof r, of: typeof r) => (x.perSecond / of.perSecond).toFixed(2);

  console.log(`\nmessaging benchmark — ${machine()}`);
  console.log(
    `latency: ${latencySamples} sequential events; throughput: ${throughputEvents} events (~350-byte payloads), 3 partitions, ` +
      `${writers} writers × ${eventsPerTransaction} events per transaction\n`,
  );
  console.log('path                                   p50 ms   p99 ms   events/s');
  line('raw kafkajs produce→consume', r);
  line('outbox→relay→consumer→inbox (commit)', o);
  line('  … handler via Nest (@OnEvent)', n);
  line('  … handler per chunk (onChunk)', c);
  line('same writes, no outbox (dual write)', d);
  console.log(
    `\nNest's microservices layer: throughput ${throughput(n, o)} of the hand-registered handler's; ${p50(n, o)}`,
  );
  console.log(
    `ratio: throughput ${throughput(o, r)} of raw, ${throughput(c, r)} with a chunk handler; ${p50(o, r)} ` +
      `(writers finished in ${o.writeSeconds.toFixed(1)} s, ${c.writeSeconds.toFixed(1)} s with a chunk handler)`,
  );
  console.log(
    `against the same writes without outbox and inbox: with a chunk handler ${throughput(c, d)} of its throughput, ` +
      `${p50(c, d)}; with a handler per event ${throughput(o, d)} (one statement per event, not per chunk); ` +
      `its writers finished in ${d.writeSeconds.toFixed(1)} s`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
