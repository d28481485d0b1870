import { randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { defineEvent } from '@shopflow/contracts';
import { createLogger, Metrics } from '@shopflow/platform/observability';
import { Writable } from 'node:stream';
import { EventConsumer } from './event-consumer';
import type { BatchHandler, ConsumerSpec, MessageBroker, ReceivedMessage } from './message-broker.port';
import { Outbox } from './outbox';
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
  const written: { sql: string; rows: unknown[][] }[] = [];
  const em = {
    query: async (sql: string, [rows]: [unknown[][]]) => {
      written.push({ sql, rows });
      return { affectedRows: rows.length };
    },
  } as unknown as EntityManager;
  let transactions = 0;
  const dataSource = {
    transaction: (work: (em: EntityManager) => unknown) => (transactions++, work(em)),
  } as unknown as DataSource;
  const unitOfWork = new UnitOfWork(dataSource, { wake: () => undefined });
  const logger = createLogger({
    service: 'consumer-spec',
    level: 'warn',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });

  let offset = 0;
  const message = (definition: typeof Placed, n: number, headers = {}, partition = 0): ReceivedMessage => ({
    topic: definition.topic,
    partition,
    offset: String(offset++),
    key: 'k',
    headers,
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
    transactions = 0;
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
    expect(transactions).toBe(1);
    expect(committed).toHaveLength(1);
  });

  describe('across partitions', () => {
    const consumerOf = (handle: (em: EntityManager, n: number) => void, chunkSize?: number) =>
      new EventConsumer(broker, unitOfWork, logger, new Metrics('consumer-spec'), {
        groupId: 'g',
        topics: [Placed.topic],
        deadLetterTopic: 'dlq',
        maxAttempts: 1,
        chunkSize,
      })
        .onChunk(Placed, async (em, events) => events.forEach((e) => handle(em, e.data.n)))
        .start();
    const committed: string[] = [];
    const controls = {
      heartbeat: async () => undefined,
      isRunning: () => true,
      commit: async (upTo: ReceivedMessage) => void committed.push(`${upTo.partition}@${upTo.offset}`),
    };
    // kafkajs hands one fetch's partition batches to its workers in one event-loop turn.
    const threePartitions = () =>
      Promise.all([0, 1, 2].map((p) => handleBatch([message(Placed, p, {}, p)], controls)));
    /** What each transaction's handler calls saw, and which of those transactions committed. */
    const seen: { events: number[]; committed: boolean }[] = [];
    type Work = (em: EntityManager) => Promise<unknown>;
    const transaction = dataSource.transaction as unknown as (work: Work) => Promise<unknown>;

    beforeEach(() => {
      transactions = 0;
      committed.length = 0;
      seen.length = 0;
      (broker.producer.send as jest.Mock).mockClear();
      dataSource.transaction = ((work: Work) =>
        transaction.call(dataSource, async (em: EntityManager) => {
          const one = { events: [] as number[], committed: false };
          seen.push(one);
          // Transactions may overlap (a chunk alone beside another's one-by-one retry): each its own em.
          const result = await work(Object.assign(Object.create(em), { seen: one }));
          one.committed = true;
          return result;
        })) as never;
    });
    afterEach(() => (dataSource.transaction = transaction as never));
    const handled = (em: EntityManager, n: number) =>
      (em as unknown as { seen: (typeof seen)[0] }).seen.events.push(n);

    it("applies one fetch's partitions in one transaction, and commits each partition's offset", async () => {
      consumerOf(handled);
      await threePartitions();
      expect(seen).toEqual([{ events: [0, 1, 2], committed: true }]);
      expect(committed.map((c) => c.split('@')[0]).sort()).toEqual(['0', '1', '2']);
    });

    it('gives a full chunk (a partition catching up) a transaction of its own, beside the others', async () => {
      consumerOf(handled, 1);
      await threePartitions();
      expect(seen).toEqual([0, 1, 2].map((n) => ({ events: [n], committed: true })));
      expect(committed).toHaveLength(3);
    });

    it("applies the others when one partition's event fails, and dead-letters only that event", async () => {
      consumerOf((em, n) => {
        if (n === 1) throw new Error('poison');
        handled(em, n);
      });
      await threePartitions();
      // Together they fail at 1; then each partition's chunk alone, side by side: 0 and 2 commit, 1
      // fails; then 1 as a single event (maxAttempts 1), which fails and is dead-lettered.
      expect(seen).toHaveLength(5);
      expect(seen.filter((t) => t.committed).map((t) => t.events[0])).toEqual(expect.arrayContaining([0, 2]));
      expect(seen.filter((t) => t.committed)).toHaveLength(2);
      expect(broker.producer.send).toHaveBeenCalledTimes(1);
      expect(committed.map((c) => c.split('@')[0]).sort()).toEqual(['0', '1', '2']);
    });

    it('dead-letters nothing and commits no offset when the database goes away in a shared transaction', async () => {
      const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      consumerOf((em, n) => {
        if (n === 1) throw unreachable;
        handled(em, n);
      });
      const outcomes = await Promise.allSettled(
        [0, 1, 2].map((p) => handleBatch([message(Placed, p, {}, p)], controls)),
      );
      // Every partition's batch fails, for kafkajs to fetch it again; none is tried alone.
      expect(outcomes).toEqual(outcomes.map(() => ({ status: 'rejected', reason: unreachable })));
      expect(seen).toEqual([{ events: [0], committed: false }]);
      expect(broker.producer.send).not.toHaveBeenCalled();
      expect(committed).toEqual([]);
    });
  });

  describe('with tracing on', () => {
    const exporter = new InMemorySpanExporter();
    beforeAll(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      trace.setGlobalTracerProvider(
        new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
      );
    });
    afterAll(() => {
      trace.disable();
      propagation.disable();
      context.disable();
    });

    it("continues each cause's trace in the events a chunk handler emits, not the first event's", async () => {
      const outbox = new Outbox('catalog', unitOfWork);
      new EventConsumer(broker, unitOfWork, logger, new Metrics('consumer-spec'), {
        groupId: 'g',
        topics: [Placed.topic],
        deadLetterTopic: 'dlq',
      })
        .onChunk(Placed, async (em, events) => {
          for (const event of events)
            await outbox.add(em, Cancelled, { key: 'k', n: event.data.n }, { causedBy: event });
        })
        .start();
      const traceIds = ['a'.repeat(32), 'b'.repeat(32)];
      written.length = 0;
      await handleBatch(
        traceIds.map((traceId, i) =>
          message(Placed, i, { traceparent: `00-${traceId}-${'c'.repeat(16)}-01` }),
        ),
        { heartbeat: async () => undefined, isRunning: () => true, commit: async () => undefined },
      );
      const outboxRows = written.find((w) => w.sql.includes('INSERT INTO outbox_message'))!.rows;
      // The row's traceparent (its last column) is in the trace of the event it answers.
      expect(outboxRows.map((row) => String(row[7]).split('-')[1])).toEqual(traceIds);
    });
  });
});
