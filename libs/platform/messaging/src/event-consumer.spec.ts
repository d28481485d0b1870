import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { defineEvent } from '@shopflow/contracts';
import { createLogger, Metrics } from '@shopflow/platform/observability';
import { Writable } from 'node:stream';
import { EventConsumer } from './event-consumer';
import type { BatchHandler, ConsumerSpec, MessageBroker, ReceivedMessage } from './message-broker.port';
import { UnitOfWork } from './unit-of-work';

const contract = (type: string) =>
  defineEvent({
    type,
    version: 1,
    topic: 'test.consumer-spec',
    keyField: 'key',
    description: 'test only',
    schema: z.object({ key: z.string(), n: z.number().int() }),
  });
const Placed = contract('Placed');
const Cancelled = contract('Cancelled');

/**
 * How `EventConsumer` cuts a fetched batch into calls: unit level, with a broker that hands the
 * batch over directly and a transaction that only counts its inbox rows. The real path, with Kafka
 * and MySQL, is in messaging.int-spec.ts.
 */
describe('EventConsumer with chunk handlers', () => {
  let handleBatch: BatchHandler;
  const broker = {
    producer: { send: jest.fn() },
    startConsumer: (spec: ConsumerSpec) => {
      handleBatch = spec.handleBatch!;
      return { joined: Promise.resolve(), state: () => ({}), stop: async () => undefined };
    },
  } as unknown as MessageBroker;
  const em = {
    query: async (_sql: string, [rows]: [unknown[]]) => ({ affectedRows: rows.length }),
  } as unknown as EntityManager;
  const dataSource = { transaction: (work: (em: EntityManager) => unknown) => work(em) } as DataSource;
  const unitOfWork = new UnitOfWork(dataSource, { wake: () => undefined });
  const logger = createLogger({
    service: 'consumer-spec',
    level: 'warn',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });

  let offset = 0;
  const message = (definition: typeof Placed, n: number): ReceivedMessage => ({
    topic: definition.topic,
    partition: 0,
    offset: String(offset++),
    key: 'k',
    headers: {},
    timestamp: '0',
    value: Buffer.from(
      JSON.stringify({
        id: randomUUID(),
        type: definition.type,
        version: 1,
        occurredAt: new Date().toISOString(),
        producer: 'order',
        correlationId: `c-${n}`,
        causationId: null,
        key: 'k',
        data: { key: 'k', n },
      }),
    ),
  });

  it('calls a chunk handler once per run of consecutive events, in order, between per-event handlers', async () => {
    const calls: string[] = [];
    const consumer = new EventConsumer(broker, unitOfWork, logger, new Metrics('consumer-spec'), {
      groupId: 'g',
      topics: [Placed.topic],
      deadLetterTopic: 'dlq',
    })
      .onChunk(Placed, async (_em, events) => void calls.push(`placed ${events.map((e) => e.data.n)}`))
      .on(Cancelled, async (_em, event) => void calls.push(`cancelled ${event.data.n}`));
    consumer.start();
    const committed: string[] = [];
    await handleBatch(
      [
        message(Placed, 1),
        message(Placed, 2),
        message(Cancelled, 3),
        message(Cancelled, 4),
        message(Placed, 5),
      ],
      {
        heartbeat: async () => undefined,
        isRunning: () => true,
        commit: async (upTo) => void committed.push(upTo.offset),
      },
    );
    expect(calls).toEqual(['placed 1,2', 'cancelled 3', 'cancelled 4', 'placed 5']);
    expect(committed).toHaveLength(1); // one chunk, one transaction
  });
});
