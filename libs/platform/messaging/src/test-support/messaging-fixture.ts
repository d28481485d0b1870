import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { z } from 'zod';
import {
  Controller,
  Module,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestMicroservice,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { defineEvent, type EventData } from '@shopflow/contracts';
import { createLogger, Metrics, type Logger } from '@shopflow/platform/observability';
import { createDataSource, runMigrations } from '@shopflow/platform/persistence';
import { EventConsumer, type EventConsumerOptions, type EventHandler } from '../event-consumer';
import { EventTransport } from '../event-transport';
import { KafkajsBroker } from '../kafkajs.broker';
import { CreateMessagingTables1764000000000 } from '../migrations/1764000000000-create-messaging-tables';
import { AddOutboxTraceparent1764400000000 } from '../migrations/1764400000000-add-outbox-traceparent';
import { OnEvent, TransactionManager, type EventOf } from '../on-event.decorator';
import { Outbox } from '../outbox';
import { OutboxRelay, type OutboxRelayOptions } from '../outbox-relay';
import { UnitOfWork } from '../unit-of-work';

/** A test event on a topic of its own, so suites never see each other's messages. */
export function testEvent(topic: string) {
  return defineEvent({
    type: 'TestHappened',
    version: 1,
    topic,
    keyField: 'key',
    description: 'test only',
    schema: z.object({
      key: z.string(),
      seq: z.number().int(),
      fail: z.boolean().optional(),
      refuse: z.boolean().optional(),
    }),
  });
}

export type TestEvent = ReturnType<typeof testEvent>;

export async function prepareMessagingSchema(url: string): Promise<void> {
  await runMigrations({
    url,
    poolSize: 1,
    migrations: [CreateMessagingTables1764000000000, AddOutboxTraceparent1764400000000],
  });
  const dataSource = await createDataSource({ url, poolSize: 1 }).initialize();
  try {
    // The "effect" a handler has: one row per application, so a duplicate shows up as a second row.
    await dataSource.query(`CREATE TABLE test_effect (
      applied_order BIGINT AUTO_INCREMENT PRIMARY KEY,
      event_id CHAR(36) NOT NULL,
      event_key VARCHAR(191) NOT NULL,
      seq INT NOT NULL,
      causation_id CHAR(36) NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  } finally {
    await dataSource.destroy();
  }
}

/** The real outbox, relay, consumer and inbox wired together, as a service wires them. */
export async function startPipeline(options: {
  databaseUrl: string;
  brokers: string[];
  event: TestEvent;
  consumer: Omit<EventConsumerOptions, 'topics'>;
  logger?: Logger;
  handlerDelayMs?: number;
  relay?: Omit<OutboxRelayOptions, 'service'>;
  /**
   * `nest`: the handler is an `@OnEvent` controller method behind `EventTransport`, as in the
   * services. `chunk`: registered with `onChunk`; `chunkCalls` records how many events each call got,
   * `chunkCallPartitions` the partition of each.
   */
  handlerVia?: 'consumer' | 'nest' | 'chunk';
}) {
  // The warnings these suites provoke on purpose (retries, dead letters, an unreachable broker) are
  // kept off a green run's output; a test that asserts on log lines passes its own logger.
  const logger =
    options.logger ??
    createLogger({
      service: 'messaging-test',
      level: 'warn',
      destination: new Writable({ write: (_c, _e, done) => done() }),
    });
  const metrics = new Metrics('messaging-test');
  const dataSource = await createDataSource({ url: options.databaseUrl, poolSize: 10 }).initialize();
  const broker = new KafkajsBroker({ brokers: options.brokers, clientId: `test-${randomUUID()}`, logger });
  const relay = new OutboxRelay(dataSource, broker.producer, logger, metrics, {
    service: 'test',
    pollIntervalMs: 200,
    maxBackoffMs: 1_000,
    ...options.relay,
  });
  const unitOfWork = new UnitOfWork(dataSource, relay);
  const outbox = new Outbox('order', unitOfWork);
  const consumer = new EventConsumer(broker, unitOfWork, logger, metrics, {
    ...options.consumer,
    topics: [options.event.topic],
  });
  const applyTestEvent: EventHandler<EventData<TestEvent>> = async (em, event) => {
    if (event.data.fail) throw new Error(`handler refuses ${event.data.key}#${event.data.seq}`);
    if (options.handlerDelayMs) await new Promise((resolve) => setTimeout(resolve, options.handlerDelayMs));
    logger.info({ key: event.data.key, seq: event.data.seq }, 'test effect applied');
    await em.query('INSERT INTO test_effect (event_id, event_key, seq, causation_id) VALUES (?, ?, ?, ?)', [
      event.id,
      event.data.key,
      event.data.seq,
      event.causationId,
    ]);
  };
  relay.start();
  const chunkCalls: number[] = [];
  const chunkCallPartitions: number[][] = [];
  let nest: INestMicroservice | undefined;
  if (options.handlerVia === 'chunk') {
    consumer.onChunk(options.event, async (em, events, messages) => {
      chunkCalls.push(events.length);
      chunkCallPartitions.push(messages.map((m) => m.partition));
      for (const [i, event] of events.entries()) await applyTestEvent(em, event, messages[i]!);
    });
    consumer.start();
  } else if (options.handlerVia === 'nest') {
    nest = await NestFactory.createMicroservice(testEventsModule(options.event, applyTestEvent), {
      strategy: new EventTransport(consumer),
      logger: false,
    });
    await nest.listen();
  } else {
    consumer.on(options.event, applyTestEvent);
    consumer.start();
  }
  return {
    dataSource,
    broker,
    relay,
    unitOfWork,
    outbox,
    consumer,
    metrics,
    chunkCalls,
    chunkCallPartitions,
    async stop() {
      await consumer.stop();
      await nest?.close();
      await relay.stop();
      await broker.close();
      await dataSource.destroy();
    },
  };
}

export type Pipeline = Awaited<ReturnType<typeof startPipeline>>;

/** A guard as a service would write one: events marked `refuse` are turned away. */
class RefuseMarked implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return !context.switchToRpc().getData<EventOf<TestEvent>>().data.refuse;
  }
}

/** The test handler as a Nest user declares it: a controller method, `@OnEvent`, a guard, the transaction. */
function testEventsModule(event: TestEvent, apply: EventHandler<EventData<TestEvent>>): Type {
  @Controller()
  class TestEventsController {
    @OnEvent(event)
    @UseGuards(RefuseMarked)
    applied(@Payload() received: EventOf<TestEvent>, @TransactionManager() em: EntityManager) {
      return apply(em, received, undefined as never);
    }
  }
  @Module({ controllers: [TestEventsController] })
  class TestEventsModule {}
  return TestEventsModule;
}
