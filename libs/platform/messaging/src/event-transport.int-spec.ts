import { randomUUID } from 'node:crypto';
import { captureLogger, createTestSchema, eventually, kafkaBrokers } from '@shopflow/testing';
import { DLQ_HEADERS } from './dead-letter';
import { KafkajsBroker } from './kafkajs.broker';
import type { ReceivedMessage, RunningConsumer } from './message-broker.port';
import {
  prepareMessagingSchema,
  startPipeline,
  testEvent,
  type Pipeline,
} from './test-support/messaging-fixture';

/**
 * The same outbox → relay → Kafka → consumer → inbox path as messaging.int-spec, with the handler
 * declared the Nest way (`@OnEvent` on a controller, a guard, `@TransactionManager()`) behind
 * `EventTransport`: what the services run.
 */
describe('EventTransport on the real broker and database', () => {
  jest.setTimeout(120_000);
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let admin: KafkajsBroker;
  let pipeline: Pipeline | undefined;
  const readers: RunningConsumer[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('transport');
    await prepareMessagingSchema(schema.url);
    admin = new KafkajsBroker({
      brokers: kafkaBrokers(),
      clientId: 'transport-admin',
      logger: captureLogger().logger,
    });
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.stop()));
    await pipeline?.stop();
    pipeline = undefined;
  });
  afterAll(async () => {
    await admin.close();
    await schema.drop();
  });

  async function start(maxAttempts = 3) {
    const id = randomUUID().slice(0, 8);
    const event = testEvent(`test.transport-${id}`);
    const deadLetterTopic = `test.transport-${id}.dlq`;
    await admin.ensureTopics([
      { name: event.topic, partitions: 3, replicationFactor: 1 },
      { name: deadLetterTopic, partitions: 1, replicationFactor: 1 },
    ]);
    const deadLetters: ReceivedMessage[] = [];
    readers.push(
      await admin.startConsumer({
        groupId: `reader-${id}`,
        topics: [deadLetterTopic],
        fromBeginning: true,
        handle: async (m) => void deadLetters.push(m),
      }),
    );
    pipeline = await startPipeline({
      databaseUrl: schema.url,
      brokers: kafkaBrokers(),
      event,
      handlerVia: 'nest',
      consumer: { groupId: `transport-${id}`, deadLetterTopic, maxAttempts, retryBaseMs: 10 },
    });
    return { pipeline, event, deadLetters };
  }

  async function publish(
    p: Pipeline,
    event: ReturnType<typeof testEvent>,
    items: { key: string; seq: number; fail?: boolean; refuse?: boolean }[],
  ): Promise<string[]> {
    const envelopes = await p.unitOfWork.run(async (em) => {
      const written = [];
      for (const item of items) written.push(await p.outbox.add(em, event, item));
      return written;
    });
    return envelopes.map((e) => e.id);
  }

  /** The effects of this test's events (the table is shared by the file's tests). */
  const effects = async (p: Pipeline, ids: string[]) =>
    (await p.dataSource.query('SELECT event_id FROM test_effect WHERE event_id IN (?)', [ids])) as {
      event_id: string;
    }[];

  it('applies each event once, in its transaction with the inbox row, through an @OnEvent handler', async () => {
    const { pipeline: p, event } = await start();
    const ids = await publish(
      p,
      event,
      Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 4}`, seq: i })),
    );
    await eventually(async () => expect(await effects(p, ids)).toHaveLength(30), { timeoutMs: 30_000 });
    const rows = await effects(p, ids);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(ids));
    const inbox: { n: number }[] = await p.dataSource.query(
      'SELECT COUNT(*) AS n FROM inbox_message WHERE event_id IN (?)',
      [ids],
    );
    expect(Number(inbox[0]!.n)).toBe(30);
  });

  it('dead-letters an event its guard refuses at once, one that keeps failing after its attempts, and the partition moves on', async () => {
    const { pipeline: p, event, deadLetters } = await start(3);
    const ids = await publish(p, event, [
      { key: 'same', seq: 1, refuse: true },
      { key: 'same', seq: 2, fail: true },
      { key: 'same', seq: 3 },
    ]);
    const [refusedId, failingId, afterId] = ids;
    await eventually(async () => expect((await effects(p, ids)).map((r) => r.event_id)).toEqual([afterId]), {
      timeoutMs: 30_000,
    });
    await eventually(() => expect(deadLetters).toHaveLength(2), { timeoutMs: 30_000 });
    const byId = new Map(deadLetters.map((m) => [m.headers['event-id'], m.headers]));
    expect(byId.get(refusedId)).toMatchObject({
      [DLQ_HEADERS.reason]: 'refused',
      [DLQ_HEADERS.attempts]: '1',
      [DLQ_HEADERS.error]: 'Forbidden resource',
    });
    expect(byId.get(failingId)).toMatchObject({
      [DLQ_HEADERS.reason]: 'handler-failed',
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.error]: 'handler refuses same#2',
    });
    expect(await p.metrics.registry.metrics()).toMatch(
      /messaging_events_dead_lettered_total\{[^}]*reason="refused"[^}]*\} 1/,
    );
  });
});
