import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { captureLogger, eventually, kafkaBrokers } from '@shopflow/testing';
import { KafkajsBroker } from './kafkajs.broker';
import type { ReceivedMessage, RunningConsumer } from './message-broker.port';

describe('KafkajsBroker (real Kafka)', () => {
  const broker = new KafkajsBroker({
    brokers: kafkaBrokers(),
    clientId: 'messaging-int-spec',
    logger: captureLogger().logger,
  });
  let consumer: RunningConsumer | undefined;

  afterEach(() => consumer?.stop());
  afterAll(() => broker.close());

  it('answers a ping', async () => {
    await expect(broker.ping()).resolves.toBeUndefined();
  });

  it('delivers a message to a consumer group with its key and headers intact', async () => {
    const topic = `test.port-${randomUUID()}`;
    await broker.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 3 }]);
    // Creating again is a no-op, not an error.
    await broker.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 3 }]);

    const received: ReceivedMessage[] = [];
    consumer = await broker.startConsumer({
      groupId: `group-${randomUUID()}`,
      topics: [topic],
      handle: async (message) => {
        received.push(message);
      },
    });
    await broker.producer.send(topic, [
      {
        key: 'order-1',
        value: JSON.stringify({ n: 1 }),
        headers: { 'x-correlation-id': 'corr-1', 'event-type': 'Test' },
      },
      { key: 'order-2', value: Buffer.from('{"n":2}'), headers: { 'x-correlation-id': 'corr-2' } },
    ]);

    await eventually(() => expect(received).toHaveLength(2), { timeoutMs: 30_000 });
    const byKey = Object.fromEntries(received.map((m) => [m.key, m]));
    expect(byKey['order-1']!.headers).toEqual({ 'x-correlation-id': 'corr-1', 'event-type': 'Test' });
    expect(JSON.parse(byKey['order-1']!.value!.toString())).toEqual({ n: 1 });
    expect(byKey['order-2']!.headers).toEqual({ 'x-correlation-id': 'corr-2' });
    expect(received.every((m) => m.topic === topic)).toBe(true);
  });

  it('writes applied offsets to Kafka at most once per interval, and all of them when it stops', async () => {
    const throttled = new KafkajsBroker({
      brokers: kafkaBrokers(),
      clientId: 'messaging-int-spec-offsets',
      logger: captureLogger().logger,
      offsetCommitIntervalMs: 60_000,
    });
    const admin = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    try {
      const topic = `test.offsets-${randomUUID()}`;
      const groupId = `group-${randomUUID()}`;
      await throttled.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
      await admin.connect();
      const committed = async () =>
        (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset;
      let received = 0;
      const member = throttled.startConsumer({
        groupId,
        topics: [topic],
        handle: async () => void received++,
      });
      const send = (n: number) =>
        throttled.producer.send(
          topic,
          Array.from({ length: n }, (_, i) => ({ key: 'k', value: String(i) })),
        );

      await send(1);
      await eventually(async () => expect(await committed()).toBe('1'), { timeoutMs: 30_000 }); // the first at once
      await send(4);
      await eventually(() => expect(received).toBe(5), { timeoutMs: 30_000 });
      expect(await committed()).toBe('1'); // applied, not yet written: the interval has not passed
      await member.stop();
      expect(await committed()).toBe('5');
    } finally {
      await admin.disconnect();
      await throttled.close();
    }
  }, 60_000);

  it('refuses to publish to a topic that was never created (auto-create is off)', async () => {
    await expect(
      broker.producer.send(`test.never-created-${randomUUID()}`, [{ key: 'k', value: 'v' }]),
    ).rejects.toThrow();
  }, 60_000);
});
